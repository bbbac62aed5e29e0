"""API of oversight: supervision (issue 14), added to oversight/api/urls.py (use a SimpleRouter here)."""

urlpatterns: list = []
