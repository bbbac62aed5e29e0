"""REST API of plans on core.api's ServiceViewSet: the plans in scope (404 outside it), a new plan
drafted from the data (POST on the list), a new draft and a saved version as workflow steps."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet

from .. import selectors, services
from ..models import Plan, PlanVersion
from . import serializers as s


@extend_schema_view(list=extend_schema(summary="实施方案列表（含各版本）"), retrieve=extend_schema(summary="实施方案"),
                    create=extend_schema(summary="起草实施方案（据系统数据生成第1版）"))
class PlanViewSet(ServiceViewSet):
    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    create_service = services.plan_create
    actions = [
        WorkflowAction("redraft", service=services.plan_redraft, summary="据系统数据重新起草（新版本）"),
        WorkflowAction("save-version", service=services.version_save, input=s.SaveVersionInput,
                       summary="保存编辑后的正文为新版本"),
    ]

    def get_scoped_queryset(self, user):
        versions = PlanVersion.objects.select_related("created_by").order_by("-number")
        return selectors.plan_list(user=user).prefetch_related(Prefetch("versions", queryset=versions)).order_by("-id")
