"""The JSON behind the delegation charts ({% chart %}, core/charts.py): the assignment matrix's
take-over share per pilot town and the overdue page's filing states per decision month.

Both read through selectors scoped like the pages they sit on; ``?division=<id>`` narrows to a
division the user sees (404 for any other). A signed-in user without any role gets 403, an
anonymous one the login page.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core import charts, home
from regions import scoping

from . import selectors
from .choices import FilingState


class ChartView(LoginRequiredMixin, View):
    def within(self):
        user = self.request.user
        if not (user.is_superuser and user.is_active) and not scoping.grants(user):
            raise PermissionDenied(_("您没有任何管辖范围，请联系管理员分配角色。"))
        division = self.request.GET.get("division") or ""
        if not division:
            return None
        if not division.isdigit():
            raise Http404
        return selectors.division_in_scope(user=user, pk=int(division))


class TakeoverChartView(ChartView):
    def get(self, request):
        rows = selectors.takeover_by_town(user=request.user, within=self.within())
        for row in rows:
            row["share"] = round(row["taken_over"] / row["assigned"], 4) if row["assigned"] else None
        option = charts.bar(
            # the share under each town's name: the figure the chart is about
            [f"{r['name']}\n{home.format_share(r['taken_over'], r['assigned'])}" for r in rows],
            charts.Series(_("已交办"), [r["assigned"] for r in rows], charts.GREY),
            charts.Series(_("已承接"), [r["taken_over"] for r in rows], charts.GREEN),
            value_name=_("事项数"),
        )
        return charts.chart_response(option, rows=rows)


class FilingChartView(ChartView):
    def get(self, request):
        today = timezone.localdate()
        rows = selectors.filing_by_month(user=request.user, within=self.within(), today=today)
        option = charts.stacked_bar(
            [r["month"].strftime("%Y-%m") for r in rows],
            charts.Series(str(FilingState.ON_TIME.label), [r["on_time"] for r in rows], charts.GREEN),
            charts.Series(str(FilingState.LATE.label), [r["late"] for r in rows], charts.AMBER),
            charts.Series(str(FilingState.OVERDUE.label), [r["overdue"] for r in rows], charts.RED),
            charts.Series(str(FilingState.PENDING.label), [r["pending"] for r in rows], charts.GREY),
            value_name=_("办件数"),
        )
        out = [{**r, "month": r["month"].strftime("%Y-%m")} for r in rows]
        nothing = not any(r["on_time"] or r["late"] or r["overdue"] or r["pending"] for r in rows)
        return charts.chart_response(option, rows=[] if nothing else out)
