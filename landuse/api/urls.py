"""Router of the landuse API, mounted at /api/v1/landuse/ (namespace "landuse-api")."""

from rest_framework.routers import DefaultRouter

from . import farmland, views

app_name = "landuse-api"

router = DefaultRouter()
router.register("accounts", views.QuotaAccountViewSet, basename="account")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("gains", views.QuotaGainViewSet, basename="gain")
router.register("projects", views.ProjectViewSet, basename="project")
# l2: farmland balance, reclamation (below this line)
router.register("reclamations", farmland.ReclamationViewSet, basename="reclamation")
router.register("farmland-balancing", farmland.FarmlandBalancingViewSet, basename="farmland-balancing")

urlpatterns = router.urls
