"""Production settings (issue 10 §3): check --deploy clean, HTTPS behind a proxy, CSP, no tracebacks.

The settings are read at import, from the environment, so each environment is tried in a child
process with config.settings (not the test settings); what the child reports is then applied
here to see what a browser would get: the redirect to https, HSTS, Secure cookies.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import path

from config import urls as site_urls

ROOT = Path(django_settings.BASE_DIR)
SECURITY_SETTINGS = ("DEBUG", "HTTPS", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT",
                     "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                     "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "X_FRAME_OPTIONS")


def _env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KQ_THROTTLE"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(**env), capture_output=True, text=True,
                          timeout=120)


def _settings_in(**env) -> dict:
    code = ("import django,json;django.setup();from django.conf import settings as s;"
            f"print(json.dumps({{n: getattr(s, n, None) for n in {SECURITY_SETTINGS!r}}}))")
    result = _run(code, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION = {"DJANGO_HTTPS": "1", "DJANGO_ALLOWED_HOSTS": "kq.example.org"}


def test_check_deploy_is_clean_with_the_production_settings():
    # The security checks (Django's and kq.security.W001); the schema's own warnings are CI's `check`.
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level",
                             "WARNING"], cwd=ROOT,
                            env=_env(**PRODUCTION), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "no issues" in result.stdout


def test_check_deploy_names_what_plain_http_lacks():
    """`run` on http://127.0.0.1: allowed, but check --deploy says so (W004 HSTS, W008 redirect, W012/W016 cookies)."""
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                            env=_env(DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"), capture_output=True, text=True,
                            timeout=120)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout, warning


def test_no_secret_key_no_start_with_debug_off(tmp_path):
    result = _run("import django;django.setup()", DJANGO_SECRET_KEY=None,
                  DATABASE_URL="postgresql://postgres@127.0.0.1:5432/none")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert _run("import django;django.setup()", DJANGO_SECRET_KEY=None, DJANGO_DEBUG="1").returncode == 0


def test_a_laptop_gets_its_checkouts_own_random_key_never_one_from_the_source(tmp_path):
    # The embedded database (no DATABASE_URL): the key `kq.py run` keeps in var/secret_key, made on
    # first use with mode 0600, the same on every later start; it used to be a key written in the source.
    code = ("import django;django.setup();from django.conf import settings as s;print(s.SECRET_KEY)")
    key_file = tmp_path / "secret_key"
    env = {"DJANGO_SECRET_KEY": None, "DATABASE_URL": None, "KUOQUAN_SECRET_KEY_FILE": str(key_file),
           "KUOQUAN_EMBEDDED_PG_DIR": "/nonexistent/never-started"}
    first, again = _run(code, **env), _run(code, **env)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and key == key_file.read_text().strip() == again.stdout.strip()
    assert key != "dev-only-insecure-key-kuoquan" and key_file.stat().st_mode & 0o077 == 0
    other = _run(code, **{**env, "KUOQUAN_SECRET_KEY_FILE": str(tmp_path / "other")})
    assert other.stdout.strip() != key


def test_https_follows_the_flag_and_defaults_on_for_a_real_host_name():
    production = _settings_in(**PRODUCTION)
    assert production["HTTPS"] and production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["X_FRAME_OPTIONS"] == "DENY"
    # a host name other than this machine, flag unset: HTTPS on, never silently non-Secure sessions
    assert _settings_in(DJANGO_ALLOWED_HOSTS="kq.example.org")["SESSION_COOKIE_SECURE"] is True
    # `kq.py run` on http://127.0.0.1 with DEBUG off, and plain http asked for in so many words
    run = _settings_in(DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
    assert run["DEBUG"] is False and run["HTTPS"] is False and not run["SESSION_COOKIE_SECURE"]
    assert _settings_in(DJANGO_HTTPS="0", DJANGO_ALLOWED_HOSTS="kq.example.org")["HTTPS"] is False
    assert _run("import django;django.setup()", DJANGO_HTTPS="yes").returncode != 0


@pytest.fixture(scope="module")
def production_security() -> dict:
    values = _settings_in(**PRODUCTION)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return {k: v for k, v in values.items() if k not in ("DEBUG", "HTTPS")}


@pytest.mark.django_db
def test_behind_the_proxy_http_redirects_https_gets_hsts_and_secure_cookies(production_security, personas):
    with override_settings(**production_security, ALLOWED_HOSTS=["kq.example.org"]):
        client = Client(HTTP_HOST="kq.example.org")
        plain = client.get("/accounts/login/")
        assert plain.status_code == 301 and plain["Location"] == "https://kq.example.org/accounts/login/"
        assert client.get("/healthz").status_code == 200  # the proxy's probe over http is not redirected

        tls = Client(HTTP_HOST="kq.example.org", HTTP_X_FORWARDED_PROTO="https")
        page = tls.get("/accounts/login/")
        assert page.status_code == 200
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert page["X-Frame-Options"] == "DENY"
        assert page.cookies["csrftoken"]["secure"]
        login = tls.post("/accounts/login/", {"username": "office", "password": "kuoquan-demo",
                                              "csrfmiddlewaretoken": page.cookies["csrftoken"].value})
        assert login.status_code == 302, login.content[:500]
        session = login.cookies[django_settings.SESSION_COOKIE_NAME]
        assert session["secure"] and session["httponly"]


@pytest.mark.django_db
def test_every_page_sends_the_content_security_policy(client, personas):
    client.force_login(personas["office"])
    assert "script-src" in Client().get("/accounts/login/")["Content-Security-Policy"]
    for url in ("/", "/api/docs/", "/api/redoc/", "/delegation/matrix/", "/api/v1/regions/divisions/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, url
        assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    # one exception: Redoc's logo from its CDN, on the Redoc page only
    assert "https://cdn.redoc.ly" in client.get("/api/redoc/")["Content-Security-Policy"]
    assert "cdn.redoc.ly" not in client.get("/api/docs/")["Content-Security-Policy"]
    # Swagger UI's start-up script is a file of its own (?script), not inline in the page
    docs = client.get("/api/docs/").content.decode()
    assert "<script>" not in docs and "?script=" in docs
    assert client.get("/api/docs/?script=")["Content-Type"].startswith("application/javascript")


def _boom(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [path("boom/", _boom), path("api/boom/", _boom), *site_urls.urlpatterns]
handler500 = "core.api.exceptions.server_error"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_error_with_debug_off_shows_no_traceback_and_the_api_answers_json():
    client = Client(raise_request_exception=False)
    page = client.get("/boom/")
    assert page.status_code == 500
    assert "secret detail" not in page.content.decode() and "Traceback" not in page.content.decode()
    assert 'data-status="500"' in page.content.decode()  # the site's own page
    api = client.get("/api/boom/")
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert api.json()["error"]["code"] == "server_error"
    assert "secret detail" not in api.content.decode()
    missing = client.get("/nowhere/")
    assert missing.status_code == 404 and "boom/" not in missing.content.decode()  # no URL list
