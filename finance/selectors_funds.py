"""Reads of funds and incentives (issue 11 §5, §7), every one scoped by ``regions.scoping``.

A fund's balance is read from its ledger account (``Balance.posted``); what was granted and
spent is summed from its entries in the same query, so a page shows both and they must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from regions import scoping

from .choices import FundEntryKind
from .models import ZERO, Fund, FundEntry, Incentive, IncentivePolicy


def _sum(expr, **filters):
    return Coalesce(Sum(expr, filter=Q(**filters) if filters else None), Value(ZERO),
                    output_field=DecimalField(max_digits=16, decimal_places=2))


def with_totals(queryset: QuerySet) -> QuerySet:
    """Funds with ``granted``, ``spent`` (net of reversals) and ``balance`` (the ledger's)."""
    return queryset.annotate(
        granted=_sum("entries__amount", entries__kind=FundEntryKind.GRANT),
        spent_entries=_sum("entries__amount", entries__kind=FundEntryKind.SPEND),
        balance=F("account__balance__posted"),
    )


def fund_list(*, user) -> QuerySet:
    return scoping.scope(Fund.objects.select_related("town", "department"), user)


def fund_entry_list(*, user) -> QuerySet:
    return scoping.scope(FundEntry.objects.select_related("fund__town", "department", "posting"), user)


def fund_entries(*, fund: Fund) -> list[FundEntry]:
    """A fund's entries in booking order, each with the balance after it (the fund already read
    through the scope)."""
    rows = list(FundEntry.objects.filter(fund=fund).select_related("department", "posting", "created_by", "reversal")
                .order_by("booked_on", "id"))
    running = ZERO
    for row in rows:
        running += row.amount if row.kind == FundEntryKind.GRANT else -row.amount
        row.balance_after = running
    return rows


def fund_incentives(*, fund: Fund) -> list[Incentive]:
    return list(Incentive.objects.filter(fund=fund).order_by("booked_on", "id"))


@dataclass
class TownFunds:
    town: object
    funds: list
    incentives: list
    granted: Decimal
    spent: Decimal
    balance: Decimal


def town_funds(*, town) -> TownFunds:
    """A town's funds with their totals and its incentives (the town already read through the
    scope). Two queries."""
    funds = list(with_totals(Fund.objects.filter(town=town).select_related("department")).order_by("year", "kind", "id"))
    for fund in funds:
        # a 以奖代补 subsidy paid from the fund is spending too
        fund.subsidies = fund.granted - fund.spent_entries - fund.balance
    incentives = list(Incentive.objects.filter(town=town).select_related("policy", "fund").order_by("booked_on", "id"))
    return TownFunds(
        town=town, funds=funds, incentives=incentives,
        granted=sum((f.granted for f in funds), ZERO), spent=sum((f.granted - f.balance for f in funds), ZERO),
        balance=sum((f.balance for f in funds), ZERO),
    )


def town_fund_balances(*, towns) -> dict[int, Decimal]:
    """town id → the total balance of its funds (for the reconciliation across towns)."""
    rows = (Fund.objects.filter(town__in=towns).values("town_id")
            .annotate(b=Sum("account__balance__posted")).order_by().values_list("town_id", "b"))
    return {town_id: b or ZERO for town_id, b in rows}


def incentive_policy_list(*, user) -> QuerySet:
    return scoping.scope(IncentivePolicy.objects.select_related("county"), user)


def incentive_list(*, user) -> QuerySet:
    return scoping.scope(Incentive.objects.select_related("town", "policy", "fund", "posting"), user)
