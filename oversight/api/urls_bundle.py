"""API of oversight: bundle (issue 14), added to oversight/api/urls.py (use a SimpleRouter here)."""

urlpatterns: list = []
