"""Router of the personnel API, mounted at /api/v1/personnel/ (namespace "personnel-api")."""

from rest_framework.routers import DefaultRouter

app_name = "personnel-api"

router = DefaultRouter()
# --- establishment, institutions, people and posts (p1) ---
# --- secondments, stationed units, certificates and training (p2) ---

urlpatterns = router.urls
