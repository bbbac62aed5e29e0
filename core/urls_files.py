"""/files/…: every stored file, through core.views_files.download (mounted by config/urls.py)."""

from django.urls import path

from . import views_files

app_name = "files"

urlpatterns = [
    path("<str:model>/<str:pk>/<str:field>/", views_files.download, name="download"),
]
