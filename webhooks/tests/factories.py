"""Subscriptions, findings and events for the webhooks tests, made through the services."""

from __future__ import annotations

import datetime

from oversight import services as oversight_services
from oversight.choices import FindingCategory, FindingOccasion, GroupKind, Severity
from oversight.models import LeadingGroup
from webhooks import services
from webhooks.choices import EventType

D = datetime.date


def subscription(owner, division, url="https://hooks.example.org/kq", *, types=(EventType.FINDING_OPENED,),
                 name=None):
    return services.subscription_create(actor=owner, name=name or f"{division.name}订阅", url=url, division=division,
                                        event_types=list(types))


def group_of(county):
    return LeadingGroup.objects.filter(division=county).first() or oversight_services.group_create(
        division=county, kind=GroupKind.LEADING, name=f"{county.name}扩权强镇领导小组", set_up_on=D(2009, 11, 1))


JAN_5 = D(2026, 1, 5)


def finding(town, *, found_on=JAN_5):
    return oversight_services.finding_create(
        group=group_of(town.parent), town=town, occasion=FindingOccasion.SUPERVISION, category=FindingCategory.FILING,
        severity=Severity.GENERAL, description="行权记录未按期备案", rule_breached="审批后1个月内备案",
        found_on=found_on, rectify_months=1, actor=None)
