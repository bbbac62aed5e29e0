from rest_framework import mixins, viewsets

from core.api.history import HistoryMixin

from .. import services
from ..filtersets import DepartmentFilterSet, DivisionFilterSet, PilotDesignationFilterSet
from ..models import Department, Division, Membership, PilotDesignation
from ..permissions import ScopedViewSetMixin
from .serializers import (
    DepartmentSerializer,
    DivisionSerializer,
    MembershipSerializer,
    PilotDesignationSerializer,
)


class DivisionViewSet(ScopedViewSetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Divisions in the caller's jurisdiction (read only; the hierarchy is kept by administrators)."""

    queryset = Division.objects.select_related("parent")
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilterSet


class DepartmentViewSet(
    ScopedViewSetMixin, HistoryMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Departments in the jurisdiction; the office may rename or deactivate one."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet

    def perform_update(self, serializer):
        serializer.instance = services.department_update(
            department=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class PilotDesignationViewSet(ScopedViewSetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PilotDesignation.objects.all()
    serializer_class = PilotDesignationSerializer
    filterset_class = PilotDesignationFilterSet


class MembershipViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Who holds which role in the jurisdiction."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.select_related("user")
