"""API of dossier (issue 15), mounted at /api/v1/dossier/ (namespace "dossier-api")."""

app_name = "dossier-api"

urlpatterns: list = []
