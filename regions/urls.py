from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("divisions/", views.DivisionListView.as_view(), name="division-list"),
    path("divisions/<int:pk>/", views.DivisionDetailView.as_view(), name="division-detail"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department-detail"),
    path("departments/<int:pk>/edit/", views.DepartmentUpdateView.as_view(), name="department-edit"),
]
