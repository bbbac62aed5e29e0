"""API of oversight: supervision (issue 14 §3), added to oversight/api/urls.py."""

from rest_framework.routers import SimpleRouter

from . import views_supervision

router = SimpleRouter()
router.register("supervisions", views_supervision.SupervisionViewSet, basename="supervision")
router.register("inspections", views_supervision.ItemInspectionViewSet, basename="inspection")

urlpatterns: list = router.urls
