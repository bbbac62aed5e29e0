"""Reads of finance: the arrangement in force, scoped lists, what a slot has been paid, the
overdue entitlements (for the pages, the API, the notices and the oversight agenda) and the
reconciliation per town (owed, paid, outstanding, overdue).

Every read that depends on the user goes through ``regions.scoping.scope``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, DecimalField, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.ledger.models import Account, Period
from regions import scoping
from regions.models import Division

from . import rules as r
from .choices import DebtKind, EntitlementKind, EntitlementStatus, FindingStatus, Indicator, Severity
from .models import (
    ZERO,
    ChecklistItem,
    DebtEntry,
    Disbursement,
    DisbursementLine,
    Entitlement,
    FiscalArrangement,
    GrowthTarget,
    Inspection,
    InspectionFinding,
    ReclamationRecord,
    RevenueRecord,
    YearFigure,
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


def closed_since(*, town, month: datetime.date) -> datetime.date | None:
    """The first month on or after ``month`` closed on the finance ledger for the town (or its county)."""
    owners = [town.pk] + ([town.parent_id] if town.parent_id else [])
    return (Period.objects.filter(ledger=LEDGER, owner_id__in=owners, month__gte=month)
            .order_by("month").values_list("month", flat=True).first())


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


def tier_rows(tiers: list[dict]) -> list[dict]:
    """A rule's tiers as the pages show them: from, up to (None: no limit), share."""
    rows, lower = [], Decimal("0.00")
    for band in tiers or []:
        upper = Decimal(band["up_to"]) if band.get("up_to") else None
        rows.append({"from": lower, "up_to": upper, "share_percent": Decimal(band["share_percent"])})
        lower = upper if upper is not None else lower
    return rows


# --- targets, debt, quarterly inspection (issue 11 §6, §8; engineer f3) ------------------------------
# Growth is computed from the previous year's figure, in Decimal: growth = (actual − previous) /
# previous × 100, shown rounded down to 0.01 % (so a shown 25.00 % is met against 25 %, a shown
# 24.99 % is not); "met" compares exactly: actual × 100 ≥ previous × (100 + target).

DEFAULT_TARGET_PERCENT = {  # the plan's targets (实施方案：年均增长25%以上 / 20%以上)
    Indicator.FISCAL_REVENUE: Decimal("25.00"),
    Indicator.INDUSTRIAL_OUTPUT: Decimal("25.00"),
    Indicator.INFRASTRUCTURE_INVESTMENT: Decimal("20.00"),
}
SEVERITY_ORDER = {Severity.MINOR: 0, Severity.MAJOR: 1, Severity.SERIOUS: 2}


@dataclass
class Figure:
    amount: Decimal
    source: str  # "entered" | "records" | "base"
    label: str


@dataclass
class IndicatorYear:
    """One indicator of one town in one year: the target, the figures, the growth, met or not.
    ``growth`` and ``met`` are None when the previous year's figure (or this year's) is missing
    or zero; ``note`` then says why."""

    town_id: int
    year: int
    indicator: str
    target_percent: Decimal
    target_set: bool
    actual: Figure | None
    previous: Figure | None
    growth: Decimal | None = None
    required: Decimal | None = None
    met: bool | None = None
    note: str = ""
    provisional: bool = False

    @property
    def label(self) -> str:
        return Indicator(self.indicator).label

    @property
    def gap(self) -> Decimal | None:
        """How far the actual figure lies above (+) or below (−) what the target required."""
        return None if self.required is None or self.actual is None else self.actual.amount - self.required


