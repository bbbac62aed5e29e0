"""Notices of the farmland balance (core.notifications): a town whose approved projects occupied
more farmland than it replaced and the county balanced (占补不平衡), told to the town's clerks and
the county office. Registered in ``LanduseConfig.ready`` as the daily producer "landuse.farmland".

Once per town, year and shortfall: the subject names the figure still owed and the day is the
first of the year, so the daily job run again writes nothing new; a shortfall that changes (a new
project, a balancing entry short of the whole) is told again, with its new figure."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.notifications import registry
from core.notifications.registry import Draft, NoticeKind
from core.units import fmt_mu
from regions.selectors import town_addressees

from .selectors import farmland_unbalanced_list

UNBALANCED = registry.register_kind(NoticeKind(
    "landuse.farmland_unbalanced", _("耕地占补不平衡"), recipients=_("镇经办人、县领导小组办公室"),
    title=_("%(town)s %(year)s年耕地占补尚未平衡，缺口 %(shortfall)s 亩"),
    body=_("占用耕地 %(occupied)s 亩，补充耕地 %(replaced)s 亩；请复垦补充或由县级统筹平衡。"),
))


def produce_notices(*, day: datetime.date) -> list[Draft]:
    rows = farmland_unbalanced_list(year=day.year)
    people = town_addressees(r.town.pk for r in rows)
    url = reverse("landuse:farmland") + f"?year={day.year}"
    drafts = []
    for r in rows:
        params = {"town": r.town.name, "year": r.year, "shortfall": fmt_mu(r.shortfall),
                  "occupied": fmt_mu(r.occupied), "replaced": fmt_mu(r.replaced)}
        for user_id in sorted(people.get(r.town.pk, ())):
            drafts.append(Draft(addressee_id=user_id, kind=UNBALANCED.code,
                                subject_key=f"landuse.farmland:{r.town.pk}:{r.year}:{r.shortfall}",
                                day=datetime.date(r.year, 1, 1), url=url, params=params))
    return drafts
