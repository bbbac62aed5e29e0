"""l2's pages of landuse, included by landuse/urls.py (namespace "landuse"): the farmland balance
and the county's balancing entries, reclamations with their acceptance, the town quota chart's
JSON, the land-quota statement PDF, and the import page (core.importing, landuse's kinds)."""

from django.urls import path

from . import views_farmland as v

urlpatterns = [
    path("farmland/", v.FarmlandBalanceView.as_view(), name="farmland"),
    path("farmland/balancing/", v.BalancingListView.as_view(), name="balancing-list"),
    path("farmland/balancing/new/", v.BalancingCreateView.as_view(), name="balancing-create"),
    path("farmland/balancing/<int:pk>/reverse/", v.BalancingReverseView.as_view(), name="balancing-reverse"),
    path("reclamations/", v.ReclamationListView.as_view(), name="reclamation-list"),
    path("reclamations/new/", v.ReclamationCreateView.as_view(), name="reclamation-create"),
    path("reclamations/<int:pk>/", v.ReclamationDetailView.as_view(), name="reclamation-detail"),
    path("reclamations/<int:pk>/accept/", v.ReclamationAcceptView.as_view(), name="reclamation-accept"),
    path("reclamations/<int:pk>/reject/", v.ReclamationRejectView.as_view(), name="reclamation-reject"),
    path("charts/town-quota/", v.TownQuotaChartView.as_view(), name="quota-chart"),
    path("towns/<int:pk>/statement.pdf", v.TownStatementView.as_view(), name="town-statement"),
]
