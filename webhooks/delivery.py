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
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import rules
from .choices import DeliveryStatus
from .models import Delivery, Event, Subscription

EXCERPT = 2000  # characters of the receiver's answer kept
READ_AT_MOST = 64 * 1024  # bytes read of the answer
USER_AGENT = "Kuoquan-Webhooks/1.0"


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
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def post(url: str, data: bytes, request_headers: dict[str, str]) -> Outcome:
    """POST ``data`` to ``url`` (checked again: resolved addresses), within ``timeout()``."""
    import requests

    problem = rules.resolved_problem(url)
    if problem:
        return Outcome(error=problem)
    started = time.monotonic()
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the checked address is the one contacted
    try:
        with session.post(url, data=data, headers=request_headers, timeout=timeout(), allow_redirects=False,
                          stream=True) as response:
            raw = response.raw.read(READ_AT_MOST, decode_content=True) or b""
            text = raw.decode(response.encoding or "utf-8", errors="replace")
            return Outcome(code=response.status_code, body=text[:EXCERPT],
                           duration_ms=int((time.monotonic() - started) * 1000))
    except requests.Timeout:
        error = f"超时（{timeout():g} 秒）"
    except requests.RequestException as exc:
        error = f"连接失败：{type(exc).__name__}"
    finally:
        session.close()
    return Outcome(error=error, duration_ms=int((time.monotonic() - started) * 1000))


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
        delivery.error = "订阅已停用或事件不在订阅人的管辖范围内，未发送。"
        delivery.save(update_fields=["status", "error"])
        return delivery
    data = body(event)
    request_headers = headers(delivery, data)
    outcome = post(subscription.url, data, request_headers)
    delivery.url = subscription.url[:500]
    delivery.signature = request_headers["X-Kuoquan-Signature"]
    delivery.response_code = outcome.code
    delivery.response_body = outcome.body
    delivery.error = outcome.error[:500]
    delivery.duration_ms = outcome.duration_ms
    delivery.status = DeliveryStatus.SUCCEEDED if outcome.ok else DeliveryStatus.FAILED
    if not outcome.ok and outcome.code is not None and not outcome.error:
        delivery.error = f"接收方返回 HTTP {outcome.code}"
    delivery.save(update_fields=["url", "signature", "response_code", "response_body", "error", "duration_ms",
                                 "status"])
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
