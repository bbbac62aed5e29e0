"""Reads of finance: the arrangement in force, scoped lists, what a slot has been paid, the
overdue entitlements (for the pages, the API, the notices and the oversight agenda) and the
reconciliation per town (owed, paid, outstanding, overdue).

Every read that depends on the user goes through ``regions.scoping.scope``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.ledger.models import Account, Period
from regions import scoping
from regions.models import Division

from .choices import EntitlementKind, EntitlementStatus
from .models import (
    ZERO,
    Disbursement,
    DisbursementLine,
    Entitlement,
    FiscalArrangement,
    ReclamationRecord,
    RevenueRecord,
)

LEDGER = "finance"


def arrangement_in_force(*, town, month: datetime.date) -> FiscalArrangement | None:
    """The arrangement of ``town`` in force in ``month``: the latest that took effect on or
    before it and was not superseded by then."""
    return (
        FiscalArrangement.objects.filter(town=town, effective_from__lte=month)
        .filter(Q(superseded_by__isnull=True) | Q(superseded_by__effective_from__gt=month))
        .order_by("-effective_from").first()
    )


def month_closed(*, town, month: datetime.date) -> bool:
    """Is the month closed on the finance ledger for this town (or for its county)?"""
    owners = [town.pk] + ([town.parent_id] if town.parent_id else [])
    return Period.objects.filter(ledger=LEDGER, owner_id__in=owners, month=month).exists()


def arrangement_list(*, user) -> QuerySet:
    return scoping.scope(FiscalArrangement.objects.select_related("town", "superseded_by"), user)


def revenue_record_list(*, user) -> QuerySet:
    return scoping.scope(RevenueRecord.objects.select_related("town", "category"), user)


def reclamation_record_list(*, user) -> QuerySet:
    return scoping.scope(ReclamationRecord.objects.select_related("town"), user)


def entitlement_list(*, user) -> QuerySet:
    return scoping.scope(Entitlement.objects.select_related("town", "rule", "arrangement"), user)


def disbursement_list(*, user) -> QuerySet:
    return scoping.scope(Disbursement.objects.select_related("town"), user)


def _money(expr):
    return Coalesce(expr, Value(ZERO), output_field=DecimalField(max_digits=16, decimal_places=2))


def with_paid(queryset: QuerySet) -> QuerySet:
    """Annotate ``paid`` and ``outstanding``: what disbursements paid on the entitlement's slot
    (town, kind, month, rule) — a recomputed entitlement keeps what was paid on the one it replaced."""
    paid = (
        DisbursementLine.objects.filter(
            entitlement__town=OuterRef("town"), entitlement__kind=OuterRef("kind"),
            entitlement__month=OuterRef("month"), entitlement__rule=OuterRef("rule"),
        ).values("entitlement__town").annotate(s=Sum("amount")).values("s")
    )
    return queryset.annotate(paid=_money(Subquery(paid))).annotate(outstanding=F("amount") - F("paid"))


def paid_on_slot(entitlement: Entitlement) -> Decimal:
    return DisbursementLine.objects.filter(
        entitlement__town_id=entitlement.town_id, entitlement__kind=entitlement.kind,
        entitlement__month=entitlement.month, entitlement__rule_id=entitlement.rule_id,
    ).aggregate(s=Sum("amount"))["s"] or ZERO


def entitlement_overdue_list(*, user=None, today: datetime.date | None = None) -> QuerySet:
    """Active entitlements owed (amount > 0) not fully disbursed by their due date (DOMAIN.md §3:
    monthly in principle, never later than one quarter). ``user=None``: every town (the daily
    notices, the oversight agenda); else scoped."""
    today = today or timezone.localdate()
    qs = Entitlement.objects.filter(status=EntitlementStatus.ACTIVE, amount__gt=0, due_on__lt=today)
    if user is not None:
        qs = scoping.scope(qs, user)
    return with_paid(qs.select_related("town", "rule")).filter(outstanding__gt=0).order_by("due_on", "town_id")


def overdue_for_agenda(*, today: datetime.date | None = None) -> list[dict]:
    """What oversight's dispatch meeting lists (it reads this selector, never finance's models):
    per town, the number of overdue entitlements, the sum outstanding and the oldest due date."""
    rows = {}
    for e in entitlement_overdue_list(today=today):
        row = rows.setdefault(e.town_id, {"town": e.town, "count": 0, "outstanding": ZERO, "oldest_due": e.due_on})
        row["count"] += 1
        row["outstanding"] += e.outstanding
        row["oldest_due"] = min(row["oldest_due"], e.due_on)
    return list(rows.values())


@dataclass
class Reconciliation:
    town_id: int
    town: str
    owed: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal


def reconciliation(*, user, start: datetime.date, end: datetime.date,
                   today: datetime.date | None = None) -> list[Reconciliation]:
    """Per town in scope, for entitlements whose month lies in [start, end]: owed, paid,
    outstanding, and the part of it overdue (对账). Three grouped queries, whatever the towns."""
    today = today or timezone.localdate()
    active = entitlement_list(user=user).filter(status=EntitlementStatus.ACTIVE, month__gte=start, month__lte=end)
    owed = {r["town_id"]: (r["town__name"], r["s"]) for r in
            active.values("town_id", "town__name").annotate(s=Sum("amount")).order_by()}
    paid = dict(
        scoping.scope(DisbursementLine.objects.all(), user)
        .filter(entitlement__month__gte=start, entitlement__month__lte=end)
        .values_list("entitlement__town_id").annotate(s=Sum("amount")).order_by()
    )
    overdue = {}
    for e in with_paid(active.filter(amount__gt=0, due_on__lt=today)).filter(outstanding__gt=0).values(
            "town_id", "outstanding"):
        overdue[e["town_id"]] = overdue.get(e["town_id"], ZERO) + e["outstanding"]
    rows = []
    for town_id, (name, s) in sorted(owed.items(), key=lambda kv: kv[1][0]):
        p = paid.get(town_id) or ZERO
        rows.append(Reconciliation(town_id, name, s or ZERO, p, (s or ZERO) - p, overdue.get(town_id, ZERO)))
    return rows


@dataclass
class MonthRow:
    month: datetime.date
    revenue: Decimal = ZERO
    owed: Decimal = ZERO
    paid: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.paid


def town_finance(*, town, year: int, today: datetime.date | None = None) -> dict:
    """A town's finance page for one year (the town already read through the scope): its
    arrangements (the superseded ones too), the one in force, whether the year lies in its
    term, and per month the revenue, what is owed, paid, outstanding and overdue; the year's
    settlement. Five grouped queries, whatever the number of records."""
    today = today or timezone.localdate()
    months = {m: MonthRow(datetime.date(year, m, 1)) for m in range(1, 13)}
    for month, s in (RevenueRecord.objects.filter(town=town, month__year=year).values_list("month")
                     .annotate(s=Sum("amount")).order_by()):
        months[month.month].revenue = s
    active = Entitlement.objects.filter(town=town, month__year=year, status=EntitlementStatus.ACTIVE,
                                        kind=EntitlementKind.MONTHLY)
    for month, s in active.values_list("month").annotate(s=Sum("amount")).order_by():
        months[month.month].owed = s
    for month, s in (DisbursementLine.objects.filter(entitlement__town=town, entitlement__month__year=year,
                                                     entitlement__kind=EntitlementKind.MONTHLY)
                     .values_list("entitlement__month").annotate(s=Sum("amount")).order_by()):
        months[month.month].paid = s
    for e in with_paid(active.filter(amount__gt=0, due_on__lt=today)).filter(outstanding__gt=0).values(
            "month", "outstanding"):
        months[e["month"].month].overdue += e["outstanding"]
    arrangements = list(FiscalArrangement.objects.filter(town=town).select_related("superseded_by")
                        .prefetch_related("rules__categories").order_by("-effective_from"))
    in_force = arrangement_in_force(town=town, month=datetime.date(year, 12, 1))
    settlement = (Entitlement.objects.filter(town=town, kind=EntitlementKind.SETTLEMENT, month__year=year,
                                             status=EntitlementStatus.ACTIVE).select_related("rule").first())
    rows = list(months.values())
    accounts = list(Account.objects.filter(ledger=LEDGER, owner=town).order_by("code"))
    return {
        "accounts": accounts,
        "arrangements": arrangements, "in_force": in_force,
        "in_term": bool(in_force and in_force.in_term(year)), "months": rows, "settlement": settlement,
        "totals": MonthRow(datetime.date(year, 1, 1), sum((r.revenue for r in rows), ZERO),
                           sum((r.owed for r in rows), ZERO), sum((r.paid for r in rows), ZERO),
                           sum((r.overdue for r in rows), ZERO)),
    }


def town_list(*, user) -> QuerySet:
    """The towns in scope that have a fiscal arrangement (the finance pages' index)."""
    return scoping.scope(Division.objects.filter(fiscal_arrangements__isnull=False).distinct(), user).order_by("code")
