"""The address a delivery reaches is the one checked (issue 15 §4, SSRF): the host name is
resolved once per attempt, every address checked, and the connection made to that address, so a
resolver that answers differently a moment later (DNS rebinding) cannot lead the POST elsewhere.
The request still names the host: the Host header, and for https the TLS server name (SNI) and
the certificate's check are the host name's."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import delivery as sending
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery

from .factories import finding, subscription
from .test_delivery import COUNTY, LINXI, world  # noqa: F401 - the fixture

REAL_GETADDRINFO = socket.getaddrinfo


class Server:
    """A receiver on ``address:port`` recording what it got (and, over TLS, the SNI it was asked)."""

    def __init__(self, address: str, port: int, tls: ssl.SSLContext | None = None):
        self.requests: list[dict] = []
        self.server_names: list[str | None] = []
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                answer = json.dumps({"at": address}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((address, port), Handler)
        if tls is not None:
            tls.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def stub_resolver(monkeypatch, host: str, answers: list[str]) -> list[str]:
    """``host`` resolves to answers[0] on the first lookup, answers[1] on the second, and so on
    (the last one for ever); other names as usual. Returns the list of lookups of ``host``."""
    lookups: list[str] = []

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return REAL_GETADDRINFO(name, port, *args, **kwargs)
        lookups.append(name)
        address = answers[min(len(lookups), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture
def two_receivers():
    """Two receivers on the same port: 127.0.0.1 (the address checked) and 127.0.0.2 (where a
    second lookup would lead)."""
    for _ in range(20):
        first = Server("127.0.0.1", 0)
        try:
            second = Server("127.0.0.2", first.port)
            break
        except OSError:
            first.stop()
    else:
        pytest.fail("no port free on both 127.0.0.1 and 127.0.0.2")
    yield first, second
    first.stop()
    second.stop()


@pytest.mark.django_db
def test_a_second_lookup_cannot_redirect_the_delivery(world, two_receivers, monkeypatch,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    first, second = two_receivers
    host = "hooks.rebind.test"
    sub = subscription(world["superior"], world["demo"][COUNTY], f"http://{host}:{first.port}/hook?k=1")
    lookups = stub_resolver(monkeypatch, host, ["127.0.0.1", "127.0.0.2"])
    with django_capture_on_commit_callbacks(execute=True):
        finding(world["demo"][LINXI])
    row = Delivery.objects.get(subscription=sub)
    assert (row.status, row.response_code, row.error_code) == (DeliveryStatus.SUCCEEDED, 200, "")
    assert lookups == [host]  # resolved once for the attempt
    assert second.requests == [], "the POST went to the address of a second lookup"
    (request,) = first.requests
    assert request["path"] == "/hook?k=1" and request["headers"]["Host"] == f"{host}:{first.port}"
    assert request["headers"]["X-Kuoquan-Signature"] == row.signature
    assert json.loads(request["body"])["division"]["code"] == LINXI

    # the next attempt (a re-send) resolves again: now to the second address, where it goes
    from webhooks import services

    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_resend(delivery=row, actor=world["superior"])
    again.refresh_from_db()
    assert again.status == DeliveryStatus.SUCCEEDED and lookups == [host, host]
    assert len(first.requests) == 1 and len(second.requests) == 1


@pytest.mark.django_db
def test_a_rebinding_to_an_internal_address_is_refused_before_connecting(monkeypatch, settings, two_receivers):
    """Production rules (no private networks): a name that resolves to an internal address at
    the check is refused, and nothing connects anywhere."""
    first, second = two_receivers
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    lookups = stub_resolver(monkeypatch, "hooks.rebind.test", ["127.0.0.2"])
    outcome = sending.post(f"http://hooks.rebind.test:{first.port}/x", b"{}", {"Content-Type": "application/json"})
    assert (outcome.code, outcome.error_code) == (None, "host_internal") and lookups == ["hooks.rebind.test"]
    assert first.requests == [] and second.requests == []


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hooks.tls.test only (no IP address in it)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=hooks.tls.test", "-addext", "subjectAltName=DNS:hooks.tls.test"],
                   check=True, capture_output=True)
    return key, cert


@pytest.fixture
def tls_receiver(certificate):
    key, cert = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = Server("127.0.0.1", 0, tls=context)
    yield server, cert
    server.stop()


@pytest.mark.django_db
def test_https_names_the_host_in_sni_and_checks_its_certificate(tls_receiver, monkeypatch, settings):
    server, cert = tls_receiver
    settings.WEBHOOKS_CA_BUNDLE = str(cert)
    stub_resolver(monkeypatch, "hooks.tls.test", ["127.0.0.1"])
    outcome = sending.post(f"https://hooks.tls.test:{server.port}/in", b'{"a":1}', {"Content-Type": "application/json"})
    assert (outcome.code, outcome.error_code) == (200, ""), outcome
    assert server.server_names == ["hooks.tls.test"]
    assert server.requests[0]["headers"]["Host"] == f"hooks.tls.test:{server.port}"
    assert server.requests[0]["body"] == b'{"a":1}' and '"at": "127.0.0.1"' in outcome.body

    # another name at the same address: the certificate is not its, so nothing is sent
    stub_resolver(monkeypatch, "other.tls.test", ["127.0.0.1"])
    refused = sending.post(f"https://other.tls.test:{server.port}/in", b"{}", {})
    assert (refused.code, refused.error_code) == (None, "tls_failed") and refused.error_params["reason"]
    assert len(server.requests) == 1
    # and without the bundle (the system's store) the self-signed certificate is refused too
    settings.WEBHOOKS_CA_BUNDLE = None
    stub_resolver(monkeypatch, "hooks.tls.test", ["127.0.0.1"])
    assert sending.post(f"https://hooks.tls.test:{server.port}/in", b"{}", {}).error_code == "tls_failed"
    assert len(server.requests) == 1
