from django.urls import include, path

from . import urls_appraisal, urls_bundle, urls_supervision, views, views_dashboard

app_name = "oversight"

urlpatterns = [
    path("", views_dashboard.DashboardView.as_view(), name="index"),
    path("groups/", views.GroupListView.as_view(), name="group-list"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/new/", views.MeetingAdHocCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/record/", views.MeetingRecordView.as_view(), name="meeting-record"),
    path("meetings/<int:pk>/attendance/", views.MeetingAttendanceView.as_view(), name="meeting-attendance"),
    path("meetings/<int:pk>/decisions/", views.MeetingDecisionView.as_view(), name="meeting-decision"),
    path("meetings/<int:pk>/actions/", views.MeetingActionView.as_view(), name="meeting-action"),
    path("meetings/<int:pk>/minutes.pdf", views.MeetingMinutesView.as_view(), name="meeting-minutes"),
    path("action-items/<int:pk>/done/", views.ActionItemDoneView.as_view(), name="action-done"),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<int:pk>/reply/", views.FindingReplyView.as_view(), name="finding-reply"),
    path("findings/<int:pk>/accept/", views.FindingAcceptView.as_view(), name="finding-accept"),
    path("findings/<int:pk>/return/", views.FindingReturnView.as_view(), name="finding-return"),
    path("findings/<int:pk>/close/", views.FindingCloseView.as_view(), name="finding-close"),
    *urls_supervision.urlpatterns,
    *urls_appraisal.urlpatterns,
    *urls_bundle.urlpatterns,
    path("", include("oversight.urls_groups")),  # the office's writes on a group (issue 14 §1)
]
