"""Events: recorded once inside the transaction that made them, dispatched after it commits.

``emit`` writes the Event row in the caller's transaction (so a rolled-back publication leaves
no event) and asks, through ``transaction.on_commit``, for the dispatch task by name (the task
reads the row: it must be committed first — the STYLE.md pitfall of ``.delay()`` inside an open
transaction). ``key`` is unique: the same publication, overdue filing or close-out is emitted
once however often its row is saved or the daily scan runs. NetBox queues its events during the
request and flushes them at its end (extras/events.py); ours waits for the commit.

The handlers below are subscribed to the domain events the other apps' services publish
explicitly (core/events.py) in ``WebhooksConfig.ready`` — the one place those apps' writes reach
this app, listed there — and only read the row handed to them. A row saved any other way (admin,
shell, a migration) is no event.
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


# --- handlers (subscribed in apps.py) -----------------------------------------------------------
def item_published(*, item, **data):
    """delegation.Item published (公布): once in an item's life."""
    _item_event(EventType.ITEM_PUBLISHED, item)


def item_withdrawn(*, item, **data):
    """delegation.Item withdrawn (收回): once in an item's life."""
    _item_event(EventType.ITEM_WITHDRAWN, item)


def _item_event(event_type: str, item) -> None:
    department = item.department
    emit(type=event_type, key=f"{event_type}:{item.pk}", obj=item, division=department.division, payload={
        "code": item.code, "name": item.name, "category": item.category, "status": item.status,
        "department": department.name, "batch_id": item.batch_id,
    })


def finding_opened(*, finding, **data):
    """oversight.Finding recorded (交办)."""
    _finding_event(EventType.FINDING_OPENED, finding)


def finding_closed(*, finding, **data):
    """oversight.Finding closed out (销号)."""
    _finding_event(EventType.FINDING_CLOSED, finding)


def _finding_event(event_type: str, finding) -> None:
    emit(type=event_type, key=f"{event_type}:{finding.pk}", obj=finding, division=finding.town, payload={
        "town": finding.town.name, "category": finding.category, "severity": finding.severity,
        "description": finding.description, "rule_breached": finding.rule_breached, "found_on": finding.found_on,
        "due_on": finding.due_on, "state": finding.state, "closed_on": finding.closed_on,
    })


def report_published(*, report, **data):
    """oversight.SupervisionReport (督查报告) published (REPORT_PUBLISHED from report_complete)."""
    _report_event(report)


def _report_event(instance) -> None:
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
