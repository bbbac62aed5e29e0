"""Router of the finance API, mounted at /api/v1/finance/ (namespace "finance-api")."""

from rest_framework.routers import DefaultRouter

from . import views, views_funds, views_targets

app_name = "finance-api"

router = DefaultRouter()
router.register("arrangements", views.ArrangementViewSet, basename="arrangement")
router.register("revenue-records", views.RevenueRecordViewSet, basename="revenue-record")
router.register("entitlements", views.EntitlementViewSet, basename="entitlement")
router.register("disbursements", views.DisbursementViewSet, basename="disbursement")
# funds and incentives (issue 11 §5, §7); writes through their services, office only
router.register("funds", views_funds.FundViewSet, basename="fund")
router.register("fund-entries", views_funds.FundEntryViewSet, basename="fund-entry")
router.register("incentive-policies", views_funds.IncentivePolicyViewSet, basename="incentive-policy")
router.register("incentives", views_funds.IncentiveViewSet, basename="incentive")
# targets, debt and quarterly inspection (issue 11 §6, §8)
router.register("growth-targets", views_targets.GrowthTargetViewSet, basename="growth-target")
router.register("year-figures", views_targets.YearFigureViewSet, basename="year-figure")
router.register("debt-entries", views_targets.DebtEntryViewSet, basename="debt-entry")
router.register("checklist-items", views_targets.ChecklistItemViewSet, basename="checklist-item")
router.register("inspections", views_targets.InspectionViewSet, basename="inspection")
router.register("inspection-findings", views_targets.InspectionFindingViewSet, basename="inspection-finding")

urlpatterns = router.urls
