"""Fixtures of the webhooks tests: a receiver on 127.0.0.1 (this helper's ports 8171-8174),
private addresses allowed for it (``WEBHOOKS_ALLOW_PRIVATE_NETWORKS``, default DEBUG), and the
package calendar of the years a finding's deadline is counted in."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core import deadlines
from core.models import CalendarYear
from core.services import calendar_year_import_from_package

RECEIVER_PORTS = (8171, 8172, 8173, 8174)


@pytest.fixture(autouse=True)
def private_networks(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOKS_TIMEOUT = 2.0


@pytest.fixture(autouse=True)
def calendar_years(db):
    for year in (2025, 2026):
        if not CalendarYear.objects.filter(year=year).exists():
            calendar_year_import_from_package(year=year)
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


class Receiver:
    """What the receiver got (path, headers, raw body) and what it answers next (status codes,
    then 200 for ever)."""

    def __init__(self, port: int):
        self.port = port
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def on(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def json(self, request: dict) -> dict:
        return json.loads(request["body"])


@pytest.fixture
def receiver():
    state = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with state.lock:
                state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                code = state.answers.pop(0) if state.answers else 200
            answer = json.dumps({"received": len(state.requests), "code": code}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):  # quiet
            pass

    server = None
    for port in RECEIVER_PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    assert server is not None, "no free receiver port in 8171-8174"
    state = Receiver(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
