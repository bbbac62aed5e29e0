"""API of webhooks (issue 15), mounted at /api/v1/webhooks/ (namespace "webhooks-api")."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "webhooks-api"

router = SimpleRouter()
router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")
router.register("deliveries", views.DeliveryViewSet, basename="delivery")

urlpatterns = router.urls