def _figures(town_ids: list[int], years: set[int]) -> dict[tuple[int, int, str], Figure]:
    """(town, year, indicator) → the figure: an entered current figure first; for fiscal revenue
    then the year's revenue records (one GROUP BY), then the arrangement's base for its base year."""
    out: dict[tuple[int, int, str], Figure] = {}
    for base_year, town_id, amount in (FiscalArrangement.objects.filter(town_id__in=town_ids, base_year__in=years)
                                       .values_list("base_year", "town_id", "base_amount")):
        out[(town_id, base_year, Indicator.FISCAL_REVENUE)] = Figure(amount, "base", gettext("体制基数"))
    for town_id, year, s in (RevenueRecord.objects.filter(town_id__in=town_ids, month__year__in=years)
                             .annotate(year=ExtractYear("month")).values_list("town_id", "year")
                             .annotate(s=Sum("amount")).order_by()):
        out[(town_id, year, Indicator.FISCAL_REVENUE)] = Figure(s, "records", gettext("收入记录合计"))
    for f in YearFigure.objects.filter(town_id__in=town_ids, year__in=years, replaced_by__isnull=True):
        out[(f.town_id, f.year, f.indicator)] = Figure(f.amount, "entered", f.source)
    return out


def growth_of(*, actual: Decimal, previous: Decimal) -> Decimal:
    """(actual − previous) / previous × 100, rounded down to 0.01 %."""
    return ((actual - previous) * 100 / previous).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def targets_for(*, town_ids: Iterable[int], years: Iterable[int], today: datetime.date | None = None
                ) -> dict[tuple[int, int], list[IndicatorYear]]:
    """(town, year) → the three indicators with target, figures, growth and met. Three grouped
    queries and one for the targets, whatever the number of towns and years."""
    town_ids, years = list(town_ids), sorted(set(years))
    today = today or timezone.localdate()
    figures = _figures(town_ids, set(years) | {y - 1 for y in years})
    targets = {(t.town_id, t.year, t.indicator): t.target_percent
               for t in GrowthTarget.objects.filter(town_id__in=town_ids, year__in=years)}
    out: dict[tuple[int, int], list[IndicatorYear]] = {}
    for town_id in town_ids:
        for year in years:
            rows = []
            for indicator in Indicator.values:
                percent = targets.get((town_id, year, indicator))
                row = IndicatorYear(town_id, year, indicator, percent if percent is not None else
                                    DEFAULT_TARGET_PERCENT[indicator], percent is not None,
                                    figures.get((town_id, year, indicator)), figures.get((town_id, year - 1, indicator)),
                                    provisional=year >= today.year)
                _judge(row)
                rows.append(row)
            out[(town_id, year)] = rows
    return out


def _judge(row: IndicatorYear) -> None:
    if row.previous is None:
        row.note = gettext("缺少%(year)s年的数据，无法计算增长。") % {"year": row.year - 1}
        return
    previous = row.previous.amount
    row.required = r.money(previous * (100 + row.target_percent) / 100)
    if row.actual is None:
        row.note = gettext("%(year)s年实际数尚未登记。") % {"year": row.year}
        return
    if previous == 0:
        row.note = gettext("%(year)s年数据为零，无法计算增长率。") % {"year": row.year - 1}
        return
    row.growth = growth_of(actual=row.actual.amount, previous=previous)
    row.met = row.actual.amount * 100 >= previous * (100 + row.target_percent)


def town_targets(*, town, years: Iterable[int], today: datetime.date | None = None) -> dict[int, list[IndicatorYear]]:
    """A town's targets page: year → its three indicators."""
    return {year: rows for (_t, year), rows in targets_for(town_ids=[town.pk], years=years, today=today).items()}


@dataclass
class LenderDebt:
    lender: str
    borrowed: Decimal
    repaid: Decimal
    borrowed_in_year: Decimal
    repaid_in_year: Decimal
    last_on: datetime.date

    @property
    def balance(self) -> Decimal:
        return self.borrowed - self.repaid


