"""REST API of landuse's quota, declared on core.api's ServiceViewSet: reads through
landuse.selectors (scoped), writes through one service each; the workflow steps of a project are
actions calling one service. Nothing is deleted (DELETE: 405)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet
from regions.permissions import JurisdictionPermission

from .. import selectors, services
from ..models import Allocation, Project, QuotaAccount, QuotaGain
from . import serializers as s
from .permissions import StepRolePermission


@extend_schema_view(list=extend_schema(summary="用地指标账户列表"), retrieve=extend_schema(summary="用地指标账户"))
class QuotaAccountViewSet(ServiceViewSet):
    """A division's quota of a year and pool, with its balance, reservations and what is available."""

    queryset = QuotaAccount.objects.all()
    serializer_class = s.QuotaAccountSerializer

    def get_scoped_queryset(self, user):
        return selectors.quota_account_list(user=user).order_by("-id")

    @extend_schema(summary="指标用尽的账户（督查议程）", parameters=[OpenApiParameter("year", int)],
                   responses={200: s.QuotaAccountSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def exhausted(self, request):
        year = request.query_params.get("year")
        rows = selectors.quota_exhausted(user=request.user, year=int(year) if year and year.isdigit() else None)
        return Response(s.QuotaAccountSerializer([r["account"] for r in rows], many=True).data)


def _allocation_create(*, actor, **data):
    return services.allocation_create(actor=actor, **data)


@extend_schema_view(list=extend_schema(summary="指标下达与调剂列表"), retrieve=extend_schema(summary="指标下达"))
class AllocationViewSet(ServiceViewSet):
    """Quota issued, allocated down the hierarchy, set aside, transferred across counties. Written once;
    a correction is ``reverse``."""

    queryset = Allocation.objects.all()
    serializer_class = s.AllocationSerializer
    actions = [WorkflowAction("reverse", service=services.allocation_reverse, input=s.ReasonInput,
                              object_argument="allocation", summary="冲销指标下达")]

    def get_scoped_queryset(self, user):
        return selectors.allocation_list(user=user).order_by("-id")

    @extend_schema(summary="下达或调剂用地指标", request=s.AllocationInput, responses={201: s.AllocationSerializer})
    def create(self, request, *args, **kwargs):
        data = self.parse_input(s.AllocationInput)
        # The write gate on the row it would make: the receiving division's account.
        self.check_object_permissions(request, Allocation(target=QuotaAccount(division=data["target"])))
        row = services.allocation_create(actor=request.user, **data)
        return self.detail_response(row, status=201)


def _gain_create(*, actor, **data):
    key = data.pop("source_key", "") or f"manual:{data['kind']}:{data['town'].pk}:{data.get('document_number', '')}"
    return services.quota_gain(actor=actor, source_key=key, **data)


@extend_schema_view(list=extend_schema(summary="新增指标列表"), retrieve=extend_schema(summary="新增指标"),
                    create=extend_schema(summary="登记新增指标（验收后）"))
class QuotaGainViewSet(ServiceViewSet):
    """Quota a town gained after acceptance (consolidation, reclamation, linkage); one per acceptance."""

    queryset = QuotaGain.objects.all()
    serializer_class = s.QuotaGainSerializer
    create_service = _gain_create

    def get_scoped_queryset(self, user):
        return selectors.gain_list(user=user).order_by("-id")


def _project_create(*, actor, **data):
    return services.project_create(actor=actor, **data)


@extend_schema_view(list=extend_schema(summary="用地项目列表"), retrieve=extend_schema(summary="用地项目"),
                    create=extend_schema(summary="登记用地项目"), update=extend_schema(summary="修改用地项目"),
                    partial_update=extend_schema(summary="修改用地项目（部分）"))
class ProjectViewSet(ServiceViewSet):
    """Projects that use construction land. Under review their quota is reserved; approval posts it,
    rejection or withdrawal voids it, the daily job lapses an expired reservation."""

    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer
    create_service = _project_create
    update_service = services.project_update
    service_object = "project"
    permission_classes = [JurisdictionPermission, StepRolePermission]
    step_roles = {step: services.STEP_ROLES[step] for step in ("approve", "reject", "draw")}
    actions = [
        WorkflowAction("submit", service=services.project_submit, input=s.SubmitInput, summary="报批并预留指标"),
        WorkflowAction("approve", service=services.project_approve, input=s.ApprovalInput, summary="批准（预留转使用）"),
        WorkflowAction("reject", service=services.project_reject, input=s.ReasonInput, summary="退回（撤销预留）"),
        WorkflowAction("withdraw", service=services.project_withdraw, input=s.ReasonInput, summary="撤回"),
        WorkflowAction("draw", service=services.project_draw, input=s.ApprovalInput, summary="登记已批准项目（直接用指标）"),
    ]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.ProjectUpdateSerializer
        return super().get_serializer_class()

    def get_scoped_queryset(self, user):
        return selectors.project_list(user=user).order_by("-id")

    @extend_schema(summary="优先安排清单", responses={200: s.ProjectSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def priority(self, request):
        rows = selectors.priority_list(user=request.user)[:500]
        return Response(s.ProjectSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(summary="即将到期的指标预留（督查议程）", parameters=[s.ExpiringQuery],
                   responses={200: s.ProjectSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def expiring(self, request):
        query = s.ExpiringQuery(data=request.query_params)
        query.is_valid(raise_exception=True)  # "abc", -1 or 10**12 days: 400 in words, not a 500
        rows = selectors.reservations_expiring(user=request.user, within_days=query.validated_data["days"])
        return Response(s.ProjectSerializer(rows[:500], many=True, context=self.get_serializer_context()).data)
