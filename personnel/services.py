"""Writes of personnel records: atomic, validated, attributed."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.history import actor_context
from core.services import require_reason, save_validated
from regions.models import Department, Division

from .models import EnforcementCertificate, Officer


@transaction.atomic
def officer_create(*, division: Division, name: str, staff_number: str, actor=None) -> Officer:
    return save_validated(Officer(division=division, name=name, staff_number=staff_number), actor)


@transaction.atomic
def certificate_issue(
    *, officer: Officer, department: Department, number: str, valid_from: datetime.date,
    valid_until: datetime.date, actor=None,
) -> EnforcementCertificate:
    """Record an enforcement certificate issued by ``department`` to ``officer``."""
    return save_validated(EnforcementCertificate(
        officer=officer, department=department, number=number, valid_from=valid_from, valid_until=valid_until
    ), actor)


@transaction.atomic
def certificate_revoke(*, certificate: EnforcementCertificate, on: datetime.date, actor, reason: str) -> EnforcementCertificate:
    """Revoke (吊销/注销) a certificate from ``on``: decisions its holder makes from that day are refused.

    A revocation is final: moving its date later would make past entrusted decisions valid after the
    fact, so a second revocation is refused. The reason is required and kept in the history.
    """
    reason = require_reason(reason)
    certificate = EnforcementCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_on is not None:
        raise ConflictError(_("该行政执法证已于%(date)s吊销/注销。") % {"date": f"{certificate.revoked_on:%Y-%m-%d}"},
                            code="already_revoked")
    with actor_context(actor, reason=reason):
        certificate.revoked_on = on
        return save_validated(certificate, actor)
