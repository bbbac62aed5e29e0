"""Router of the landuse API, mounted at /api/v1/landuse/ (namespace "landuse-api")."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "landuse-api"

router = DefaultRouter()
router.register("accounts", views.QuotaAccountViewSet, basename="account")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("gains", views.QuotaGainViewSet, basename="gain")
router.register("projects", views.ProjectViewSet, basename="project")
# l2: farmland balance, reclamation (below this line)

urlpatterns = router.urls
