"""Pages of dossier (issue 15), mounted at /dossier/."""

from django.urls import path  # noqa: F401

app_name = "dossier"

urlpatterns: list = []
