"""Pages of oversight: appraisal (issue 14), included by oversight/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
