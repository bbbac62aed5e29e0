from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("divisions", views.DivisionViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("pilots", views.PilotDesignationViewSet)
router.register("memberships", views.MembershipViewSet)

urlpatterns = router.urls
