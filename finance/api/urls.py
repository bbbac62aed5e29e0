"""Router of the finance API, mounted at /api/v1/finance/ (namespace "finance-api")."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "finance-api"

router = DefaultRouter()
router.register("arrangements", views.ArrangementViewSet, basename="arrangement")
router.register("revenue-records", views.RevenueRecordViewSet, basename="revenue-record")
router.register("entitlements", views.EntitlementViewSet, basename="entitlement")
router.register("disbursements", views.DisbursementViewSet, basename="disbursement")

urlpatterns = router.urls
