"""The project's URLs with the groups viewset's write actions (api/views_groups.GroupWriteMixin)
that api/views.py gets from the lead's hunk (coord/hunks/grp.md): the API tests of
test_groups_write.py run against this urlconf until the hunk is applied, and against the
project's own (unchanged) once it is."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from config import urls as project
from oversight.api import urls as api_urls
from oversight.api.views import LeadingGroupViewSet
from oversight.api.views_groups import GroupWriteMixin

if issubclass(LeadingGroupViewSet, GroupWriteMixin):
    urlpatterns = project.urlpatterns
else:
    class _Groups(GroupWriteMixin, LeadingGroupViewSet):
        pass

    router = SimpleRouter()
    router.register("groups", _Groups, basename="group")
    _writes = [p for p in router.urls if p.name in ("group-members", "group-towns")]
    _api = ([*_writes, *api_urls.urlpatterns], "oversight-api")
    urlpatterns = [path("api/v1/oversight/", include(_api)), *project.urlpatterns]
handler400, handler404, handler500 = project.handler400, project.handler404, project.handler500
