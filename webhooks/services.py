"""Writes of the webhooks app: subscriptions (create, change, deactivate, a new secret), the
dispatch of an event to the subscriptions in its scope, a re-send, and the daily scan that
emits the overdue events. Deliveries are sent by ``webhooks.tasks`` after commit, by name."""

from __future__ import annotations

import datetime
import logging
from functools import reduce
from operator import or_

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.services import save_validated

from . import events, selectors
from .choices import DeliveryStatus, EventType
from .models import Delivery, Event, Subscription, new_secret

log = logging.getLogger(__name__)

SEND_TASK = "webhooks.tasks.send_delivery_task"
SUBSCRIPTION_FIELDS = {"name", "url", "division", "event_types"}
# Older overdue filings are on the overdue lists already; the first scan after a subscription
# is made reports what lapsed in this window, not years of old cases.
RECORD_LOOKBACK_DAYS = 90


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - SUBSCRIPTION_FIELDS
    if unknown:
        raise ApplicationError(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")


@transaction.atomic
def subscription_create(*, actor, **fields) -> Subscription:
    """Subscribe ``fields["url"]`` to events of ``fields["division"]``'s subtree, owned by ``actor``.
    A secret is generated (read it on the subscription's page or in the API answer)."""
    _check_fields(fields)
    fields["event_types"] = sorted(set(fields.get("event_types") or []))
    return save_validated(Subscription(owner=actor, **fields), actor)


@transaction.atomic
def subscription_update(*, subscription: Subscription, actor, **fields) -> Subscription:
    _check_fields(fields)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if "event_types" in fields:
        fields["event_types"] = sorted(set(fields["event_types"] or []))
    for name, value in fields.items():
        setattr(subscription, name, value)
    return save_validated(subscription, actor)


@transaction.atomic
def subscription_deactivate(*, subscription: Subscription, actor) -> Subscription:
    """Stop sending (停用); the subscription and its deliveries are kept."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.is_active:
        raise ConflictError(gettext("该订阅已停用。"), code="subscription_inactive")
    with actor_context(actor):
        subscription.is_active = False
        subscription.deactivated_at = timezone.now()
        subscription.stamp(actor)
        subscription.save(update_fields=["is_active", "deactivated_at", "updated_at", "updated_by"])
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, subscription: Subscription, actor) -> Subscription:
    """A new signing secret (the old one stops verifying at once)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    with actor_context(actor, reason="rotate_secret"):
        subscription.secret = new_secret()
        subscription.stamp(actor)
        subscription.save(update_fields=["secret", "updated_at", "updated_by"])
    return subscription


# --- sending ------------------------------------------------------------------------------------
def _send_later(delivery_ids: list[int]) -> None:
    def enqueue():
        from celery import current_app
        from kombu.exceptions import OperationalError as BrokerError

        for delivery_id in delivery_ids:
            try:
                current_app.signature(SEND_TASK, kwargs={"delivery_id": delivery_id}).apply_async(ignore_result=True)
            except BrokerError:
                log.warning("webhook delivery %s: broker unreachable; re-send it from its page", delivery_id,
                            exc_info=True)

    if delivery_ids:
        transaction.on_commit(enqueue)


@transaction.atomic
def event_dispatch(*, event: Event) -> list[Delivery]:
    """The first delivery of ``event`` to every subscription in its scope (pending, sent after
    commit). Run twice, it adds nothing (one first attempt per subscription and event)."""
    event = Event.objects.select_for_update().select_related("division").get(pk=event.pk)
    created = []
    for subscription in selectors.subscriptions_for_event(event=event):
        try:
            with transaction.atomic():
                created.append(Delivery.objects.create(subscription=subscription, event=event, attempt=1))
        except IntegrityError:
            continue
    if event.dispatched_at is None:
        event.dispatched_at = timezone.now()
        event.save(update_fields=["dispatched_at"])
    _send_later([d.pk for d in created])
    return created


@transaction.atomic
def delivery_resend(*, delivery: Delivery, actor) -> Delivery:
    """Send ``delivery``'s event again to its subscription: a new delivery (重发), one attempt."""
    subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
    if not subscription.is_active:
        raise ConflictError(gettext("该订阅已停用，不能重发。"), code="subscription_inactive")
    if delivery.status == DeliveryStatus.PENDING:
        raise ConflictError(gettext("该投递尚未完成，请稍后再重发。"), code="delivery_pending")
    attempt = selectors.last_attempt(subscription=subscription, event=delivery.event) + 1
    with actor_context(actor, reason="redeliver"):
        new = Delivery.objects.create(subscription=subscription, event=delivery.event, attempt=attempt, manual=True,
                                      requested_by=actor if getattr(actor, "pk", None) else None)
    _send_later([new.pk])
    return new


# --- the daily scan -----------------------------------------------------------------------------
def _under(paths: list[str], field: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def overdue_scan(*, today: datetime.date | None = None) -> dict[str, int]:
    """Emit the overdue events (once each, by their key) for what active subscriptions cover:
    unfiled exercise records past their filing due date (as each owner sees them, through
    delegation's selector) and entitlements owed past their due date (finance's selector); and
    dispatch events the broker could not take when they happened. How many of each."""
    from delegation.selectors import overdue_record_list
    from finance.selectors import entitlement_overdue_list

    today = today or timezone.localdate()
    counts = {"record.overdue": 0, "entitlement.overdue": 0, "redispatched": 0}
    since = today - datetime.timedelta(days=RECORD_LOOKBACK_DAYS)
    paths = selectors.subscribed_paths(event_type=EventType.RECORD_OVERDUE)
    seen: set[int] = set()
    for owner in selectors.subscribed_owners(event_type=EventType.RECORD_OVERDUE) if paths else ():
        records = (overdue_record_list(user=owner, today=today).filter(filing_due_on__gte=since)
                   .filter(_under(paths, "division__path")).exclude(pk__in=seen))
        for record in records.iterator(chunk_size=500):
            seen.add(record.pk)
            with transaction.atomic():
                counts["record.overdue"] += events.record_overdue(record, today=today) is not None
    paths = selectors.subscribed_paths(event_type=EventType.ENTITLEMENT_OVERDUE)
    if paths:
        for entitlement in entitlement_overdue_list(today=today).filter(_under(paths, "town__path")):
            with transaction.atomic():
                counts["entitlement.overdue"] += events.entitlement_overdue(entitlement, today=today) is not None
    stale = timezone.now() - datetime.timedelta(minutes=10)
    for event_id in Event.objects.filter(dispatched_at__isnull=True, occurred_at__lt=stale).values_list("pk", flat=True):
        counts["redispatched"] += events.enqueue_dispatch(event_id)
    return counts
