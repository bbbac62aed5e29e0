"""The ledger API, mounted at /api/v1/ledger/: accounts in scope, their statements, the trial
balance and the chain verification. Read only; postings are written by the apps' services."""

from __future__ import annotations

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError

from .. import chain, scoping, selectors
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
