"""The finance card of the home page (core/home.py), registered in FinanceConfig.ready: what is
overdue and outstanding in the user's scope, each figure a link to exactly the rows it counts."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core import home

from . import rules, selectors


def finance_card(user) -> home.Card:
    f = selectors.home_figures(user=user)
    entitlements = reverse("finance:entitlement-list")
    figures = [
        home.Figure(_("逾期未拨"), f["overdue"], f"{entitlements}?overdue=1",
                    _("已过最迟调拨日（所属月份后一个季度）仍未拨足的应返款项笔数"),
                    tone="danger" if f["overdue"] else "", key="finance-overdue"),
        home.Figure(_("应返未拨（元）"), rules.fmt(f["outstanding"]), entitlements,
                    _("有效应返款项中尚未调拨的金额合计"), tone="warning" if f["outstanding"] > 0 else "",
                    key="finance-outstanding"),
        home.Figure(_("施行中的财政体制"), f["arrangements"], reverse("finance:arrangement-list"),
                    _("管辖范围内未被替代的财政体制"), key="finance-arrangements"),
    ]
    links = [
        home.Link(_("对账"), reverse("finance:reconciliation")),
        home.Link(_("财政体制"), reverse("finance:arrangement-list")),
        home.Link(_("财政收入"), reverse("finance:revenue-list")),
        home.Link(_("导入财政收入"), reverse("finance-import:start")),
    ]
    return home.Card(figures=figures, links=links)
