"""REST API of finance, declared on core.api's ServiceViewSet: reads through finance.selectors
(scoped), writes through one service each; postings happen only inside the services (a revenue
record, a reversal, a disbursement), never by editing. Nothing is deleted (DELETE: 405)."""

from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet
from core.errors import ApplicationError

from .. import rules, selectors, services
from ..models import Disbursement, Entitlement, FiscalArrangement, RevenueRecord
from . import serializers as s


def _disbursement_create(*, actor, lines, **data):
    """The API's lines ({entitlement, amount}) as the service's (entitlement, amount) pairs."""
    return services.disbursement_create(actor=actor, lines=[(line["entitlement"], line["amount"]) for line in lines],
                                        **data)


def _arrangement_create(*, actor, rules, **data):
    return services.arrangement_create(actor=actor, rules=[dict(rule) for rule in rules], **data)


def _arrangement_supersede(*, arrangement, actor, rules, **data):
    return services.arrangement_supersede(arrangement=arrangement, actor=actor, rules=[dict(rule) for rule in rules],
                                          **data)


@extend_schema_view(list=extend_schema(summary="财政体制列表"), retrieve=extend_schema(summary="财政体制"),
                    create=extend_schema(summary="设定财政体制", request=s.ArrangementInput))
class ArrangementViewSet(ServiceViewSet):
    """Fiscal arrangements (财政体制) of the pilot towns: base, term, rules (tiers too); superseded
    ones stay. Set by the office only: ``create`` (supersedes the town's current one from its date)
    and ``supersede`` (a new arrangement from a date, for this one's town)."""

    queryset = FiscalArrangement.objects.all()
    serializer_class = s.ArrangementSerializer
    create_service = _arrangement_create
    actions = [WorkflowAction("supersede", service=_arrangement_supersede, input=s.ArrangementSupersedeInput,
                              object_argument="arrangement", summary="自某日起替代为新的财政体制",
                              output=s.ArrangementSerializer)]

    def get_serializer_class(self):
        if self.action == "create":
            return s.ArrangementInput
        return super().get_serializer_class()

    def get_scoped_queryset(self, user):
        return selectors.arrangement_list(user=user).prefetch_related("rules__categories").order_by("-id")


@extend_schema_view(list=extend_schema(summary="财政收入记录列表"), retrieve=extend_schema(summary="财政收入记录"),
                    create=extend_schema(summary="登记财政收入"))
class RevenueRecordViewSet(ServiceViewSet):
    """Revenue by month, town and category. Written once; a correction is ``reverse``."""

    queryset = RevenueRecord.objects.all()
    serializer_class = s.RevenueRecordSerializer
    create_service = services.revenue_record_create
    actions = [WorkflowAction("reverse", service=services.revenue_record_reverse, input=s.RevenueReverseInput,
                              object_argument="record", summary="冲销财政收入记录")]

    def get_scoped_queryset(self, user):
        return selectors.revenue_record_list(user=user).select_related("reversal").order_by("-id")


def _period(params) -> tuple[datetime.date, datetime.date]:
    today = datetime.date.today()
    start = rules.parse_month(params.get("start") or f"{today.year}-01", field="start")
    end = rules.parse_month(params.get("end") or f"{today:%Y-%m}", field="end")
    if end < start:
        raise ApplicationError("结束月份不能早于开始月份。", code="invalid", extra={"end": ["不能早于开始月份。"]})
    return start, end


@extend_schema_view(list=extend_schema(summary="应返款项列表"), retrieve=extend_schema(summary="应返款项（含计算过程）"))
class EntitlementViewSet(ServiceViewSet):
    """Entitlements (应返) with their calculation trace; computed by the services, never posted here."""

    queryset = Entitlement.objects.all()
    serializer_class = s.EntitlementSerializer

    def get_scoped_queryset(self, user):
        return selectors.entitlement_list(user=user).order_by("-id")

    # Both answer a plain array (no pagination): pagination_class=None makes the schema say so
    # (it documented the paginated envelope, and schemathesis found [] violating it).
    @extend_schema(summary="逾期未拨的应返款项", responses={200: s.OverdueSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def overdue(self, request):
        rows = selectors.entitlement_overdue_list(user=request.user)
        return Response(s.OverdueSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(summary="对账：应返、已拨、未拨、逾期（按镇）", parameters=[
        OpenApiParameter("start", str, description="YYYY-MM"), OpenApiParameter("end", str, description="YYYY-MM")],
        responses={200: s.ReconciliationSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def reconciliation(self, request):
        start, end = _period(request.query_params)
        rows = selectors.reconciliation(user=request.user, start=start, end=end)
        return Response(s.ReconciliationSerializer(rows, many=True).data)


@extend_schema_view(list=extend_schema(summary="调拨列表"), retrieve=extend_schema(summary="调拨"),
                    create=extend_schema(summary="登记调拨"))
class DisbursementViewSet(ServiceViewSet):
    """Transfers (调拨) from the county, each covering one or more entitlements, in part or in full."""

    queryset = Disbursement.objects.all()
    serializer_class = s.DisbursementSerializer
    create_service = _disbursement_create

    def get_scoped_queryset(self, user):
        return selectors.disbursement_list(user=user).prefetch_related("lines").order_by("-id")
