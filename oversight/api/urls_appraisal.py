"""API of oversight: appraisal (issue 14), added to oversight/api/urls.py (use a SimpleRouter here)."""

urlpatterns: list = []
