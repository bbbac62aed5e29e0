"""Router of the oversight API, mounted at /api/v1/oversight/ (namespace "oversight-api")."""

from rest_framework.routers import DefaultRouter

from . import urls_appraisal, urls_bundle, urls_supervision, views

app_name = "oversight-api"

router = DefaultRouter()
router.register("groups", views.LeadingGroupViewSet, basename="group")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("findings", views.FindingViewSet, basename="finding")

urlpatterns = router.urls + urls_supervision.urlpatterns + urls_appraisal.urlpatterns + urls_bundle.urlpatterns
