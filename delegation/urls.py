from django.urls import path

from . import views, views_batches, views_charts, views_provisional

app_name = "delegation"

urlpatterns = [
    # catalogue
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("items/new/", views.ItemFormView.as_view(), name="item-create"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:pk>/edit/", views.ItemFormView.as_view(), name="item-edit"),
    path("items/<int:pk>/publish/", views.ItemPublishView.as_view(), name="item-publish"),
    path("items/<int:pk>/suspend/", views.ItemSuspendView.as_view(), name="item-suspend"),
    path("items/<int:pk>/resume/", views.ItemResumeView.as_view(), name="item-resume"),
    path("items/<int:pk>/withdraw/", views.ItemWithdrawView.as_view(), name="item-withdraw"),
    # batches
    path("batches/", views_batches.BatchListView.as_view(), name="batch-list"),
    path("batches/new/", views_batches.BatchCreateView.as_view(), name="batch-create"),
    path("batches/<int:pk>/", views_batches.BatchDetailView.as_view(), name="batch-detail"),
    path("batches/<int:pk>/add-items/", views_batches.BatchAddItemsView.as_view(),
         name="batch-add-items"),
    path("batches/<int:pk>/publish/", views_batches.BatchPublishView.as_view(), name="batch-publish"),
    # assignments and agreements
    path("matrix/", views.AssignmentMatrixView.as_view(), name="assignment-matrix"),
    path("matrix/chart/", views_charts.TakeoverChartView.as_view(), name="assignment-matrix-chart"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    path("assignments/new/", views.AssignmentCreateView.as_view(), name="assignment-create"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/take-over/", views.AssignmentTakeOverView.as_view(),
         name="assignment-take-over"),
    path("assignments/<int:pk>/revoke/", views.AssignmentRevokeView.as_view(), name="assignment-revoke"),
    path("assignments/<int:pk>/attach-agreement/", views.AssignmentAttachAgreementView.as_view(),
         name="assignment-attach-agreement"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement-create"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    # exercise records
    path("records/", views.RecordListView.as_view(), name="record-list"),
    path("records/new/", views.RecordCreateView.as_view(), name="record-create"),
    path("records/recomputed/", views_provisional.RecomputedListView.as_view(), name="record-recomputed"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record-detail"),
    path("records/<int:pk>/file/", views.RecordFileView.as_view(), name="record-file"),
    path("overdue/", views.OverdueListView.as_view(), name="overdue-list"),
    path("overdue/chart/", views_charts.FilingChartView.as_view(), name="overdue-chart"),
    # training
    path("trainings/", views.TrainingListView.as_view(), name="training-list"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training-create"),
]
