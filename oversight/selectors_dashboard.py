"""Reads of the office's oversight dashboard (issue 14 §8): what is overdue in every app, counted
through each app's own selectors (oversight never reads another app's models), scoped to the
user's jurisdiction. One query per count (the farmland balance a few more, as many whatever the
number of towns), so the page costs the same for one town or a province."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from delegation import selectors as delegation_selectors
from finance import selectors as finance_selectors
from landuse import selectors as landuse_selectors
from personnel import selectors_cadres
from regions import scoping

from .choices import AgendaSource, FindingState
from .models import ActionItem, Finding

COUNT_MAX = 9999  # as the home page: "9999+" beyond


@dataclass(frozen=True)
class OverdueCount:
    """One overdue figure of one app: what it counts, how many, and the list behind it."""

    key: str
    source: str  # AgendaSource value (the app)
    label: str
    count: int
    url_name: str
    url_query: str = ""

    @property
    def source_label(self) -> str:
        return str(AgendaSource(self.source).label)


def _capped(qs) -> int:
    return qs.order_by().select_related(None)[: COUNT_MAX + 1].count()


def overdue_counts(*, user, today: datetime.date) -> list[OverdueCount]:
    """Every app's overdue figures in the user's scope, in the order of the apps' layers."""
    filing = delegation_selectors.overdue_record_count(user=user, today=today, at_most=COUNT_MAX)
    entitlements = _capped(finance_selectors.entitlement_overdue_list(user=user, today=today))
    opinions = _capped(selectors_cadres.adjustment_opinion_overdue_list(user=user, on=today))
    lapsed = _capped(landuse_selectors.reservations_expiring(user=user, within_days=0, today=today))
    unbalanced = len(landuse_selectors.farmland_unbalanced_list(user=user, year=today.year))
    own = oversight_overdue(user=user, today=today)
    return [
        OverdueCount("filing_overdue", AgendaSource.DELEGATION, str(_("办件逾期未备案")), filing,
                     "delegation:record-list", "filing_state=overdue"),
        OverdueCount("entitlement_overdue", AgendaSource.FINANCE, str(_("应返款项超过一个季度未拨")), entitlements,
                     "finance:entitlement-list", "overdue=1"),
        OverdueCount("opinion_overdue", AgendaSource.PERSONNEL, str(_("调整意见逾期未办理")), opinions,
                     "personnel:opinion-list", "status=overdue"),
        OverdueCount("reservation_lapsed", AgendaSource.LANDUSE, str(_("指标预留已到期")), lapsed,
                     "landuse:project-list", "status=under_review"),
        OverdueCount("farmland_unbalanced", AgendaSource.LANDUSE, str(_("耕地占补不平衡的镇")), unbalanced,
                     "landuse:farmland", ""),
        OverdueCount("rectification_overdue", AgendaSource.OVERSIGHT, str(_("整改逾期")), own["findings"],
                     "oversight:finding-list", "due=overdue"),
        OverdueCount("action_overdue", AgendaSource.OVERSIGHT, str(_("督办任务逾期未办结")), own["actions"],
                     "oversight:meeting-list", ""),
    ]


def oversight_overdue(*, user, today: datetime.date) -> dict[str, int]:
    """Findings past their rectification deadline and action items past theirs, in scope. Two queries."""
    findings = scoping.scope(Finding.objects.all(), user).aggregate(
        n=Count("id", filter=Q(state__in=FindingState.PENDING, due_on__lt=today)))["n"]
    actions = scoping.scope(ActionItem.objects.filter(done_on__isnull=True, due_on__lt=today), user).count()
    return {"findings": findings, "actions": actions}
