"""Pages of oversight: supervision (issue 14 §3), included by oversight/urls.py."""

from django.urls import path

from . import (
    selectors_supervision,
    tasks_supervision,  # noqa: F401 - registers the report job in the web process
)
from . import views_supervision as v

# The report PDFs' file check (OversightConfig.ready() calls it once hunk S.md is applied), and
# the report job registered in the web process (its service enqueues it by name).
selectors_supervision.register_files()

urlpatterns: list = [
    path("supervision/", v.SupervisionListView.as_view(), name="supervision-list"),
    path("supervision/<int:pk>/", v.SupervisionDetailView.as_view(), name="supervision-detail"),
    path("supervision/<int:pk>/participants/", v.SupervisionParticipantView.as_view(), name="supervision-participant"),
    path("supervision/<int:pk>/findings/", v.SupervisionFindingView.as_view(), name="supervision-finding"),
    path("supervision/<int:pk>/report/", v.SupervisionReportView.as_view(), name="supervision-report"),
    path("supervision/<int:pk>/finance/", v.SupervisionFinanceView.as_view(), name="supervision-finance"),
    path("supervision/<int:pk>/close/", v.SupervisionCloseView.as_view(), name="supervision-close"),
    path("inspections/", v.InspectionListView.as_view(), name="inspection-list"),
    path("inspections/new/", v.InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", v.InspectionDetailView.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/findings/", v.InspectionFindingView.as_view(), name="inspection-finding"),
]
