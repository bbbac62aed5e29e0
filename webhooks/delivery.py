"""One attempt to deliver one event: the body, its signature, the POST, and its row.

The body is the event as JSON (the same bytes for every attempt and re-send of the event); the
receiver checks ``X-Kuoquan-Signature: sha256=<hex>``, the HMAC-SHA256 of exactly those bytes
keyed with the subscription's secret (NetBox: ``X-Hook-Signature``, HMAC-SHA512 of the body).
``X-Kuoquan-Delivery`` names the attempt, ``X-Kuoquan-Event`` the event type. Redirects are not
followed (a 3xx is a failure): the checked address is the one that receives the data.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from . import rules
from .choices import DeliveryStatus, delivery_error_text
from .models import Delivery, Event, Subscription

EXCERPT = 2000  # characters of the receiver's answer kept
READ_AT_MOST = 64 * 1024  # bytes read of the answer
USER_AGENT = "Kuoquan-Webhooks/1.0"
CHARSET = re.compile(r"charset=\"?([\w.:-]+)", re.IGNORECASE)


def timeout() -> float:
    return float(getattr(settings, "WEBHOOKS_TIMEOUT", 5.0))


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 5))


def backoff(attempt: int) -> int:
    """Seconds before attempt ``attempt + 1``: 60, 120, 240, 480 … (``WEBHOOKS_BACKOFF_SECONDS``)."""
    return int(getattr(settings, "WEBHOOKS_BACKOFF_SECONDS", 60)) * 2 ** (attempt - 1)


def body(event: Event) -> bytes:
    """The JSON the receiver gets (keys sorted, UTF-8): what the signature is computed over."""
    division = event.division
    envelope = {
        "id": str(event.uuid),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "division": {"code": division.code, "name": division.name, "level": division.level, "path": division.path},
        "object": {"kind": event.object_kind, "id": event.object_id},
        "data": event.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str, data: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


def headers(delivery: Delivery, data: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Kuoquan-Event": delivery.event.type,
        "X-Kuoquan-Event-Id": str(delivery.event.uuid),
        "X-Kuoquan-Delivery": str(delivery.pk),
        "X-Kuoquan-Signature": sign(delivery.subscription.secret, data),
    }


@dataclass
class Outcome:
    code: int | None = None
    body: str = ""
    error_code: str = ""  # choices.DELIVERY_ERRORS
    error_params: dict = field(default_factory=dict)
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def tls_context() -> ssl.SSLContext:
    """What an https receiver's certificate is checked against: the file ``WEBHOOKS_CA_BUNDLE``
    names, else the system's certificate store; the host name is checked (check_hostname)."""
    return ssl.create_default_context(cafile=getattr(settings, "WEBHOOKS_CA_BUNDLE", None) or None)


def _charset(content_type: str) -> str:
    match = CHARSET.search(content_type or "")
    return match.group(1) if match else "utf-8"


def post(url: str, data: bytes, request_headers: dict[str, str]) -> Outcome:
    """POST ``data`` to ``url`` within ``timeout()``, at the address checked a moment ago.

    The host name is resolved once (rules.resolved_address: every address it resolves to must
    pass) and the connection goes to that address, so a second lookup cannot lead it elsewhere
    (DNS rebinding). The request still names the host: ``Host`` for http, and for https the TLS
    server name (SNI) and the certificate's check are the host name's, not the address's. No
    proxy (urllib3 reads none from the environment), no redirects, no retries here."""
    import urllib3
    from urllib3 import exceptions as errors

    try:
        address = rules.resolved_address(url)
    except rules.Refused as refusal:
        return Outcome(error_code=refusal.code)
    parts = urlsplit(url.strip())
    https = parts.scheme.lower() == "https"
    host, port = parts.hostname, parts.port or (443 if https else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = (f"[{host}]" if ":" in host else host) + ("" if port == (443 if https else 80) else f":{port}")
    limit = urllib3.Timeout(connect=timeout(), read=timeout())
    if https:
        pool = urllib3.HTTPSConnectionPool(address, port, timeout=limit, retries=False, maxsize=1,
                                           ssl_context=tls_context(), cert_reqs="CERT_REQUIRED",
                                           server_hostname=host)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=limit, retries=False, maxsize=1)
    started = time.monotonic()
    try:
        response = pool.urlopen("POST", target, body=data, headers={**request_headers, "Host": host_header},
                                redirect=False, retries=False, preload_content=False, assert_same_host=False)
        try:
            raw = response.read(READ_AT_MOST, decode_content=True) or b""
        finally:
            response.release_conn()
        try:
            text = raw.decode(_charset(response.headers.get("Content-Type", "")), errors="replace")
        except LookupError:  # a charset Python does not know
            text = raw.decode("utf-8", errors="replace")
        return Outcome(code=response.status, body=text[:EXCERPT], duration_ms=int((time.monotonic() - started) * 1000))
    except errors.NewConnectionError as exc:  # refused, unreachable (before the timeouts: a subclass)
        outcome = Outcome(error_code="connect_failed", error_params={"reason": type(exc).__name__})
    except errors.TimeoutError:
        outcome = Outcome(error_code="timeout", error_params={"seconds": f"{timeout():g}"})
    except errors.SSLError as exc:
        outcome = Outcome(error_code="tls_failed", error_params={"reason": _ssl_reason(exc)})
    except (errors.HTTPError, OSError) as exc:
        outcome = Outcome(error_code="connect_failed", error_params={"reason": type(exc).__name__})
    finally:
        pool.close()
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def _ssl_reason(exc: Exception) -> str:
    """The ssl module's reason (CERTIFICATE_VERIFY_FAILED, …) of a failed handshake, else the class."""
    inner = exc.args[0] if exc.args else None
    return getattr(inner, "reason", None) or getattr(exc, "reason", None) or type(exc).__name__


