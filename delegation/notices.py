"""Delegation's notices (core.notifications): filings due soon, overdue filings, recomputed due dates.

Registered in ``DelegationConfig.ready``. Who receives them: the clerks of the record's town
and the office of the county above it (active memberships, regions). Each notice is about one
record and the day it concerns — the due date for a reminder, the recompute's date — so the
daily job run again (the same day or the next) writes nothing new: a clerk is reminded once
that a filing falls due, once that it is overdue, and once that its date moved.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notifications import registry, services
from core.notifications.registry import Draft, NoticeKind
from regions.selectors import town_addressees

from .models import ExerciseRecord, FilingDueRecomputed

DUE_SOON_DAYS = 7
# Older overdue records are on the overdue list already; a notice reports what newly lapsed
# (and the first run after deployment does not send a county hundreds of old cases).
OVERDUE_LOOKBACK_DAYS = 90
RECOMPUTED_LOOKBACK_DAYS = 7

DUE_SOON = registry.register_kind(NoticeKind(
    "delegation.filing_due_soon", _("备案即将到期"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(division)s %(number)s（%(applicant)s）应于 %(due)s 前备案"),
))
OVERDUE = registry.register_kind(NoticeKind(
    "delegation.filing_overdue", _("备案逾期"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(division)s %(number)s（%(applicant)s）备案已逾期（期限 %(due)s）"),
))
RECOMPUTED = registry.register_kind(NoticeKind(
    "delegation.filing_due_recomputed", _("备案期限重算"), recipients=_("县领导小组办公室、镇经办人"),
    title=_("%(division)s %(number)s 的备案期限由 %(old)s 改为 %(new)s"),
))


# --- selectors ----------------------------------------------------------------------------
def _record_params(record_id, number, applicant, division) -> dict:
    return {"number": number, "applicant": applicant, "division": division}


def filing_reminders(*, day: datetime.date) -> list[Draft]:
    """Unfiled records due within ``DUE_SOON_DAYS`` of ``day``, and those that lapsed since
    ``OVERDUE_LOOKBACK_DAYS`` (uses the record_unfiled_due index)."""
    first = day - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)
    last = day + datetime.timedelta(days=DUE_SOON_DAYS)
    rows = list(
        ExerciseRecord.objects.filter(filed_on__isnull=True, filing_due_on__gte=first, filing_due_on__lte=last)
        .order_by("filing_due_on", "id")
        .values_list("id", "division_id", "division__name", "decision_number", "applicant", "filing_due_on")
    )
    people = town_addressees(row[1] for row in rows)
    drafts = []
    for record_id, division_id, division, number, applicant, due in rows:
        kind = OVERDUE if due < day else DUE_SOON
        url = reverse("delegation:record-detail", args=[record_id])
        params = {**_record_params(record_id, number, applicant, division), "due": due.isoformat()}
        for user_id in sorted(people.get(division_id, ())):
            drafts.append(Draft(addressee_id=user_id, kind=kind.code, subject_key=f"delegation.exercise_record:{record_id}",
                                day=due, url=url, params=params))
    return drafts


def recomputed_notices(*, since: datetime.datetime, year: int | None = None) -> list[Draft]:
    """Due dates moved by ``services.record_due_recompute`` since ``since`` (of ``year``)."""
    rows = FilingDueRecomputed.objects.filter(at__gte=since)
    if year is not None:
        rows = rows.filter(year=year)
    rows = list(rows.order_by("id").values_list(
        "id", "record_id", "record__division_id", "record__division__name", "record__decision_number",
        "old_due_on", "new_due_on", "at",
    ))
    people = town_addressees(row[2] for row in rows)
    drafts = []
    for row_id, record_id, division_id, division, number, old, new, at in rows:
        url = reverse("delegation:record-detail", args=[record_id])
        params = {"division": division, "number": number, "old": old.isoformat(), "new": new.isoformat()}
        for user_id in sorted(people.get(division_id, ())):
            drafts.append(Draft(addressee_id=user_id, kind=RECOMPUTED.code,
                                subject_key=f"delegation.filing_due_recomputed:{row_id}",
                                day=timezone.localdate(at), url=url, params=params))
    return drafts


# --- producer and hook --------------------------------------------------------------------
def produce_notices(*, day: datetime.date) -> list[Draft]:
    """The daily producer: reminders for ``day`` and the recomputes of the last days (in case
    the hook below did not run, e.g. a recompute made by a data migration)."""
    since = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=RECOMPUTED_LOOKBACK_DAYS),
                                                          datetime.time.min))
    return filing_reminders(day=day) + recomputed_notices(since=since)


def notify_recomputed(*, year: int, actor=None) -> int:
    """A ``core.provisional`` handler registered after ``record_due_recompute``: in the same
    transaction, tell the office and the towns whose due dates just moved. Moves nothing (0)."""
    since = timezone.now() - datetime.timedelta(days=1)
    services.notifications_create(drafts=recomputed_notices(since=since, year=year), actor=actor)
    return 0
