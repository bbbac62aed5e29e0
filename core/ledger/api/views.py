"""The ledger API, mounted at /api/v1/ledger/: accounts in scope, their statements, the trial
balance, the chain verification, and the office's closing of a month. Postings are written by
the apps' services, not here."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import error_response
from core.errors import ApplicationError

from .. import chain, scoping, selectors, services
from ..models import Account
from ..periods import statement_period
from . import serializers as s

PERIOD_PARAMS = [
    OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM；或用 start/end"),
    OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE),
]


def scoped_accounts(user, ledger: str | None = None):
    accounts = scoping.scope(Account.objects.select_related("balance"), user)
    return accounts.filter(ledger=ledger) if ledger else accounts


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Ledger accounts within the caller's jurisdiction (404 outside it), with their balances."""

    serializer_class = s.AccountSerializer
    queryset = Account.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self):
        return scoped_accounts(self.request.user, self.request.query_params.get("ledger"))

    @extend_schema(parameters=PERIOD_PARAMS, responses=s.StatementSerializer)
    @action(detail=True, methods=["get"])
    def statement(self, request, pk=None):
        """Opening balance, the period's posted entries with a running balance, closing balance."""
        account = self.get_object()
        start, end = statement_period(request.query_params)
        return Response(s.StatementSerializer(selectors.account_statement(account=account, start=start, end=end)).data)


class TrialBalanceView(APIView):
    """The sum of every leg of a ledger is zero; the rows are the accounts in the caller's scope."""

    @extend_schema(
        parameters=[OpenApiParameter("ledger", OpenApiTypes.STR, required=True), OpenApiParameter("on", OpenApiTypes.DATE)],
        responses={200: OpenApiResponse(description="各账户余额与全台账合计（应为零）")},
    )
    def get(self, request):
        ledger = request.query_params.get("ledger")
        if not ledger:
            raise ApplicationError("请指定台账（ledger）。", code="invalid", extra={"ledger": ["必填。"]})
        on = request.query_params.get("on")
        try:
            on = datetime.date.fromisoformat(on) if on else None
        except ValueError:
            raise ApplicationError("日期无效，应为 YYYY-MM-DD。", code="invalid", extra={"on": ["应为 YYYY-MM-DD。"]}) from None
        tb = selectors.trial_balance(ledger=ledger, on=on, accounts=scoped_accounts(request.user))
        return Response({"ledger": ledger, "on": on, "balanced": tb.balanced, "total_posted": tb.total_posted,
                         "total_pending": tb.total_pending, "rows": tb.rows})


class PeriodCloseSerializer(serializers.Serializer):
    ledger = serializers.CharField()
    owner = serializers.IntegerField(help_text="所属区划 id")
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class PeriodCloseView(APIView):
    """The office closes a month of a division's accounts in one ledger (结账): from then on the
    month refuses postings. 404 when the division has no such accounts in the caller's scope,
    403 when the caller may see them but not close them."""

    @extend_schema(request=PeriodCloseSerializer,
                   responses={201: OpenApiResponse(description="已结账"), 404: error_response("404")})
    def post(self, request):
        data = PeriodCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ledger, owner = data.validated_data["ledger"], data.validated_data["owner"]
        accounts = Account.objects.filter(ledger=ledger, owner_id=owner)
        if not scoping.scope(accounts, request.user).exists():
            raise Http404
        if not scoping.scope(accounts, request.user, "change").exists():
            raise PermissionDenied("只有领导小组办公室可以结账。")
        month = datetime.date.fromisoformat(data.validated_data["month"] + "-01")
        period = services.period_close(ledger=ledger, owner=owner, month=month, actor=request.user)
        return Response({"ledger": period.ledger, "owner": period.owner_id, "month": period.month.isoformat()[:7],
                         "closed_at": period.closed_at, "closed_by": request.user.get_username()}, status=201)


class VerifyView(APIView):
    """Recompute the hash chains of the accounts in the caller's scope (one ledger, or one account)
    and report the first entry that does not verify."""

    @extend_schema(
        parameters=[OpenApiParameter("ledger", OpenApiTypes.STR), OpenApiParameter("account", OpenApiTypes.INT)],
        responses={200: OpenApiResponse(description="ok、校验的账户数与分录数、首个未通过的分录")},
    )
    def get(self, request):
        accounts = scoped_accounts(request.user, request.query_params.get("ledger"))
        account = request.query_params.get("account")
        if account:
            if not account.isdigit():
                raise ApplicationError("账户编号应为整数。", code="invalid", extra={"account": ["应为整数。"]})
            accounts = accounts.filter(pk=int(account))
        return Response(chain.verify(accounts=accounts).as_dict())
