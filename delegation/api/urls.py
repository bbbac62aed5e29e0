"""Router of the catalogue API, mounted at /api/v1/delegation/ (namespace "delegation-api")."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "delegation-api"

router = DefaultRouter()
router.register("batches", views.BatchViewSet, basename="batch")
router.register("items", views.ItemViewSet, basename="item")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("trainings", views.TrainingViewSet, basename="training")
router.register("exercise-records", views.ExerciseRecordViewSet, basename="exercise-record")
router.register("due-recomputations", views.FilingDueRecomputedViewSet, basename="due-recomputation")

urlpatterns = router.urls
