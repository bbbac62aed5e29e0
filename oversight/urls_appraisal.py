"""Pages of oversight: appraisal (issue 14 §5), included by oversight/urls.py; and the JSON behind
the dashboard's charts (issue 14 §8; the dashboard itself is oversight:index)."""

from django.urls import path

from . import views_appraisal as v
from . import views_dashboard as d

urlpatterns: list = [
    path("appraisal/", v.AppraisalListView.as_view(), name="appraisal-list"),
    path("appraisal/new/", v.AppraisalStartView.as_view(), name="appraisal-create"),
    path("appraisal/<int:pk>/", v.AppraisalDetailView.as_view(), name="appraisal-detail"),
    path("appraisal/<int:pk>/compute/", v.AppraisalComputeView.as_view(), name="appraisal-compute"),
    path("appraisal/<int:pk>/score/", v.AppraisalScoreView.as_view(), name="appraisal-score"),
    path("appraisal/<int:pk>/finalise/", v.AppraisalFinaliseView.as_view(), name="appraisal-finalise"),
    path("appraisal/<int:pk>/use/", v.AppraisalUseView.as_view(), name="appraisal-use"),
    path("appraisal/<int:pk>/result.pdf", v.AppraisalPdfView.as_view(), name="appraisal-pdf"),
    path("appraisal/sets/", v.IndicatorSetListView.as_view(), name="indicator-set-list"),
    path("appraisal/sets/new/", v.IndicatorSetFormView.as_view(), name="indicator-set-create"),
    path("appraisal/sets/<int:pk>/", v.IndicatorSetDetailView.as_view(), name="indicator-set-detail"),
    path("appraisal/sets/<int:pk>/edit/", v.IndicatorSetFormView.as_view(), name="indicator-set-edit"),
    path("dashboard/charts/findings/", d.FindingsChartView.as_view(), name="dashboard-findings-chart"),
    path("dashboard/charts/overdue/", d.OverdueChartView.as_view(), name="dashboard-overdue-chart"),
    path("dashboard/charts/standings/", d.StandingsChartView.as_view(), name="dashboard-standings-chart"),
]
