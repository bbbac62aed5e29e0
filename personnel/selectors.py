"""Reads of personnel records."""

import datetime

from django.db.models import QuerySet

from regions import scoping

from .choices_staffing import MovementKind
from .models import EnforcementCertificate, Officer, StaffingMovement


def officer_list(*, user) -> QuerySet:
    return scoping.scope(Officer.objects.select_related("division"), user)


def certificates_valid_on(*, day: datetime.date) -> QuerySet:
    """Certificates valid on ``day`` (not expired, not yet revoked)."""
    return EnforcementCertificate.objects.filter(EnforcementCertificate.valid_on_q(day))


def certificate_holder_valid_on(*, officer_id: int, department_id: int, day: datetime.date) -> bool:
    """Does the officer hold a valid certificate of that department on that day? (one query)"""
    return certificates_valid_on(day=day).filter(officer_id=officer_id, department_id=department_id).exists()


def rank_ups_for(*, town) -> list[str]:
    """The ranks (``Rank`` values) of the town's people's rank-ups (高配), oldest first: what
    plans' staffing paragraph counts. The town is already the caller's (read through its scope)."""
    return list(StaffingMovement.objects.filter(person__town=town, kind=MovementKind.RANK_UP)
                .order_by("document_date", "id").values_list("rank_to", flat=True))


# ==== p2 block: what other apps read of secondments, stationed units and certificates ==========
# personnel.selectors.<name> for oversight's meeting agenda: (*, user | divisions, on)
from . import selectors_cadres as _cadres  # noqa: E402

adjustment_opinion_overdue_list = _cadres.adjustment_opinion_overdue_list
certificate_expired_list = _cadres.certificate_expired_list
certificate_expiring_list = _cadres.certificate_expiring_list
secondment_current_list = _cadres.secondment_current_list
secondment_ending_list = _cadres.secondment_ending_list
CertificatePeriods = _cadres.CertificatePeriods  # delegation's exercise rules
# ==== end of p2 block ==========================================================================
