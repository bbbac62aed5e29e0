from django.urls import include, path

from . import views

app_name = "landuse"

urlpatterns = [
    path("", views.CountyAllocationView.as_view(), name="index"),
    path("towns/<int:pk>/", views.TownQuotaView.as_view(), name="town"),
    path("allocations/", views.AllocationListView.as_view(), name="allocation-list"),
    path("allocations/new/", views.AllocationCreateView.as_view(), name="allocation-create"),
    path("allocations/<int:pk>/reverse/", views.AllocationReverseView.as_view(), name="allocation-reverse"),
    path("gains/new/", views.GainCreateView.as_view(), name="gain-create"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/priority/", views.PriorityListView.as_view(), name="priority-list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project-update"),
    path("projects/<int:pk>/submit/", views.ProjectSubmitView.as_view(), name="project-submit"),
    path("projects/<int:pk>/approve/", views.ProjectApproveView.as_view(), name="project-approve"),
    path("projects/<int:pk>/reject/", views.ProjectRejectView.as_view(), name="project-reject"),
    path("projects/<int:pk>/withdraw/", views.ProjectWithdrawView.as_view(), name="project-withdraw"),
    path("projects/<int:pk>/draw/", views.ProjectDrawView.as_view(), name="project-draw"),
    # l2: farmland balance, reclamation, statement PDF, import/export (below this line)
    path("", include("landuse.urls_farmland")),
]
