from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("", views.ReconciliationView.as_view(), name="reconciliation"),
    path("towns/<int:pk>/", views.TownFinanceView.as_view(), name="town"),
    path("revenue/", views.RevenueRecordListView.as_view(), name="revenue-list"),
    path("revenue/new/", views.RevenueRecordCreateView.as_view(), name="revenue-create"),
    path("revenue/<int:pk>/reverse/", views.RevenueRecordReverseView.as_view(), name="revenue-reverse"),
    path("entitlements/<int:pk>/", views.EntitlementDetailView.as_view(), name="entitlement-detail"),
]
