"""API of plans (issue 15), mounted at /api/v1/plans/ (namespace "plans-api")."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "plans-api"

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")

urlpatterns = router.urls
