"""Rules of secondments, stationed units and certificates (issue 12 §5–§7), in one place for the
services, the pages and delegation:

- who records which step of a stationed unit's head (``require_side``): the department's side
  (the consultation request, the appointment, the organisation department's coordination, the
  handling of an adjustment opinion, the confirmed appraisal) is the county office's; the town
  party committee's side (the reply, the written adjustment opinion, the proposed appraisal) is
  the town clerk's;
- the one-month limit of a written adjustment opinion (``adjustment_due``, core.deadlines);
- the validity of an enforcement certificate on a day (``certificate_state``) and the periods
  (``CertificatePeriods`` in the selectors reads them in bulk for delegation's exercise rules).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.deadlines import DeadlineRule, Due
from regions import scoping
from regions.choices import Role

from .models import ADJUSTMENT_LIMIT, EnforcementCertificate, certificate_valid_on

TOWN, COUNTY = "town", "county"
SIDE_ROLE = {TOWN: Role.CLERK, COUNTY: Role.OFFICE}
SIDE_LABEL = {TOWN: _("镇党委（镇经办人）"), COUNTY: _("县主管部门、县委组织部（县领导小组办公室）")}

EXPIRING_WITHIN_DAYS = 60  # the 持证上岗 list of certificates about to lapse
SECONDMENT_REMINDER_DAYS = 30  # secondees told this many days before the term ends


def may_act(actor, town, side: str) -> bool:
    """May ``actor`` record a step of ``side`` for a unit in ``town``? (None: the system, the demo.)"""
    if actor is None or (getattr(actor, "is_superuser", False) and actor.is_active):
        return True
    role = SIDE_ROLE[side]
    return any(g.role == role and town.path.startswith(g.path) for g in scoping.grants(actor))


def require_side(actor, town, side: str) -> None:
    """403 unless ``actor`` records the ``side`` of the step (``may_act``)."""
    if not may_act(actor, town, side):
        raise PermissionDenied(gettext("这一步应由%(side)s登记。") % {"side": SIDE_LABEL[side]})


def adjustment_due(delivered_on: datetime.date) -> Due:
    """The last day the department has for a written adjustment opinion delivered on
    ``delivered_on``: one calendar month, rolled to a working day; provisional (暂定) when the
    holidays of the year it ends in are not entered yet (DOMAIN.md §0)."""
    return DeadlineRule.parse(ADJUSTMENT_LIMIT).due_provisional(delivered_on)


# --- certificates ----------------------------------------------------------------------------

class CertificateState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_YET = "not_yet"

    LABELS = {VALID: _("有效"), EXPIRING: _("60日内到期"), EXPIRED: _("已过期"), REVOKED: _("已吊销/注销"),
              NOT_YET: _("尚未生效")}
    COLOURS = {VALID: "success", EXPIRING: "warning", EXPIRED: "danger", REVOKED: "dark", NOT_YET: "secondary"}


def certificate_state(certificate: EnforcementCertificate, on: datetime.date) -> str:
    """A certificate's standing on ``on``: valid (and whether it lapses within 60 days), expired,
    revoked or not yet in force. Validity itself is ``certificate_valid_on``, the one rule."""
    if certificate_valid_on(certificate.valid_from, certificate.valid_until, certificate.revoked_on, on):
        if certificate.valid_until <= on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS):
            return CertificateState.EXPIRING
        return CertificateState.VALID
    if certificate.revoked_on is not None and certificate.revoked_on <= on:
        return CertificateState.REVOKED
    if on < certificate.valid_from:
        return CertificateState.NOT_YET
    return CertificateState.EXPIRED


def expiring_q(on: datetime.date, within: int = EXPIRING_WITHIN_DAYS) -> Q:
    """Valid on ``on`` and lapsing within ``within`` days (``certificate_state`` EXPIRING)."""
    return EnforcementCertificate.valid_on_q(on) & Q(valid_until__lte=on + datetime.timedelta(days=within))


def expired_q(on: datetime.date) -> Q:
    """Past its last day, not revoked before it (``certificate_state`` EXPIRED)."""
    return Q(valid_until__lt=on) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=F("valid_until")))
