"""The office's home for oversight (issue 14 §8): this month's meeting and its agenda, open findings
by town, overdue counts from every app, appraisal standings, with charts (core.charts: each chart
is an empty container the page's script fills from a JSON endpoint below, so the page holds no
inline script and a strict Content-Security-Policy stands).

Every figure is read through a selector scoped to the user: the page shows what the persona may
see, an office its county, a town's clerk her town."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from core import charts

from . import selectors, selectors_appraisal, selectors_dashboard
from .views import with_links


def _link(count) -> str:
    try:
        url = reverse(count.url_name)
    except NoReverseMatch:  # the app's pages are not mounted
        return ""
    return f"{url}?{count.url_query}" if count.url_query else url


class DashboardView(LoginRequiredMixin, TemplateView):
    """督查考核: this month's dispatch meeting(s) with the agenda, findings by town, what is overdue
    in every app, the latest year's appraisal standings, and three charts of them."""

    template_name = "oversight/dashboard.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        meetings = selectors.meetings_of_month(user=user, month=today)
        for meeting in meetings:
            with_links(meeting.agenda.all())
        towns = selectors.findings_by_town(user=user, today=today)
        overdue = selectors_dashboard.overdue_counts(user=user, today=today)
        standings = selectors_appraisal.appraisal_standings(user=user)
        return {**super().get_context_data(**kwargs), "active": "index", "today": today, "meetings": meetings,
                "towns": towns, "totals": {k: sum(t[k] for t in towns) for k in ("open", "overdue", "replied")},
                "overdue": [(c, _link(c)) for c in overdue], "overdue_total": sum(c.count for c in overdue),
                "standings": standings, "standings_year": standings[0].year if standings else None}


class FindingsChartView(LoginRequiredMixin, View):
    """Findings not closed out per town: overdue, waiting for review, the rest."""

    def get(self, request):
        towns = selectors.findings_by_town(user=request.user, today=timezone.localdate())
        rows = [{"town": t["town__name"], "open": t["open"], "overdue": t["overdue"], "replied": t["replied"],
                 "other": t["open"] - t["overdue"] - t["replied"]} for t in towns]
        option = charts.stacked_bar(
            [r["town"] for r in rows],
            charts.Series(gettext("逾期"), [r["overdue"] for r in rows], charts.RED),
            charts.Series(gettext("待审核"), [r["replied"] for r in rows], charts.BLUE),
            charts.Series(gettext("整改中"), [r["other"] for r in rows], charts.AMBER),
            value_name=gettext("问题数"),
        )
        return charts.chart_response(option, rows=rows)


class OverdueChartView(LoginRequiredMixin, View):
    """What is overdue in every app (the dashboard's table as bars)."""

    def get(self, request):
        counts = selectors_dashboard.overdue_counts(user=request.user, today=timezone.localdate())
        rows = [{"key": c.key, "source": c.source_label, "label": c.label, "count": c.count} for c in counts]
        option = charts.bar([r["label"] for r in rows],
                            charts.Series(gettext("逾期事项"), [r["count"] for r in rows], charts.RED),
                            horizontal=True, value_name=gettext("数量"))
        return charts.chart_response(option, rows=rows if any(r["count"] for r in rows) else [])


class StandingsChartView(LoginRequiredMixin, View):
    """The latest year's appraisal totals per town (finalised first, best first)."""

    def get(self, request):
        standings = selectors_appraisal.appraisal_standings(user=request.user)
        rows = [{"town": s.town, "year": s.year, "total": None if s.total is None else float(s.total),
                 "grade": s.grade_label, "rank": s.rank, "state": s.state} for s in standings]
        option = charts.bar([f"{r['town']}\n{r['grade']}" if r["grade"] else r["town"] for r in rows],
                            charts.Series(gettext("总分"), [r["total"] for r in rows], charts.GREEN),
                            value_name=gettext("分"))
        return charts.chart_response(option, rows=rows)