def debt_by_lender(*, town_ids: Iterable[int], year: int | None = None) -> dict[int, list[LenderDebt]]:
    """Town → its debt per lender up to the end of ``year`` (every year when None): borrowed,
    repaid, balance, and what moved in the year; reversals net out (their amounts are negative).
    One grouped query."""
    qs = DebtEntry.objects.filter(town_id__in=list(town_ids))
    if year is not None:
        qs = qs.filter(occurred_on__year__lte=year)
    in_year = Q(occurred_on__year=year) if year is not None else Q()
    rows = (qs.values("town_id", "lender").annotate(
        borrowed=_money(Sum("amount", filter=Q(kind=DebtKind.BORROWING))),
        repaid=_money(Sum("amount", filter=Q(kind=DebtKind.REPAYMENT))),
        borrowed_in_year=_money(Sum("amount", filter=Q(kind=DebtKind.BORROWING) & in_year)),
        repaid_in_year=_money(Sum("amount", filter=Q(kind=DebtKind.REPAYMENT) & in_year)),
        last_on=Max("occurred_on")).order_by("town_id", "lender"))
    out: dict[int, list[LenderDebt]] = {}
    for row in rows:
        out.setdefault(row.pop("town_id"), []).append(LenderDebt(**row))
    return out


def debt_entry_list(*, user) -> QuerySet:
    return scoping.scope(DebtEntry.objects.select_related("town", "reversal"), user)


def new_debt_list(*, town_ids: Iterable[int], year: int) -> QuerySet:
    """The borrowings of ``year`` (new debt, 严控新增债务) not reversed."""
    return (DebtEntry.objects.filter(town_id__in=list(town_ids), kind=DebtKind.BORROWING, reverses__isnull=True,
                                     reversal__isnull=True, occurred_on__year=year).select_related("town")
            .order_by("occurred_on", "id"))


def growth_target_list(*, user) -> QuerySet:
    return scoping.scope(GrowthTarget.objects.select_related("town"), user)


def year_figure_list(*, user) -> QuerySet:
    return scoping.scope(YearFigure.objects.select_related("town", "replaced_by"), user)


def target_towns(*, user) -> QuerySet:
    """The towns in scope with an arrangement, a target, a figure or a debt entry."""
    return scoping.towns_visible(user).filter(
        Q(pk__in=FiscalArrangement.objects.values("town_id")) | Q(pk__in=GrowthTarget.objects.values("town_id"))
        | Q(pk__in=DebtEntry.objects.values("town_id"))).order_by("code")


@dataclass
class OverviewRow:
    town_id: int
    town: str
    indicators: list[IndicatorYear]
    debt_balance: Decimal
    new_debt: Decimal
    new_debt_count: int

    @property
    def met(self) -> int:
        return sum(1 for i in self.indicators if i.met)

    @property
    def not_met(self) -> int:
        return sum(1 for i in self.indicators if i.met is False)


def targets_overview(*, user, year: int, today: datetime.date | None = None) -> list[OverviewRow]:
    """The county overview across the towns in scope for ``year``: each indicator met or not,
    the debt balance at the year's end and the year's new borrowing."""
    towns = list(target_towns(user=user).values_list("id", "name"))
    ids = [t for t, _n in towns]
    targets = targets_for(town_ids=ids, years=[year], today=today)
    debt = debt_by_lender(town_ids=ids, year=year)
    counts = dict(new_debt_list(town_ids=ids, year=year).values_list("town_id").annotate(n=Count("id")).order_by())
    rows = []
    for town_id, name in towns:
        lenders = debt.get(town_id, [])
        borrowed = [d.borrowed_in_year for d in lenders if d.borrowed_in_year]
        rows.append(OverviewRow(town_id, name, targets[(town_id, year)], sum((d.balance for d in lenders), ZERO),
                                sum(borrowed, ZERO), counts.get(town_id, 0)))
    return rows


def checklist_item_list(*, user) -> QuerySet:
    return scoping.scope(ChecklistItem.objects.select_related("county"), user)


def inspection_list(*, user) -> QuerySet:
    return scoping.scope(Inspection.objects.select_related("town"), user).annotate(
        open_findings=Count("findings", filter=Q(findings__status=FindingStatus.OPEN), distinct=True),
        failed=Count("results", filter=Q(results__result="fail"), distinct=True))


