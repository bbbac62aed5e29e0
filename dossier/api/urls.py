"""API of dossier (issue 15), mounted at /api/v1/dossier/ (namespace "dossier-api")."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "dossier-api"

router = SimpleRouter()
router.register("towns", views.TownViewSet, basename="town")

urlpatterns = router.urls
