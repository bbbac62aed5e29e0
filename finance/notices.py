"""Finance's notices (core.notifications): an entitlement not disbursed within its quarter.

Registered in ``FinanceConfig.ready``. The town's clerks and the office of the county above are
told once per entitlement (subject and day = its due date), so the daily job run again writes
nothing new; older lapses are on the overdue pages already (``OVERDUE_LOOKBACK_DAYS``).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.notifications import registry
from core.notifications.registry import Draft, NoticeKind
from regions.selectors import town_addressees

from . import rules
from .selectors import entitlement_overdue_list

OVERDUE_LOOKBACK_DAYS = 90

OVERDUE = registry.register_kind(NoticeKind(
    "finance.disbursement_overdue", _("应返款项逾期未拨"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(town)s %(month)s %(rule)s 尚有 %(outstanding)s 元未拨（最迟 %(due)s）"),
))


def produce_notices(*, day: datetime.date) -> list[Draft]:
    rows = [e for e in entitlement_overdue_list(today=day)
            if e.due_on >= day - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)]
    people = town_addressees(e.town_id for e in rows)
    drafts = []
    for e in rows:
        params = {"town": e.town.name, "month": f"{e.month:%Y-%m}", "rule": e.rule.name,
                  "outstanding": rules.fmt(e.outstanding), "due": e.due_on.isoformat()}
        url = reverse("finance:entitlement-detail", args=[e.pk])
        for user_id in sorted(people.get(e.town_id, ())):
            drafts.append(Draft(addressee_id=user_id, kind=OVERDUE.code, subject_key=f"finance.entitlement:{e.pk}",
                                day=e.due_on, url=url, params=params))
    return drafts
