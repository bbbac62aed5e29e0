"""The oversight card of the home page (core/home.py), registered in OversightConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import home

from . import selectors


def oversight_card(user) -> home.Card:
    """Findings not closed out and those overdue in scope, this month's agenda lines (one query each)."""
    today = timezone.localdate()
    findings = selectors.finding_list(user=user).select_related(None)
    unfinished = findings.exclude(state="closed").count()
    overdue = findings.filter(selectors.finding_overdue_q(today)).count()
    lines = selectors.agenda_line_count(user=user, month=today)
    flist, index = reverse("oversight:finding-list"), reverse("oversight:index")
    return home.Card(
        figures=[
            home.Figure(_("未销号问题"), unfinished, f"{flist}?closed=no", _("督查发现、尚未销号的问题"), key="oversight-open"),
            home.Figure(_("整改逾期"), overdue, f"{flist}?due=overdue", _("超过整改期限仍未报送或被退回的问题"),
                        tone="danger" if overdue else "", key="oversight-overdue"),
            home.Figure(_("本月调度会议题"), lines, index, _("本月工作调度会上有待议事项的议题数"), key="oversight-agenda"),
        ],
        links=[home.Link(_("本月调度"), index), home.Link(_("工作调度会"), reverse("oversight:meeting-list")),
               home.Link(_("督查问题与整改"), flist)],
    )
