"""REST API of targets, debt and quarterly inspection (issue 11 §6, §8) on core.api's
ServiceViewSet: reads through finance.selectors (scoped), writes through one service of
finance.services.targets each; workflow steps are actions. Nothing is deleted (DELETE: 405)."""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet
from core.errors import ApplicationError
from regions import scoping

from .. import selectors
from ..choices import DebtKind
from ..models import ChecklistItem, DebtEntry, GrowthTarget, Inspection, InspectionFinding, YearFigure
from ..services import targets as st
from . import serializers_targets as s

YEARS = (1900, 2999)  # a year parameter outside is refused (400), not an overflow in date arithmetic (500)
IDS = (1, 2**31 - 1)  # an id parameter outside the database's integer


def _int(params, name: str, default: int | None = None, bounds: tuple[int, int] = YEARS) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApplicationError(f"参数 {name}“{value}”应为整数。", code="invalid", extra={name: ["应为整数。"]}) from None
    low, high = bounds
    if not low <= number <= high:
        message = f"参数 {name} 应在 {low} 至 {high} 之间。"
        raise ApplicationError(message, code="invalid", extra={name: [message]})
    return number


def _debt_create(*, actor, kind, approved_by="", **data):
    if kind == DebtKind.BORROWING:
        return st.debt_borrow(actor=actor, approved_by=approved_by, **data)
    return st.debt_repay(actor=actor, **data)


@extend_schema_view(list=extend_schema(summary="增长目标列表"), retrieve=extend_schema(summary="增长目标"),
                    create=extend_schema(summary="设定增长目标（同镇同年同指标再次设定即修改）"))
class GrowthTargetViewSet(ServiceViewSet):
    """Growth targets per town, year and indicator (percent over the previous year)."""

    queryset = GrowthTarget.objects.all()
    serializer_class = s.GrowthTargetSerializer
    create_service = st.growth_target_set

    def get_scoped_queryset(self, user):
        return selectors.growth_target_list(user=user).order_by("-id")

    @extend_schema(summary="目标完成情况：各镇各年三项指标的上年数、本年数、增长率、是否达标", parameters=[
        OpenApiParameter("year", int, description="年度（默认上一年）"), OpenApiParameter("town", int),
        OpenApiParameter("years", int, description="向前几年（默认1，最多10）")],
        responses={200: s.TargetProgressSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def progress(self, request):
        year = _int(request.query_params, "year", timezone.localdate().year - 1)
        span = min(max(_int(request.query_params, "years", 1, bounds=(-(2**31), 2**31)), 1), 10)
        towns = selectors.target_towns(user=request.user)
        town = _int(request.query_params, "town", bounds=IDS)
        if town is not None:
            towns = towns.filter(pk=town)
        rows = selectors.targets_for(town_ids=list(towns.values_list("id", flat=True)),
                                     years=range(year - span + 1, year + 1))
        return Response(s.TargetProgressSerializer([r for rs in rows.values() for r in rs], many=True).data)


@extend_schema_view(list=extend_schema(summary="年度实际数列表"), retrieve=extend_schema(summary="年度实际数"),
                    create=extend_schema(summary="登记年度实际数（已登记的以新记录替代，须写更正理由）"))
class YearFigureViewSet(ServiceViewSet):
    queryset = YearFigure.objects.all()
    serializer_class = s.YearFigureSerializer
    create_service = st.year_figure_enter

    def get_scoped_queryset(self, user):
        return selectors.year_figure_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="债务登记列表"), retrieve=extend_schema(summary="债务登记"),
                    create=extend_schema(summary="登记举借或偿还（举借即新增债务预警）"))
class DebtEntryViewSet(ServiceViewSet):
    """The debt register: borrowings and repayments by lender; corrections by ``reverse``."""

    queryset = DebtEntry.objects.all()
    serializer_class = s.DebtEntrySerializer
    create_service = _debt_create
    actions = [WorkflowAction("reverse", service=st.debt_entry_reverse, input=s.DebtReverseInput,
                              object_argument="entry", summary="冲销债务登记")]

    def get_scoped_queryset(self, user):
        return selectors.debt_entry_list(user=user).order_by("-id")

    @extend_schema(summary="债务余额（按镇、债权人）", parameters=[OpenApiParameter("year", int, description="截至该年末")],
                   responses={200: s.LenderDebtSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def balances(self, request):
        year = _int(request.query_params, "year")
        towns = list(scoping.towns_visible(request.user).values_list("id", flat=True))
        rows = selectors.debt_by_lender(town_ids=towns, year=year)
        data = [{"town": town, **asdict(d), "balance": d.balance} for town, ds in sorted(rows.items()) for d in ds]
        return Response(s.LenderDebtSerializer(data, many=True).data)


@extend_schema_view(list=extend_schema(summary="检查清单项目列表"), retrieve=extend_schema(summary="检查清单项目"),
                    create=extend_schema(summary="添加检查清单项目"))
class ChecklistItemViewSet(ServiceViewSet):
    queryset = ChecklistItem.objects.all()
    serializer_class = s.ChecklistItemSerializer
    create_service = st.checklist_item_create

    def get_scoped_queryset(self, user):
        return selectors.checklist_item_list(user=user).order_by("id")


@extend_schema_view(list=extend_schema(summary="按季检查列表"), retrieve=extend_schema(summary="按季检查"),
                    create=extend_schema(summary="登记按季检查（按县检查清单生成检查项目）"))
class InspectionViewSet(ServiceViewSet):
    queryset = Inspection.objects.all()
    serializer_class = s.InspectionSerializer
    create_service = st.inspection_open
    service_object = "inspection"
    actions = [
        WorkflowAction("results", service=st.inspection_results_record, input=s.ResultsInput,
                       summary="登记检查结果"),
        WorkflowAction("findings", service=st.inspection_finding_add, input=s.FindingInput, summary="记录发现的问题"),
        WorkflowAction("complete", service=st.inspection_complete, input=s.CompleteInput, summary="完成检查"),
    ]

    def get_scoped_queryset(self, user):
        return selectors.inspection_list(user=user).prefetch_related("results__item", "findings").order_by("-id")


@extend_schema_view(list=extend_schema(summary="检查发现问题列表"), retrieve=extend_schema(summary="检查发现问题"))
class InspectionFindingViewSet(ServiceViewSet):
    queryset = InspectionFinding.objects.all()
    serializer_class = s.InspectionFindingSerializer
    service_object = "finding"
    actions = [WorkflowAction("close", service=st.inspection_finding_close, input=s.CloseInput,
                              summary="整改销号")]

    def get_scoped_queryset(self, user):
        return selectors.inspection_finding_list(user=user).order_by("-id")

    @extend_schema(summary="待整改的检查问题（督查考核读取的同一选择器）",
                   responses={200: s.OpenFindingSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="open", url_name="open", pagination_class=None)
    def open_findings(self, request):
        rows = selectors.inspection_findings_open(user=request.user)
        return Response(s.OpenFindingSerializer(rows, many=True).data)