def inspection_finding_list(*, user) -> QuerySet:
    return scoping.scope(InspectionFinding.objects.select_related("inspection__town", "item"), user)


@dataclass(frozen=True)
class OpenFinding:
    """An open finding of a quarterly inspection, as the oversight app reads it."""

    finding_id: int
    town_id: int
    town: str
    year: int
    quarter: int
    inspected_on: datetime.date
    severity: str
    text: str
    item: str
    url: str


def inspection_findings_open(*, town_ids: Iterable[int] | None = None, severity_at_least: str | None = None,
                             since: datetime.date | None = None, user=None) -> list[OpenFinding]:
    """The findings of the quarterly inspections not yet rectified (oversight reads these for
    its rectification tracking; it imports finance, never the reverse). ``town_ids`` limits the
    towns, ``severity_at_least`` the gravity (一般 < 较重 < 严重), ``since`` the inspection date;
    ``user`` scopes to a jurisdiction (None: every town). One query; oldest inspection first."""
    qs = InspectionFinding.objects.filter(status=FindingStatus.OPEN)
    if user is not None:
        qs = scoping.scope(qs, user)
    if town_ids is not None:
        qs = qs.filter(inspection__town_id__in=list(town_ids))
    if severity_at_least is not None:
        floor = SEVERITY_ORDER[Severity(severity_at_least)]
        qs = qs.filter(severity__in=[s for s, rank in SEVERITY_ORDER.items() if rank >= floor])
    if since is not None:
        qs = qs.filter(inspection__inspected_on__gte=since)
    rows = qs.select_related("inspection__town", "item").order_by("inspection__inspected_on", "id")
    return [OpenFinding(f.pk, f.inspection.town_id, f.inspection.town.name, f.inspection.year, f.inspection.quarter,
                        f.inspection.inspected_on, f.severity, f.text, f.item.text if f.item else "",
                        reverse("finance:inspection-detail", args=[f.inspection_id])) for f in rows]

# --- end of targets, debt, quarterly inspection (f3) -------------------------------------------------


def home_figures(*, user, today: datetime.date | None = None) -> dict:
    """The home card's figures, in the user's scope, one query each: overdue entitlements (the
    rows of the entitlement list's ``?overdue=1``), the sum outstanding on active entitlements
    (the rows of the entitlement list), the arrangements not superseded."""
    today = today or timezone.localdate()
    active = with_paid(entitlement_list(user=user).filter(status=EntitlementStatus.ACTIVE, amount__gt=0))
    return {
        "overdue": entitlement_overdue_list(user=user, today=today).count(),
        "outstanding": active.aggregate(s=Sum("outstanding"))["s"] or ZERO,
        "arrangements": arrangement_list(user=user).filter(superseded_by__isnull=True).count(),
    }


def town_years(*, town) -> list[dict]:
    """A town's record year by year: revenue, owed (active monthly entitlements and settlements,
    which may be negative: owed back), paid, outstanding. Three grouped queries."""
    from django.db.models.functions import ExtractYear

    revenue = dict(RevenueRecord.objects.filter(town=town).annotate(y=ExtractYear("month")).values_list("y")
                   .annotate(s=Sum("amount")).order_by())
    owed = dict(Entitlement.objects.filter(town=town, status=EntitlementStatus.ACTIVE).annotate(
        y=ExtractYear("month")).values_list("y").annotate(s=Sum("amount")).order_by())
    paid = dict(DisbursementLine.objects.filter(entitlement__town=town).annotate(
        y=ExtractYear("entitlement__month")).values_list("y").annotate(s=Sum("amount")).order_by())
    out = []
    for year in sorted(set(revenue) | set(owed) | set(paid)):
        o, p = owed.get(year) or ZERO, paid.get(year) or ZERO
        out.append({"year": year, "revenue": revenue.get(year) or ZERO, "owed": o, "paid": p,
                    "outstanding": max(ZERO, o - p)})
    return out
