"""Oversight's notices (core.notifications): a rectification deadline coming within a week, and
one that has passed. The town's clerks and the office above are told once per finding and kind
(subject = the finding, day = its deadline), so the daily job run again writes nothing new."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from core.notifications import registry
from core.notifications.registry import Draft, NoticeKind
from regions.selectors import town_addressees

from .selectors import findings_to_remind

DUE_SOON = registry.register_kind(NoticeKind(
    "oversight.rectification_due_soon", _("整改即将到期"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(town)s“%(finding)s”应于 %(due)s 前完成整改"),
))
OVERDUE = registry.register_kind(NoticeKind(
    "oversight.rectification_overdue", _("整改逾期"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(town)s“%(finding)s”整改已逾期（期限 %(due)s）"),
))


def produce_notices(*, day: datetime.date) -> list[Draft]:
    findings = list(findings_to_remind(day=day))
    people = town_addressees(f.town_id for f in findings)
    drafts = []
    for f in findings:
        kind = OVERDUE if f.due_on < day else DUE_SOON
        params = {"town": f.town.name, "finding": f.description[:40], "due": f.due_on.isoformat()}
        for user_id in sorted(people.get(f.town_id, ())):
            drafts.append(Draft(addressee_id=user_id, kind=kind.code, subject_key=f"oversight.finding:{f.pk}",
                                day=f.due_on, params=params))
    return drafts
