"""Pages of dossier (issue 15), mounted at /dossier/."""

from django.urls import path

from . import views

app_name = "dossier"

urlpatterns: list = [
    path("", views.IndexView.as_view(), name="index"),
    path("towns/<int:pk>/", views.TownView.as_view(), name="town"),
    path("towns/<int:pk>/dossier.pdf", views.TownPdfView.as_view(), name="town-pdf"),
]
