"""Pages of plans (issue 15), mounted at /plans/."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanIndexView.as_view(), name="index"),
    path("new/", views.PlanCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="edit"),
    path("<int:pk>/preview/", views.PlanPreviewView.as_view(), name="preview"),
    path("<int:pk>/redraft/", views.PlanRedraftView.as_view(), name="redraft"),
    path("<int:pk>/pdf/", views.PlanPdfView.as_view(), name="pdf"),
    path("templates/", views.TemplateListView.as_view(), name="template-list"),
    path("templates/<str:section>/", views.TemplateEditView.as_view(), name="template-edit"),
]
