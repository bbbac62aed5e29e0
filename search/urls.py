"""Pages of search (issue 15), mounted at /search/."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.SearchResultsView.as_view(), name="results"),
]
