"""The delegation card of the home page (core/home.py), registered in DelegationConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import home

from . import selectors
from .choices import ItemStatus, TakeOverStatus


def delegation_card(user) -> home.Card:
    f = selectors.home_figures(user=user)
    cap = selectors.FIGURE_COUNT_MAX
    records = reverse("delegation:record-list")
    figures = [
        home.Figure(_("施行中事项"), f.items_in_force, f"{reverse('delegation:item-list')}?status={ItemStatus.IN_FORCE}",
                    _("管辖范围内可见的施行中下放事项"), key="items-in-force"),
        home.Figure(_("承接率"), home.format_share(f.taken_over, f.assigned),
                    f"{reverse('delegation:assignment-list')}?takeover_status={TakeOverStatus.TAKEN_OVER}",
                    _("已承接 %(taken)d / 已交办 %(assigned)d（不含已收回）") % {"taken": f.taken_over, "assigned": f.assigned},
                    key="takeover-rate"),
        home.Figure(_("7日内到期"), home.format_count(f.due_soon, cap), f"{records}?due_within={selectors.DUE_SOON_DAYS}",
                    _("未备案、备案期限在7日内的办件"), tone="warning" if f.due_soon else "", key="due-soon"),
        home.Figure(_("逾期未备案"), home.format_count(f.overdue, cap), reverse("delegation:overdue-list"),
                    _("已过备案期限仍未备案的办件"), tone="danger" if f.overdue else "", key="overdue"),
        home.Figure(_("暂定备案期限"), home.format_count(f.provisional, cap), f"{records}?due_provisional=yes",
                    _("该年度节假日安排尚未录入，按周末推算，录入后自动重算"), tone="warning" if f.provisional else "",
                    key="provisional"),
    ]
    links = [
        home.Link(_("下放事项目录"), reverse("delegation:item-list")),
        home.Link(_("承接矩阵"), reverse("delegation:assignment-matrix")),
        home.Link(pgettext("navigation", "协议书"), reverse("delegation:agreement-list")),
        home.Link(_("办件备案"), records),
        home.Link(_("逾期未备案"), reverse("delegation:overdue-list")),
        home.Link(_("培训记录"), reverse("delegation:training-list")),
    ]
    return home.Card(figures=figures, links=links)
