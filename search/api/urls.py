"""API of search (issue 15), mounted at /api/v1/search/ (namespace "search-api")."""

from django.urls import path

from . import views

app_name = "search-api"

urlpatterns = [
    path("", views.SearchView.as_view(), name="search-list"),
]
