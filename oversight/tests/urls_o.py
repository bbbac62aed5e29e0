"""The project's URLs with the action-item route that oversight/urls.py gets from helper O's hunk
(coord/hunks/O.md): the tests of that page run against this urlconf until the hunk is applied,
and against the project's own (unchanged) once it is."""

from django.urls import URLPattern, include, path

from config import urls as project
from oversight import urls as oversight_urls
from oversight import views

ACTION_DONE = path("action-items/<int:pk>/done/", views.ActionItemDoneView.as_view(), name="action-done")

if any(isinstance(p, URLPattern) and p.name == "action-done" for p in oversight_urls.urlpatterns):
    urlpatterns = project.urlpatterns
else:
    _oversight = (list(oversight_urls.urlpatterns) + [ACTION_DONE], "oversight")
    urlpatterns = [path("oversight/", include(_oversight)) if getattr(p, "app_name", None) == "oversight"
                   else p for p in project.urlpatterns]
handler400, handler404, handler500 = project.handler400, project.handler404, project.handler500
