"""API of oversight: the auditor's report bundle (issue 14 §6), added to oversight/api/urls.py."""

from rest_framework.routers import SimpleRouter

from . import views_bundle

router = SimpleRouter()
router.register("bundles", views_bundle.BundleViewSet, basename="bundle")

urlpatterns: list = router.urls
