"""API rate limits (issue 10 §3): per user/token, stricter on the token endpoint, 429 in the JSON
error format with Retry-After, counted in the shared cache (Redis under gunicorn)."""

from __future__ import annotations

import logging
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

TOKEN = "/api/v1/auth/token/"
LIST = "/api/v1/regions/divisions/"
PASSWORD = "kuoquan-demo"


def _rates(**rates):
    return override_settings(REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    })


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _assert_throttled(response):
    assert response.status_code == 429, response.content[:300]
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"] == f"请求过于频繁，请在 {wait} 秒后再试。"


@pytest.mark.django_db
def test_each_user_has_its_own_limit(api_for, personas):
    with _rates(user="3/min"):
        office, clerk = api_for(personas["office"]), api_for(personas["clerk_linxi"])
        assert [office.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
        _assert_throttled(office.get(LIST))
        assert clerk.get(LIST).status_code == 200  # another token, another count


@pytest.mark.django_db
def test_the_token_endpoint_limits_each_username_whatever_the_address(personas):
    with _rates(token_username="2/min"):
        answers = [APIClient(REMOTE_ADDR=f"10.0.0.{i}").post(TOKEN, {"username": "office", "password": PASSWORD})
                   for i in range(3)]
        assert [a.status_code for a in answers[:2]] == [200, 200]
        _assert_throttled(answers[2])
        # the same name spelt otherwise is the same name to guess at
        _assert_throttled(APIClient(REMOTE_ADDR="10.0.0.9").post(TOKEN, {"username": "OFFICE", "password": "x"}))
        assert APIClient().post(TOKEN, {"username": "auditor", "password": PASSWORD}).status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_limits_each_address_and_ignores_a_forged_forwarded_for(personas):
    with _rates(token_address="3/min"):
        client = APIClient(REMOTE_ADDR="10.1.1.1")
        names = ["office", "clerk_linxi", "superior", "auditor"]
        answers = [client.post(TOKEN, {"username": name, "password": PASSWORD},
                               HTTP_X_FORWARDED_FOR=f"192.0.2.{i}") for i, name in enumerate(names)]
        assert [a.status_code for a in answers[:3]] == [200, 200, 200]
        _assert_throttled(answers[3])  # no proxy in front (NUM_PROXIES=0): the header is not the address
        assert APIClient(REMOTE_ADDR="10.1.1.2").post(TOKEN, {"username": "auditor", "password": PASSWORD}).status_code == 200


@pytest.mark.django_db
def test_the_schema_documents_429():
    schema = APIClient().get("/api/schema/?format=json").json()
    assert "429" in schema["paths"][LIST]["get"]["responses"]
    assert "429" in schema["paths"][TOKEN]["post"]["responses"]


@pytest.mark.django_db
def test_with_the_cache_down_requests_go_through_and_a_warning_is_logged(api_for, personas, caplog):
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0",
                        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    office = api_for(personas["office"])
    with override_settings(CACHES=down), _rates(user="1/min"), caplog.at_level(logging.WARNING, "core.api.throttling"):
        assert [office.get(LIST).status_code for _ in range(2)] == [200, 200]
    assert "the cache is unavailable" in caplog.text


@pytest.fixture
def redis_location(tmp_path):
    """The machine's Redis (REDIS_URL) or an embedded one, as `run` starts; in redis-py's spelling."""
    from core.embedded import redis_url

    url = os.environ.get("REDIS_URL") or redis_url(tmp_path / "redis")
    return url.replace("redis+socket://", "unix://", 1)


@pytest.mark.django_db
def test_counts_live_in_redis_so_every_worker_sees_them(api_for, personas, redis_location):
    """Two cache clients (two gunicorn workers) share one count when CACHES is Redis, as settings.py makes it."""
    import redis
    from asgiref.local import Local
    from django.core.cache import caches

    shared = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_location,
                          "KEY_PREFIX": "kq-test-throttle"}}
    office = api_for(personas["office"])
    with override_settings(CACHES=shared), _rates(user="2/min"):
        caches["default"].clear()
        try:
            assert office.get(LIST).status_code == 200
            keys = redis.Redis.from_url(redis_location).keys("kq-test-throttle:*throttle_user_*")
            assert len(keys) == 1  # in Redis, not in this process
            caches._connections = Local()  # a new client, as the other worker has
            assert office.get(LIST).status_code == 200
            _assert_throttled(office.get(LIST))
        finally:
            caches["default"].clear()


def test_settings_count_in_redis_when_there_is_one():
    """config.settings: REDIS_URL set → RedisCache (shared by the workers); `run`'s embedded socket URL too."""
    import subprocess
    import sys

    code = ("import django;django.setup();from django.conf import settings as s;"
            "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "x" * 50,
           "REDIS_URL": "redis+socket:///tmp/kq/redis.sock"}
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "unix:///tmp/kq/redis.sock"], out.stderr
