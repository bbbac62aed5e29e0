"""Daily notices of secondments, stationed units and certificates (core.notifications), run by
the daily-notifications beat entry (settings.CELERY_BEAT_SCHEDULE) like every app's producer.

Each notice is keyed by its subject and the day it is about (the term's last day, the due date,
the certificate's last day), so the job run again, the same day or the next, writes nothing new:
the unique key (addressee, kind, subject, day) decides. Addressees: the town's clerks and the
county office above it (regions.selectors.town_addressees).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.notifications import registry
from core.notifications.registry import Draft, NoticeKind
from regions.models import Division
from regions.selectors import town_addressees

from . import rules_cadres as rules
from . import selectors_cadres as selectors

OVERDUE_LOOKBACK_DAYS = 90  # older lapses are on the overdue page already

SECONDMENT_ENDING = registry.register_kind(NoticeKind(
    "personnel.secondment_ending", _("挂职即将期满"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(town)s挂职干部%(name)s（%(post)s）将于%(end)s期满"),
))
OPINION_OVERDUE = registry.register_kind(NoticeKind(
    "personnel.adjustment_overdue", _("书面调整意见逾期未办"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(town)s对%(unit)s负责人%(name)s的书面调整意见（%(number)s）已超过一个月办理期限（%(due)s）"),
))
CERTIFICATE_EXPIRING = registry.register_kind(NoticeKind(
    "personnel.certificate_expiring", _("行政执法证即将到期"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(name)s的行政执法证%(number)s将于%(until)s到期"),
))


def _drafts(rows, town_of, kind, subject, day_of, url_of, params_of) -> list[Draft]:
    people = town_addressees(town_of(r) for r in rows)
    return [Draft(addressee_id=user_id, kind=kind.code, subject_key=subject(r), day=day_of(r), url=url_of(r),
                  params=params_of(r))
            for r in rows for user_id in sorted(people.get(town_of(r), ()))]


def produce_notices(*, day: datetime.date) -> list[Draft]:
    everywhere = {"divisions": _all_towns()}
    secondments = list(selectors.secondment_ending_list(on=day, **everywhere))
    opinions = [o for o in selectors.adjustment_opinion_overdue_list(on=day, **everywhere)
                if o.due_on >= day - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)]
    certificates = list(selectors.certificate_expiring_list(on=day, within=rules.EXPIRING_WITHIN_DAYS, **everywhere))
    return [
        *_drafts(secondments, lambda s: s.town_id, SECONDMENT_ENDING, lambda s: f"personnel.secondment:{s.pk}",
                 lambda s: s.end_on, lambda s: reverse("personnel:secondment-detail", args=[s.pk]),
                 lambda s: {"town": s.town.name, "name": s.person_name, "post": s.post, "end": s.end_on.isoformat()}),
        *_drafts(opinions, lambda o: o.appointment.unit.town_id, OPINION_OVERDUE,
                 lambda o: f"personnel.adjustmentopinion:{o.pk}", lambda o: o.due_on,
                 lambda o: reverse("personnel:opinion-detail", args=[o.pk]),
                 lambda o: {"town": o.appointment.unit.town.name, "unit": o.appointment.unit.name,
                            "name": o.appointment.person_name, "number": o.document_number,
                            "due": o.due_on.isoformat()}),
        *_drafts(certificates, lambda c: c.officer.division_id, CERTIFICATE_EXPIRING,
                 lambda c: f"personnel.enforcementcertificate:{c.pk}", lambda c: c.valid_until,
                 lambda c: reverse("personnel:certificate-detail", args=[c.pk]),
                 lambda c: {"name": c.officer.name, "number": c.number, "until": c.valid_until.isoformat()}),
    ]


def _all_towns():
    """The roots of the hierarchy: every town lies below one (the job runs for all of them)."""
    return Division.objects.filter(parent__isnull=True)
