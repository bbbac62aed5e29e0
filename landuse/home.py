"""The landuse card of the home page (core/home.py), registered in LanduseConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core import home
from core.units import fmt_mu

from . import selectors


def landuse_card(user) -> home.Card:
    """This year's available quota in scope, projects under review, reservations about to lapse,
    flagged industrial projects outside the zone (a query or two each)."""
    year = selectors.current_year()
    accounts = list(selectors.quota_account_list(user=user).filter(year=year).select_related(None)
                    .only("id", "account_id", "division_id", "year", "pool"))
    figures = selectors.account_figures(accounts)
    available = sum((f.available for f in figures.values()), start=selectors.ZERO_MU)
    projects = selectors.project_list(user=user)
    under_review = projects.filter(status="under_review").count()
    expiring = selectors.reservations_expiring(user=user, within_days=30).count()
    flagged = projects.filter(flagged=True, status__in=("draft", "under_review", "approved")).count()
    index, plist = reverse("landuse:index"), reverse("landuse:project-list")
    return home.Card(
        figures=[
            home.Figure(_("本年可用指标（亩）"), fmt_mu(available), index, _("管辖范围内各级本年度可用指标之和（余额减预留）"),
                        key="available"),
            home.Figure(_("报批中项目"), under_review, f"{plist}?status=under_review", _("已预留指标、待批准的项目"),
                        key="under-review"),
            home.Figure(_("30日内到期预留"), expiring, reverse("landuse:priority-list"), _("30日内指标预留到期的报批项目"),
                        tone="warning" if expiring else "", key="expiring"),
            home.Figure(_("园区外工业项目"), flagged, f"{plist}?flagged=yes", _("选址在工业集中区外的工业项目"),
                        tone="warning" if flagged else "", key="flagged"),
        ],
        links=[home.Link(_("指标分配"), index), home.Link(_("用地项目"), plist),
               home.Link(_("优先安排清单"), reverse("landuse:priority-list"))],
    )
