"""REST API of the hierarchy, declared on core.api's ServiceViewSet: every row scoped to the
caller's jurisdiction (404 outside it); only departments can be changed, by the office."""

from core.api.viewsets import ServiceViewSet

from .. import scoping, services
from ..filtersets import DepartmentFilterSet, DivisionFilterSet, PilotDesignationFilterSet
from ..models import Department, Division, Membership, PilotDesignation
from .serializers import (
    DepartmentSerializer,
    DivisionSerializer,
    MembershipSerializer,
    PilotDesignationSerializer,
)


class ScopedViewSet(ServiceViewSet):
    """``queryset`` narrowed to the caller's jurisdiction (regions.scoping)."""

    def get_scoped_queryset(self, user):
        return scoping.scope(self.queryset.all(), user)


class DivisionViewSet(ScopedViewSet):
    """Divisions in the caller's jurisdiction (read only; the hierarchy is kept by administrators)."""

    queryset = Division.objects.select_related("parent")
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilterSet


class DepartmentViewSet(ScopedViewSet):
    """Departments in the jurisdiction; the office may rename or deactivate one."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    update_service = services.department_update


class PilotDesignationViewSet(ScopedViewSet):
    queryset = PilotDesignation.objects.all()
    serializer_class = PilotDesignationSerializer
    filterset_class = PilotDesignationFilterSet


class MembershipViewSet(ScopedViewSet):
    """Who holds which role in the jurisdiction."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.select_related("user")
    history = None  # memberships are listed, their history is the admin's
