"""Groups, meetings and findings made through oversight.services (actor None: the system)."""

from __future__ import annotations

import datetime

from oversight import services
from oversight.choices import FindingCategory, FindingOccasion, GroupKind, MemberRole, Severity
from regions.tests.factories import CountyFactory, TownFactory

D = datetime.date
JAN_5 = D(2026, 1, 5)


def leading_group(county=None, *, towns=(), name=None):
    county = county or CountyFactory()
    group = services.group_create(division=county, kind=GroupKind.LEADING, name=name or f"{county.name}扩权强镇领导小组",
                                  set_up_on=D(2009, 11, 1))
    services.member_add(group=group, name="王组长", post="县长", role=MemberRole.LEADER)
    for town in towns:
        services.town_steer(group=group, town=town)
    return group


def group_with_towns(n: int = 2):
    county = CountyFactory()
    towns = [TownFactory(parent=county) for _ in range(n)]
    return leading_group(county, towns=towns), towns


def finding(group, town, *, found_on=JAN_5, months=1, actor=None, **kw):
    return services.finding_create(
        group=group, town=town, occasion=kw.pop("occasion", FindingOccasion.SUPERVISION),
        category=kw.pop("category", FindingCategory.FILING), severity=kw.pop("severity", Severity.GENERAL),
        description=kw.pop("description", "行权记录未按期备案"), rule_breached=kw.pop("rule_breached", "审批后1个月内备案"),
        found_on=found_on, rectify_months=months, actor=actor)
