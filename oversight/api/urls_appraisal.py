"""API of oversight: appraisal (issue 14 §5), added to oversight/api/urls.py."""

from rest_framework.routers import SimpleRouter

from . import views_appraisal

router = SimpleRouter()
router.register("indicator-sets", views_appraisal.IndicatorSetViewSet, basename="indicator-set")
router.register("appraisals", views_appraisal.AppraisalViewSet, basename="appraisal")

urlpatterns: list = router.urls
