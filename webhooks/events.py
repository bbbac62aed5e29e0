"""Events: recorded once inside the transaction that made them, dispatched after it commits.

``emit`` writes the Event row in the caller's transaction (so a rolled-back publication leaves
no event) and asks, through ``transaction.on_commit``, for the dispatch task by name (the task
reads the row: it must be committed first — the STYLE.md pitfall of ``.delay()`` inside an open
transaction). ``key`` is unique: the same publication, overdue filing or close-out is emitted
once however often its row is saved or the daily scan runs. NetBox queues its events during the
request and flushes them at its end (extras/events.py); ours waits for the commit.

The receivers below are connected to the other apps' ``post_save`` in ``WebhooksConfig.ready``
— the one place those apps' writes reach this app, listed there — and only read the row saved.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from regions import scoping

from .choices import EventType
from .models import Event

log = logging.getLogger(__name__)

DISPATCH_TASK = "webhooks.tasks.dispatch_event_task"


def _plain(payload: dict) -> dict:
    """Dates, decimals and UUIDs as JSON text, once, when the event is recorded."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))


def emit(*, type: str, key: str, obj, division, payload: dict,
         occurred_at: datetime.datetime | None = None) -> Event | None:
    """Record the event ``key`` unless it exists; the new Event, or None when it was emitted before."""
    if Event.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():  # a concurrent emit of the same key loses here, not the caller's transaction
            event = Event.objects.create(
                type=type, key=key, object_kind=obj._meta.label_lower, object_id=obj.pk, division=division,
                payload=_plain(payload), occurred_at=occurred_at or timezone.now(),
            )
    except IntegrityError:
        return None
    event_id = event.pk
    transaction.on_commit(lambda: enqueue_dispatch(event_id))
    return event


def enqueue_dispatch(event_id: int) -> bool:
    """Send the dispatch task by name. With the broker down the event stays undispatched and the
    daily scan sends it again (``Event.dispatched_at`` is still empty)."""
    from celery import current_app
    from kombu.exceptions import OperationalError as BrokerError

    try:
        current_app.signature(DISPATCH_TASK, args=(event_id,)).apply_async(ignore_result=True)
    except BrokerError:
        log.warning("webhook event %s: broker unreachable; the daily scan dispatches it", event_id, exc_info=True)
        return False
    return True


# --- receivers (connected in apps.py) ---------------------------------------------------------
ITEM_EVENTS = {"published": EventType.ITEM_PUBLISHED, "withdrawn": EventType.ITEM_WITHDRAWN}


def item_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """delegation.Item: published (公布) or withdrawn (收回) — both happen once in an item's life."""
    if raw or (update_fields is not None and "status" not in update_fields):
        return
    event_type = ITEM_EVENTS.get(instance.status)
    if event_type is None:
        return
    department = instance.department
    emit(type=event_type, key=f"{event_type}:{instance.pk}", obj=instance, division=department.division, payload={
        "code": instance.code, "name": instance.name, "category": instance.category, "status": instance.status,
        "department": department.name, "batch_id": instance.batch_id,
    })


def finding_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """oversight.Finding: opened (交办, when recorded) and closed out (销号)."""
    if raw:
        return
    if created:
        event_type = EventType.FINDING_OPENED
    elif instance.state == "closed":
        event_type = EventType.FINDING_CLOSED
    else:
        return
    emit(type=event_type, key=f"{event_type}:{instance.pk}", obj=instance, division=instance.town, payload={
        "town": instance.town.name, "category": instance.category, "severity": instance.severity,
        "description": instance.description, "rule_breached": instance.rule_breached, "found_on": instance.found_on,
        "due_on": instance.due_on, "state": instance.state, "closed_on": instance.closed_on,
    })


# SupervisionReport.state "done": the report's PDF is generated and readable (published); the
# other names are for a report model that says so in words.
PUBLISHED_STATES = ("done", "published", "issued")


def report_saved(sender, instance, raw=False, **kwargs):
    """oversight.SupervisionReport (督查报告), once it is published: its state says so."""
    if raw:
        return
    state = getattr(instance, "state", None) or getattr(instance, "status", None)
    if state not in PUBLISHED_STATES:
        return
    division = scoping.division_of(instance) if hasattr(type(instance), "jurisdiction_field") else None
    if division is None:
        return
    payload = {"title": str(instance), "division": division.name}
    for name in ("version", "as_of", "pages", "generated_at"):
        if hasattr(instance, name):
            payload[name] = getattr(instance, name)
    supervision = getattr(instance, "supervision", None)
    for name in ("year", "half", "title"):
        if supervision is not None and hasattr(supervision, name):
            payload[f"supervision_{name}"] = getattr(supervision, name)
    emit(type=EventType.REPORT_PUBLISHED, key=f"{EventType.REPORT_PUBLISHED}:{instance.pk}", obj=instance,
         division=division, payload=payload)


def record_overdue(record, *, today: datetime.date) -> Event | None:
    """delegation.ExerciseRecord past its filing due date, unfiled (the daily scan)."""
    return emit(type=EventType.RECORD_OVERDUE, key=f"{EventType.RECORD_OVERDUE}:{record.pk}", obj=record,
                division=record.division, payload={
                    "town": record.division.name, "item": record.item.name, "item_code": record.item.code,
                    "decision_number": record.decision_number, "applicant": record.applicant,
                    "decided_on": record.decided_on, "filing_due_on": record.filing_due_on,
                    "days_overdue": (today - record.filing_due_on).days,
                })


def entitlement_overdue(entitlement, *, today: datetime.date) -> Event | None:
    """finance.Entitlement owed and not fully disbursed by its due date (the daily scan)."""
    return emit(type=EventType.ENTITLEMENT_OVERDUE, key=f"{EventType.ENTITLEMENT_OVERDUE}:{entitlement.pk}",
                obj=entitlement, division=entitlement.town, payload={
                    "town": entitlement.town.name, "kind": entitlement.kind, "month": entitlement.month,
                    "rule": str(entitlement.rule), "amount": entitlement.amount,
                    "outstanding": getattr(entitlement, "outstanding", None), "due_on": entitlement.due_on,
                    "days_overdue": (today - entitlement.due_on).days,
                })