def error_fields(code: str, params: dict) -> dict:
    """A delivery's error fields: the code and its parameters, and the Chinese text (the source
    language, whatever language is active in the worker)."""
    if not code:
        return {"error_code": "", "error_params": {}, "error": ""}
    with translation.override(None):
        text = delivery_error_text(code, params)
    return {"error_code": code, "error_params": params, "error": text[:500]}


def claim(delivery_id: int) -> Delivery | None:
    """The pending delivery ``delivery_id``, or None when another run took it (a task run twice)."""
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("subscription__owner", "event__division")
                    .filter(pk=delivery_id, status=DeliveryStatus.PENDING).first())
        if delivery is None:
            return None
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
    return delivery


def in_scope(subscription: Subscription, event: Event) -> bool:
    """Still to be sent: the subscription active, its division containing the event's, and its
    owner still seeing the event's division."""
    return (subscription.is_active and event.division.path.startswith(subscription.division.path)
            and rules.owner_sees(subscription.owner, event.division))


def attempt(delivery_id: int) -> Delivery | None:
    """Send the pending delivery and record what came back. None when there was nothing to send."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    subscription, event = delivery.subscription, delivery.event
    subscription.refresh_from_db(fields=["is_active", "url", "secret", "division"])
    if not in_scope(subscription, event):
        delivery.status = DeliveryStatus.SKIPPED
        for name, value in error_fields("skipped", {}).items():
            setattr(delivery, name, value)
        delivery.save(update_fields=["status", "error", "error_code", "error_params"])
        return delivery
    data = body(event)
    request_headers = headers(delivery, data)
    outcome = post(subscription.url, data, request_headers)
    delivery.url = subscription.url[:500]
    delivery.signature = request_headers["X-Kuoquan-Signature"]
    delivery.response_code = outcome.code
    delivery.response_body = outcome.body
    delivery.duration_ms = outcome.duration_ms
    delivery.status = DeliveryStatus.SUCCEEDED if outcome.ok else DeliveryStatus.FAILED
    code, params = outcome.error_code, outcome.error_params
    if not outcome.ok and outcome.code is not None and not code:
        code, params = "http_status", {"code": outcome.code}
    for name, value in error_fields(code, params).items():
        setattr(delivery, name, value)
    delivery.save(update_fields=["url", "signature", "response_code", "response_body", "error", "error_code",
                                 "error_params", "duration_ms", "status"])
    return delivery


def retry_due(delivery: Delivery) -> bool:
    """Is another automatic attempt owed? A failure of an automatic attempt below the maximum
    (a re-send by hand is one attempt; a skipped delivery is not retried)."""
    return delivery.status == DeliveryStatus.FAILED and not delivery.manual and delivery.attempt < max_attempts()


def schedule_retry(delivery: Delivery) -> tuple[Delivery, int] | None:
    """The next attempt's row (pending) and its countdown; None when it exists already."""
    countdown = backoff(delivery.attempt)
    at = timezone.now() + datetime.timedelta(seconds=countdown)
    try:
        with transaction.atomic():
            following = Delivery.objects.create(subscription=delivery.subscription, event=delivery.event,
                                                attempt=delivery.attempt + 1, next_retry_at=at)
            delivery.next_retry_at = at
            delivery.save(update_fields=["next_retry_at"])
    except IntegrityError:
        return None
    return following, countdown
