"""REST API of the yearly appraisal (issue 14 §5), on core.api's ServiceViewSet: the sets and the
appraisals through the scoped selectors (404 outside the jurisdiction), history on every row; the
office creates a set (its indicators at once: the weights sum to 100), starts a town's appraisal
and takes its steps (compute, score, finalise, use), each through one service."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet

from .. import selectors_appraisal, services_appraisal
from ..models import Appraisal, AppraisalScore, AppraisalUse, IndicatorSet
from . import serializers_appraisal as s


def _use(*, appraisal, actor, **data):
    services_appraisal.appraisal_use_record(appraisal=appraisal, actor=actor, **data)
    return appraisal


@extend_schema_view(list=extend_schema(summary="考核指标体系列表"), retrieve=extend_schema(summary="考核指标体系"),
                    create=extend_schema(summary="新建考核指标体系（权重之和为100）"))
class IndicatorSetViewSet(ServiceViewSet):
    queryset = IndicatorSet.objects.all()
    serializer_class = s.IndicatorSetSerializer
    create_service = services_appraisal.indicator_set_create

    def get_scoped_queryset(self, user):
        return selectors_appraisal.indicator_set_list(user=user).prefetch_related("indicators").order_by("-year", "-id")


@extend_schema_view(list=extend_schema(summary="年度考核列表（含得分）"), retrieve=extend_schema(summary="年度考核"),
                    create=extend_schema(summary="开始年度考核"))
class AppraisalViewSet(ServiceViewSet):
    queryset = Appraisal.objects.all()
    serializer_class = s.AppraisalSerializer
    create_service = services_appraisal.appraisal_start
    actions = [
        WorkflowAction("compute", service=services_appraisal.appraisal_compute, summary="重新计算"),
        WorkflowAction("score", service=services_appraisal.appraisal_score, input=s.ScoreInput, summary="人工评分"),
        WorkflowAction("finalise", service=services_appraisal.appraisal_finalise, input=s.FinaliseInput,
                       summary="定档"),
        WorkflowAction("use", service=_use, input=s.UseInput, summary="登记考核结果运用"),
    ]

    def get_scoped_queryset(self, user):
        scores = AppraisalScore.objects.select_related("indicator", "scored_by").order_by("indicator__position")
        return selectors_appraisal.appraisal_list(user=user).prefetch_related(
            Prefetch("scores", queryset=scores),
            Prefetch("uses", queryset=AppraisalUse.objects.order_by("decided_on", "id"))).order_by("-year", "-id")
