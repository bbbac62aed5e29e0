"""Router of the notifications API, mounted at /api/v1/notifications/."""

from rest_framework.routers import SimpleRouter

from . import views

app_name = "notifications-api"

router = SimpleRouter()  # no API root view: the list itself is at the prefix
router.register("", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
