"""Faults under a running app (issue 10 §5): a real gunicorn (production settings, DEBUG off,
one sync worker so its persistent database connection is reused, CONN_MAX_AGE) serving this
test's database through a TCP proxy that plays the database server restarting: every open
connection is cut, new ones are refused while it is "down", accepted again when it is "up".
And Redis down under the same gunicorn: pages, the API and logging in still work.

Decision for the database: once the server is back, the next request succeeds, with no error
the user sees (CONN_HEALTH_CHECKS: Django checks a reused connection before the first query of
a request and opens a new one when the old one is dead). While the server is really down the
request cannot be served: the user gets the site's styled error page, no stack trace.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client

from core.tests.test_worker import database_url

pytestmark = pytest.mark.django_db(transaction=True)
APP_NAME = "kq-fault-web"  # the gunicorn's connections, found by application_name (PGAPPNAME)


def spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FlakyProxy:
    """A TCP proxy to PostgreSQL that can go down (connections cut, new ones refused) and up."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, spare_port()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """The server stops: the port refuses connections and every open one is cut."""
        listener, self.listener = self.listener, None
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                sock.close()


def _url_through(proxy: FlakyProxy) -> str:
    db = connection.settings_dict
    return f"postgresql://{db.get('USER') or 'postgres'}:{db.get('PASSWORD') or ''}@127.0.0.1:{proxy.port}/{db['NAME']}"


@contextlib.contextmanager
def gunicorn(database: str, redis_url: str):
    port = spare_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_faults", "DATABASE_URL": database,
           "REDIS_URL": redis_url, "DJANGO_DEBUG": "0", "PGAPPNAME": APP_NAME,
           "DJANGO_SECRET_KEY": django_settings.SECRET_KEY, "DJANGO_HTTPS": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--worker-class", "sync", "--timeout", "60", "--error-logfile", "-"],
        env=env, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 50
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=10)  # the first request loads the application
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"gunicorn did not start: {proc.stdout.read()[-3000:]}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def browser(personas):
    """A requests session logged in as the town clerk (session written here, used by gunicorn)."""
    client = Client()
    client.force_login(personas["clerk_linxi"])
    session = requests.Session()
    session.cookies.set(django_settings.SESSION_COOKIE_NAME, client.cookies[django_settings.SESSION_COOKIE_NAME].value)
    return session


def _web_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
                       [APP_NAME])
        return [row[0] for row in cursor.fetchall()]


def _get(session: requests.Session, url: str) -> requests.Response:
    return session.get(url, timeout=30, allow_redirects=False)


def test_database_connection_killed_under_gunicorn_the_next_request_succeeds(browser):
    db = connection.settings_dict
    with gunicorn(database_url(), "") as base:
        assert _get(browser, f"{base}/").status_code == 200
        (backend,) = _web_backends()  # the persistent connection, kept between requests
        with connection.cursor() as cursor:  # what a restart or a DBA's kill does to it
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        time.sleep(0.2)
        assert _web_backends() == []
        for _ in range(3):
            response = _get(browser, f"{base}/")
            assert response.status_code == 200, response.text[:300]
        assert len(_web_backends()) == 1  # a new connection, reused again
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"]


def test_database_server_restarting_under_gunicorn(browser):
    db = connection.settings_dict
    proxy = FlakyProxy((db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)))
    with gunicorn(_url_through(proxy), "") as base:
        assert _get(browser, f"{base}/").status_code == 200
        proxy.down()
        # Down: the site's styled error page, never a traceback; the process keeps serving.
        response = _get(browser, f"{base}/")
        assert response.status_code in (500, 503)
        assert 'data-testid="error-page"' in response.text and "Traceback" not in response.text
        assert requests.get(f"{base}/healthz", timeout=5).text == "ok"
        proxy.up()
        # Back: the first request already succeeds (the dead connection is noticed and replaced).
        started = time.monotonic()
        assert _get(browser, f"{base}/").status_code == 200
        assert time.monotonic() - started < 5
        assert _get(browser, f"{base}/delegation/records/").status_code == 200
    proxy.down()


def test_redis_down_pages_api_and_login_still_work(personas):
    closed = f"redis://127.0.0.1:{spare_port()}/0"  # nothing listens there
    user = get_user_model().objects.get(pk=personas["clerk_linxi"].pk)
    # gunicorn runs the production hashers (the test settings' MD5 is not among them).
    user.password = PBKDF2PasswordHasher().encode("kuoquan-fault-1", PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    with gunicorn(database_url(), closed) as base:
        session = requests.Session()
        page = session.get(f"{base}/accounts/login/", timeout=30)
        assert page.status_code == 200
        started = time.monotonic()
        response = session.post(f"{base}/accounts/login/", timeout=30, allow_redirects=False, data={
            "username": user.username, "password": "kuoquan-fault-1", "csrfmiddlewaretoken": session.cookies["csrftoken"],
        }, headers={"Referer": f"{base}/accounts/login/"})
        assert response.status_code == 302, response.text[:500]
        for path in ("/", "/delegation/records/", "/notifications/", "/api/v1/delegation/exercise-records/"):
            answer = _get(session, f"{base}{path}")
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        token = requests.post(f"{base}/api/v1/auth/token/", timeout=30,  # no session: a script's login
                             data={"username": user.username, "password": "kuoquan-fault-1"})
        assert token.status_code == 200, token.text[:300]
        api = requests.get(f"{base}/api/v1/delegation/exercise-records/", timeout=30,
                           headers={"Authorization": f"Token {token.json()['token']}"})
        assert api.status_code == 200, api.text[:300]
        # Each of these waited at most the cache's short timeouts, not the broker's retries.
        assert time.monotonic() - started < 20
