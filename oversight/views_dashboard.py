"""The office's home for oversight (issue 14 §8): this month's meeting and its agenda, open findings
by town, overdue counts from every app, appraisal standings, with charts."""

from .views import OversightHomeView


class DashboardView(OversightHomeView):
    pass
