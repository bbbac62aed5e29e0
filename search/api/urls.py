"""API of search (issue 15), mounted at /api/v1/search/ (namespace "search-api")."""

app_name = "search-api"

urlpatterns: list = []
