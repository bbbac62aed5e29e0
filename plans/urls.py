"""Pages of plans (issue 15), mounted at /plans/."""

from django.urls import path  # noqa: F401

app_name = "plans"

urlpatterns: list = []
