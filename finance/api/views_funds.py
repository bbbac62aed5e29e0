"""Endpoints of funds and incentives (issue 11 §5, §7), on core.api's ServiceViewSet, scoped by
finance.selectors_funds: the funds with what was granted, spent and the ledger's balance, a fund's
entries with the balance after each, the incentive policies (a town's clerk reads its county's),
the incentives. Writes are the pages' own, through one service of finance.services.funds each
and only for the office (403 for the clerk, 404 outside the jurisdiction):

- ``POST funds/`` sets up a fund; ``funds/{id}/grant/`` and ``funds/{id}/spend/`` post money into
  and out of it (a spend beyond the balance: 400 ``fund_insufficient`` with ``balance``,
  ``requested`` and ``shortfall``, nothing written); ``fund-entries/{id}/reverse/`` reverses one;
- ``POST incentive-policies/``; ``POST incentives/`` grants one (below the threshold: 400
  ``below_threshold``); ``incentives/{id}/reverse/``.

Postings happen only inside those services; nothing is edited or deleted (PUT/PATCH/DELETE: 405)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet

from .. import selectors_funds as sel
from ..models import Fund, FundEntry, Incentive, IncentivePolicy
from ..services import funds as sf
from . import serializers_funds as s


class _InputOnCreate:
    """``create`` validates ``create_input``; every answer is the detail serializer."""

    create_input: type

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_input
        return super().get_serializer_class()


@extend_schema_view(list=extend_schema(summary="资金列表（拨入、已用、余额）"), retrieve=extend_schema(summary="资金"),
                    create=extend_schema(summary="设立资金", request=s.FundInput, responses={201: s.FundSerializer}))
class FundViewSet(_InputOnCreate, ServiceViewSet):
    queryset = Fund.objects.all()
    serializer_class = s.FundSerializer
    create_input = s.FundInput
    create_service = sf.fund_create
    service_object = "fund"
    actions = [
        WorkflowAction("grant", service=sf.fund_grant, input=s.FundGrantInput, summary="资金拨入（答复拨入后的资金）"),
        WorkflowAction("spend", service=sf.fund_spend, input=s.FundSpendInput,
                       summary="资金支出（超出余额即拒绝，答复余额、本次金额与超出数）"),
    ]

    def get_scoped_queryset(self, user):
        return sel.with_totals(sel.fund_list(user=user)).order_by("-id")

    @extend_schema(summary="资金收支明细（含每笔后余额）", responses={200: s.FundEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def entries(self, request, pk=None):
        fund = self.get_object()  # 404 out of scope, and for an id that is no number
        return Response(s.FundEntrySerializer(sel.fund_entries(fund=fund), many=True).data)


@extend_schema_view(list=extend_schema(summary="资金收支列表"), retrieve=extend_schema(summary="资金收支"))
class FundEntryViewSet(ServiceViewSet):
    """A fund's grants and spends one by one; a wrong one is ``reverse``d (红字冲销)."""

    queryset = FundEntry.objects.all()
    serializer_class = s.FundEntryRowSerializer
    actions = [WorkflowAction("reverse", service=sf.fund_entry_reverse, input=s.ReverseInput,
                              object_argument="entry", summary="冲销资金收支（已用的拨入不能冲销）")]

    def get_scoped_queryset(self, user):
        return sel.fund_entry_list(user=user).select_related("reversal").order_by("-id")


@extend_schema_view(list=extend_schema(summary="激励政策列表"), retrieve=extend_schema(summary="激励政策"),
                    create=extend_schema(summary="制定激励政策", request=s.IncentivePolicyInput,
                                         responses={201: s.IncentivePolicySerializer}))
class IncentivePolicyViewSet(_InputOnCreate, ServiceViewSet):
    queryset = IncentivePolicy.objects.all()
    serializer_class = s.IncentivePolicySerializer
    create_input = s.IncentivePolicyInput
    create_service = sf.incentive_policy_create

    def get_scoped_queryset(self, user):
        return sel.incentive_policy_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="激励兑现列表"), retrieve=extend_schema(summary="激励兑现"),
                    create=extend_schema(summary="登记激励兑现（低于投资额门槛即拒绝）", request=s.IncentiveInput,
                                         responses={201: s.IncentiveSerializer}))
class IncentiveViewSet(_InputOnCreate, ServiceViewSet):
    queryset = Incentive.objects.all()
    serializer_class = s.IncentiveSerializer
    create_input = s.IncentiveInput
    create_service = sf.incentive_grant
    actions = [WorkflowAction("reverse", service=sf.incentive_reverse, input=s.ReverseInput,
                              object_argument="incentive", summary="冲销激励兑现")]

    def get_scoped_queryset(self, user):
        return sel.incentive_list(user=user).select_related("reversal").order_by("-id")
