"""Router of the personnel API, mounted at /api/v1/personnel/ (namespace "personnel-api")."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "personnel-api"

router = DefaultRouter()
# --- establishment, institutions, people and posts ---
router.register("staffing", views.StaffingTableViewSet, basename="staffing")
router.register("people", views.PersonViewSet, basename="person")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("posts", views.PostViewSet, basename="post")
router.register("approvals", views.ApprovalViewSet, basename="approval")
# --- secondments, stationed units and their heads ---
router.register("secondments", views.SecondmentViewSet, basename="secondment")
router.register("units", views.StationedUnitViewSet, basename="unit")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("opinions", views.OpinionViewSet, basename="opinion")

urlpatterns = router.urls
