"""API of webhooks (issue 15), mounted at /api/v1/webhooks/ (namespace "webhooks-api")."""

app_name = "webhooks-api"

urlpatterns: list = []
