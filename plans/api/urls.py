"""API of plans (issue 15), mounted at /api/v1/plans/ (namespace "plans-api")."""

app_name = "plans-api"

urlpatterns: list = []
