"""REST API of the half-yearly supervision, on core.api's ServiceViewSet: rows through the scoped
selectors (404 outside the jurisdiction), history on every row, the office's steps as workflow
actions (403 without the role), each one service."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet

from .. import selectors_supervision as sel
from .. import services_supervision as services
from ..models import FindingSource, ItemInspection, Supervision, SupervisionParticipant, SupervisionReport
from . import serializers_supervision as s


def _finance(*, supervision, actor):
    services.finance_findings_take(group=supervision.group, actor=actor)
    return supervision


@extend_schema_view(list=extend_schema(summary="综合督查列表（含参加单位、报告版本）"), retrieve=extend_schema(summary="综合督查"))
class SupervisionViewSet(ServiceViewSet):
    queryset = Supervision.objects.all()
    serializer_class = s.SupervisionSerializer
    actions = [
        WorkflowAction("participants", service=services.participant_add, input=s.ParticipantInput, summary="添加参加单位"),
        WorkflowAction("findings", service=services.supervision_finding_add, input=s.FindingInput, summary="登记督查问题"),
        WorkflowAction("report", service=services.report_request, input=s.ReportInput, summary="生成新一版书面报告"),
        WorkflowAction("finance", service=_finance, summary="纳入财政季度检查的未整改问题"),
        WorkflowAction("close", service=services.supervision_close, input=s.CloseInput, summary="结束督查"),
    ]

    def get_scoped_queryset(self, user):
        return sel.supervision_list(user=user).prefetch_related(
            Prefetch("participants", queryset=SupervisionParticipant.objects.select_related("department").order_by("id")),
            Prefetch("reports", queryset=SupervisionReport.objects.order_by("-version")),
            Prefetch("sources", queryset=FindingSource.objects.order_by("finding_id")),
        ).order_by("-year", "-half", "-id")


@extend_schema_view(list=extend_schema(summary="有关事项检查列表"), retrieve=extend_schema(summary="有关事项检查"),
                    create=extend_schema(summary="登记有关事项检查（领导小组办公室）"))
class ItemInspectionViewSet(ServiceViewSet):
    queryset = ItemInspection.objects.all()
    serializer_class = s.InspectionSerializer
    create_service = services.inspection_create
    service_object = "inspection"
    actions = [WorkflowAction("findings", service=services.inspection_finding_add, input=s.FindingInput,
                              summary="登记检查发现的问题")]

    def get_scoped_queryset(self, user):
        return sel.inspection_list(user=user).prefetch_related(
            "participants", Prefetch("sources", queryset=FindingSource.objects.order_by("finding_id")),
        ).order_by("-inspected_on", "-id")
