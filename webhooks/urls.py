"""Pages of webhooks (issue 15), mounted at /webhooks/."""

from django.urls import path  # noqa: F401

app_name = "webhooks"

urlpatterns: list = []
