from django.urls import path

from . import views, views_funds, views_settlement, views_targets

app_name = "finance"

urlpatterns = [
    path("", views.ReconciliationView.as_view(), name="reconciliation"),
    path("towns/<int:pk>/", views.TownFinanceView.as_view(), name="town"),
    path("towns/<int:pk>/chart/", views.TownChartView.as_view(), name="town-chart"),
    path("towns/<int:pk>/years-chart/", views.TownYearsChartView.as_view(), name="town-years-chart"),
    path("towns/<int:pk>/settlement.pdf", views_settlement.TownSettlementView.as_view(), name="town-settlement"),
    path("revenue/", views.RevenueRecordListView.as_view(), name="revenue-list"),
    path("revenue/new/", views.RevenueRecordCreateView.as_view(), name="revenue-create"),
    path("revenue/<int:pk>/reverse/", views.RevenueRecordReverseView.as_view(), name="revenue-reverse"),
    path("arrangements/", views.ArrangementListView.as_view(), name="arrangement-list"),
    path("arrangements/new/", views.ArrangementCreateView.as_view(), name="arrangement-create"),
    path("arrangements/<int:pk>/", views.ArrangementDetailView.as_view(), name="arrangement-detail"),
    path("arrangements/<int:pk>/supersede/", views.ArrangementSupersedeView.as_view(),
         name="arrangement-supersede"),
    path("entitlements/", views.EntitlementListView.as_view(), name="entitlement-list"),
    path("entitlements/<int:pk>/", views.EntitlementDetailView.as_view(), name="entitlement-detail"),
    # funds and incentives (issue 11 §5, §7)
    path("funds/", views_funds.FundListView.as_view(), name="funds"),
    path("funds/new/", views_funds.FundCreateView.as_view(), name="fund-create"),
    path("funds/<int:pk>/", views_funds.FundDetailView.as_view(), name="fund-detail"),
    path("funds/<int:pk>/grant/", views_funds.FundGrantView.as_view(), name="fund-grant"),
    path("funds/<int:pk>/spend/", views_funds.FundSpendView.as_view(), name="fund-spend"),
    path("fund-entries/<int:pk>/reverse/", views_funds.FundEntryReverseView.as_view(), name="fund-entry-reverse"),
    path("incentives/", views_funds.IncentiveListView.as_view(), name="incentives"),
    path("incentives/new/", views_funds.IncentiveCreateView.as_view(), name="incentive-create"),
    path("incentives/<int:pk>/reverse/", views_funds.IncentiveReverseView.as_view(), name="incentive-reverse"),
    path("incentives/policies/", views_funds.IncentivePolicyListView.as_view(), name="incentive-policies"),
    path("incentives/policies/new/", views_funds.IncentivePolicyCreateView.as_view(), name="incentive-policy-create"),
    # targets, debt and quarterly inspection (issue 11 §6, §8)
    path("targets/", views_targets.TargetsOverviewView.as_view(), name="targets-overview"),
    path("towns/<int:pk>/targets/", views_targets.TownTargetsView.as_view(), name="targets"),
    path("targets/set/", views_targets.GrowthTargetSetView.as_view(), name="target-set"),
    path("figures/new/", views_targets.YearFigureCreateView.as_view(), name="figure-create"),
    path("debt/borrow/", views_targets.DebtBorrowView.as_view(), name="debt-borrow"),
    path("debt/repay/", views_targets.DebtRepayView.as_view(), name="debt-repay"),
    path("debt/<int:pk>/reverse/", views_targets.DebtEntryReverseView.as_view(), name="debt-reverse"),
    path("checklist/", views_targets.ChecklistListView.as_view(), name="checklist"),
    path("checklist/new/", views_targets.ChecklistItemCreateView.as_view(), name="checklist-create"),
    path("inspections/", views_targets.InspectionListView.as_view(), name="inspections"),
    path("inspections/new/", views_targets.InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", views_targets.InspectionDetailView.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/results/", views_targets.InspectionResultsView.as_view(), name="inspection-results"),
    path("inspections/<int:pk>/findings/", views_targets.InspectionFindingAddView.as_view(),
         name="inspection-finding"),
    path("inspections/<int:pk>/complete/", views_targets.InspectionCompleteView.as_view(),
         name="inspection-complete"),
    path("findings/<int:pk>/close/", views_targets.FindingCloseView.as_view(), name="finding-close"),
]
