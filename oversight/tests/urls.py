"""The project's URLs with oversight's API mounted where the lead's hunk (coord/hunks/o.md) will
mount it, for the API tests until it is applied."""

from django.urls import include, path

from config import urls as project

urlpatterns = [path("api/v1/oversight/", include("oversight.api.urls")), *project.urlpatterns]
handler400, handler404, handler500 = project.handler400, project.handler404, project.handler500
