"""Reads of secondments, stationed units, certificates and training (issue 12 §5–§7), scoped by
regions.scoping. The ones other apps read (oversight's meeting agenda) take either a user (their
jurisdiction) or divisions (the towns at or below them) and the day: re-exported by
personnel.selectors.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import Q, QuerySet

from core.deadlines import DeadlineStatus, deadline_status_q, due_within_q
from regions import scoping
from regions.models import Division

from . import rules_cadres as rules
from .models import (
    AdjustmentOpinion,
    EnforcementCertificate,
    HeadAppointment,
    HeadAppraisal,
    HeadConsultation,
    Secondment,
    StationedUnit,
    TrainingRecord,
    certificate_valid_on,
)


def _within(qs: QuerySet, *, user=None, divisions: Iterable[Division] | None = None, field: str) -> QuerySet:
    """``qs`` narrowed to ``user``'s jurisdiction, or to the towns at or below ``divisions``."""
    if user is not None:
        return scoping.scope(qs, user)
    if divisions is None:
        raise TypeError("give user= or divisions=")
    paths = [d.path for d in divisions]
    if not paths:
        return qs.none()
    return qs.filter(reduce(operator.or_, (Q(**{f"{field}__path__startswith": p}) for p in paths)))


# --- secondments -----------------------------------------------------------------------------

def secondment_list(*, user) -> QuerySet:
    return scoping.scope(Secondment.objects.select_related("town"), user)


def secondment_current_list(*, user=None, divisions=None, on: datetime.date) -> QuerySet:
    """The secondees in post on ``on`` (the list of current secondees per town)."""
    qs = _within(Secondment.objects.select_related("town"), user=user, divisions=divisions, field="town")
    return qs.filter(Secondment.current_on_q(on)).order_by("town__code", "end_on", "id")


def secondment_ending_list(*, user=None, divisions=None, on: datetime.date,
                           within: int = rules.SECONDMENT_REMINDER_DAYS) -> QuerySet:
    """Secondments in post on ``on`` whose term ends within ``within`` days (0: today), soonest
    first: the reminders, and the agenda of the county's dispatch meeting."""
    qs = secondment_current_list(user=user, divisions=divisions, on=on)
    return qs.filter(ended_on__isnull=True, end_on__lte=on + datetime.timedelta(days=within)).order_by("end_on", "id")


# --- stationed units -------------------------------------------------------------------------

def stationed_unit_list(*, user) -> QuerySet:
    return scoping.scope(StationedUnit.objects.select_related("town", "department"), user)


def unit_head(unit: StationedUnit) -> HeadAppointment | None:
    return unit.appointments.filter(ended_on__isnull=True).order_by("-appointed_on", "-id").first()


def consultation_list(*, user) -> QuerySet:
    return scoping.scope(HeadConsultation.objects.select_related("unit__town", "unit__department"), user)


def appointment_list(*, user) -> QuerySet:
    return scoping.scope(HeadAppointment.objects.select_related("unit__town", "unit__department", "consultation"),
                         user)


def opinion_list(*, user) -> QuerySet:
    return scoping.scope(AdjustmentOpinion.objects.select_related(
        "appointment__unit__town", "appointment__unit__department"), user)


def opinion_status_q(status: str, on: datetime.date) -> Q:
    """Open / overdue / handled on time / late, by core.deadlines' one rule."""
    return deadline_status_q(status, on, due="due_on", done="handled_on")


def adjustment_opinion_overdue_list(*, user=None, divisions=None, on: datetime.date) -> QuerySet:
    """Written adjustment opinions the department has not handled and whose month ran out before
    ``on``, oldest first (the overdue page, the notices, oversight's meeting agenda)."""
    qs = _within(AdjustmentOpinion.objects.select_related("appointment__unit__town", "appointment__unit__department"),
                 user=user, divisions=divisions, field="appointment__unit__town")
    return qs.filter(opinion_status_q(DeadlineStatus.OVERDUE, on)).order_by("due_on", "id")


def adjustment_opinion_due_soon_list(*, user, on: datetime.date, within: int = 7) -> QuerySet:
    return opinion_list(user=user).filter(due_within_q(within, on, due="due_on", done="handled_on")).order_by("due_on")


def appraisal_list(*, user) -> QuerySet:
    return scoping.scope(HeadAppraisal.objects.select_related("appointment__unit__town"), user)


# --- certificates and training ---------------------------------------------------------------

def certificate_list(*, user) -> QuerySet:
    return scoping.scope(EnforcementCertificate.objects.select_related("officer__division", "department"), user)


def certificate_expiring_list(*, user=None, divisions=None, on: datetime.date,
                              within: int = rules.EXPIRING_WITHIN_DAYS) -> QuerySet:
    """Certificates valid on ``on`` that lapse within ``within`` (60) days, soonest first."""
    qs = _within(EnforcementCertificate.objects.select_related("officer__division", "department"),
                 user=user, divisions=divisions, field="officer__division")
    return qs.filter(rules.expiring_q(on, within)).order_by("valid_until", "id")


def certificate_expired_list(*, user=None, divisions=None, on: datetime.date) -> QuerySet:
    """Certificates past their last day (not revoked before it), most recently lapsed first."""
    qs = _within(EnforcementCertificate.objects.select_related("officer__division", "department"),
                 user=user, divisions=divisions, field="officer__division")
    return qs.filter(rules.expired_q(on)).order_by("-valid_until", "id")


def training_list(*, user) -> QuerySet:
    return scoping.scope(TrainingRecord.objects.select_related("officer__division", "department"), user)


class CertificatePeriods:
    """The validity periods of the certificates of (officer, department) pairs, read in one query,
    for a caller that asks "valid on that day?" thousands of times (delegation's exercise rules
    preload the officers and departments of an import file). The answer is ``certificate_valid_on``."""

    def __init__(self):
        self._periods: dict[tuple[int, int], list[tuple]] = {}
        self._scope: tuple[set, set] = (set(), set())

    def preload(self, officer_ids: Iterable[int], department_ids: Iterable[int]) -> None:
        officers, departments = set(officer_ids), set(department_ids)
        self._scope = (officers, departments)
        self._load(Q(officer_id__in=officers, department_id__in=departments))

    def _load(self, condition: Q) -> None:
        for officer_id, department_id, start, end, revoked in EnforcementCertificate.objects.filter(
                condition).values_list("officer_id", "department_id", "valid_from", "valid_until", "revoked_on"):
            self._periods.setdefault((officer_id, department_id), []).append((start, end, revoked))

    def valid(self, officer_id: int, department_id: int, day: datetime.date) -> bool:
        key = (officer_id, department_id)
        if key not in self._periods:
            if officer_id in self._scope[0] and department_id in self._scope[1]:
                return False  # preloaded: no certificate
            self._periods[key] = []
            self._load(Q(officer_id=officer_id, department_id=department_id))
        return any(certificate_valid_on(start, end, revoked, day) for start, end, revoked in self._periods[key])
