"""Read endpoints of funds and incentives (issue 11 §5, §7), scoped by finance.selectors_funds:
the funds with what was granted, spent and the ledger's balance, a fund's entries with the
balance after each, the incentive policies (a town's clerk reads its county's), the incentives.
Nothing is written here (the services are the pages'); nothing is deleted (DELETE: 405)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet

from .. import selectors_funds as sel
from ..models import Fund, Incentive, IncentivePolicy
from . import serializers_funds as s


@extend_schema_view(list=extend_schema(summary="资金列表（拨入、已用、余额）"), retrieve=extend_schema(summary="资金"))
class FundViewSet(ServiceViewSet):
    queryset = Fund.objects.all()
    serializer_class = s.FundSerializer

    def get_scoped_queryset(self, user):
        return sel.with_totals(sel.fund_list(user=user)).order_by("-id")

    @extend_schema(summary="资金收支明细（含每笔后余额）", responses={200: s.FundEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def entries(self, request, pk=None):
        fund = self.get_object()  # 404 out of scope, and for an id that is no number
        return Response(s.FundEntrySerializer(sel.fund_entries(fund=fund), many=True).data)


@extend_schema_view(list=extend_schema(summary="激励政策列表"), retrieve=extend_schema(summary="激励政策"))
class IncentivePolicyViewSet(ServiceViewSet):
    queryset = IncentivePolicy.objects.all()
    serializer_class = s.IncentivePolicySerializer

    def get_scoped_queryset(self, user):
        return sel.incentive_policy_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="激励兑现列表"), retrieve=extend_schema(summary="激励兑现"))
class IncentiveViewSet(ServiceViewSet):
    queryset = Incentive.objects.all()
    serializer_class = s.IncentiveSerializer

    def get_scoped_queryset(self, user):
        return sel.incentive_list(user=user).order_by("-id")
