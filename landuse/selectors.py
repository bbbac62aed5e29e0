"""Reads of landuse, scoped by regions.scoping: quota accounts and their figures (received,
given, gained, reserved, used, available), a town's quota by year, a county's allocation across
its towns, projects, the priority list, and the oversight agenda's selectors (reservations
about to expire, exhausted quota).

The ledger is the truth of every figure: ``available`` is the balance minus what reservations
hold, read from the account's balance row; the other columns say where it came from (the
allocation and gain rows, the posted draws) and add up to the balance.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from core.ledger.models import Balance, Entry, Phase
from regions import scoping
from regions.choices import Level
from regions.models import Division
from regions.selectors import is_pilot_town

from .choices import LEDGER, GainKind, Pool, ProjectStatus
from .models import ZERO_MU, Allocation, ClosedYear, Project, QuotaAccount, QuotaGain

DRAW_KINDS = ("reserve", "draw")


@dataclass
class Figures:
    """One account's figures (亩); ``posted`` = received + gained − given − used, and
    ``available`` = posted − reserved, which never goes below zero."""

    received: Decimal = ZERO_MU
    given: Decimal = ZERO_MU
    gained: Decimal = ZERO_MU
    used: Decimal = ZERO_MU
    reserved: Decimal = ZERO_MU
    posted: Decimal = ZERO_MU
    gains_by_kind: dict = field(default_factory=dict)

    @property
    def available(self) -> Decimal:
        return self.posted - self.reserved

    def __add__(self, other: Figures) -> Figures:
        kinds = dict(self.gains_by_kind)
        for k, v in other.gains_by_kind.items():
            kinds[k] = kinds.get(k, ZERO_MU) + v
        return Figures(self.received + other.received, self.given + other.given, self.gained + other.gained,
                       self.used + other.used, self.reserved + other.reserved, self.posted + other.posted, kinds)


def account_figures(accounts) -> dict[int, Figures]:
    """Figures of each QuotaAccount (by its id), in five queries whatever the number of accounts."""
    accounts = list(accounts)
    by_ledger = {qa.account_id: qa.pk for qa in accounts}
    out = {qa.pk: Figures() for qa in accounts}
    if not accounts:
        return out
    ids = [qa.pk for qa in accounts]
    live = Q(reversal_posting__isnull=True)
    for row in Allocation.objects.filter(live, target_id__in=ids).values("target_id").annotate(s=Sum("amount_mu")):
        out[row["target_id"]].received = row["s"]
    for row in Allocation.objects.filter(live, source_id__in=ids).values("source_id").annotate(s=Sum("amount_mu")):
        out[row["source_id"]].given = row["s"]
    # Gains go into the town's general pool of the year.
    general = {(qa.division_id, qa.year): qa.pk for qa in accounts if qa.pool == Pool.GENERAL}
    if general:
        gains = (QuotaGain.objects.filter(town_id__in={d for d, _ in general}, year__in={y for _, y in general})
                 .values("town_id", "year", "kind").annotate(s=Sum("amount_mu")))
        for row in gains:
            pk = general.get((row["town_id"], row["year"]))
            if pk is not None:
                out[pk].gained += row["s"]
                out[pk].gains_by_kind[row["kind"]] = row["s"]
    used = (Entry.objects.filter(account_id__in=by_ledger, phase=Phase.POSTED, posting__kind__in=DRAW_KINDS)
            .values("account_id").annotate(s=Sum("amount")))
    for row in used:
        out[by_ledger[row["account_id"]]].used = -row["s"]
    for account_id, posted, reserved in Balance.objects.filter(account_id__in=by_ledger).values_list(
            "account_id", "posted", "pending_debits"):
        figures = out[by_ledger[account_id]]
        figures.posted, figures.reserved = posted, reserved
    return out


def quota_account_list(*, user) -> QuerySet:
    return scoping.scope(QuotaAccount.objects.select_related("division", "account__balance"), user)


def allocation_list(*, user) -> QuerySet:
    """Movements the user may see: by the receiving division, or the giving one."""
    qs = Allocation.objects.select_related("source__division", "target__division")
    visible = scoping.divisions_visible(user)
    if getattr(user, "is_superuser", False) and user.is_active:
        return qs
    return qs.filter(Q(target__division__in=visible) | Q(source__division__in=visible))


def gain_list(*, user) -> QuerySet:
    return scoping.scope(QuotaGain.objects.select_related("town"), user)


def project_list(*, user) -> QuerySet:
    return scoping.scope(Project.objects.select_related("town"), user)


def year_closed(division: Division, year: int) -> ClosedYear | None:
    """The closure of ``year`` for ``division`` or a division above it, if any."""
    codes = [c for c in division.path.strip("/").split("/") if c]
    return ClosedYear.objects.filter(year=year, division__code__in=codes).select_related("division").first()


def current_year() -> int:
    return timezone.localdate().year


# --- a town's quota, a county's allocation ------------------------------------------------------

@dataclass
class YearRow:
    year: int
    figures: Figures
    pools: dict  # pool → Figures
    closed: ClosedYear | None = None


def division_quota(*, division: Division) -> list[YearRow]:
    """A division's quota by year, newest first: totals and per pool (the town's quota page)."""
    accounts = list(QuotaAccount.objects.filter(division=division).order_by("-year", "pool"))
    figures = account_figures(accounts)
    closed = {c.year: c for c in ClosedYear.objects.filter(
        division__code__in=[c for c in division.path.strip("/").split("/") if c])}
    rows: dict[int, YearRow] = {}
    for qa in accounts:
        row = rows.setdefault(qa.year, YearRow(qa.year, Figures(), {}, closed.get(qa.year)))
        row.pools[qa.pool] = figures[qa.pk]
        row.figures = row.figures + figures[qa.pk]
    # Quota moved between two pools of the same division is neither received nor given by it.
    for r in _internal(division_ids=[division.pk]):
        if r["year"] in rows:
            rows[r["year"]].figures.received -= r["s"]
            rows[r["year"]].figures.given -= r["s"]
    return [rows[y] for y in sorted(rows, reverse=True)]


def _internal(*, division_ids, year: int | None = None):
    """Quota moved between two pools of one division (set aside): neither received nor given by
    the division as a whole, so its totals leave it out."""
    qs = Allocation.objects.filter(reversal_posting__isnull=True, source__division_id__in=division_ids,
                                   target__division=models.F("source__division"))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.values("source__division_id", "year").annotate(s=Sum("amount_mu"))


@dataclass
class TownRow:
    town: Division
    figures: Figures
    pilot: bool = False
    projects_under_review: int = 0
    flagged: int = 0


def towns_figures(*, towns: list[Division], year: int) -> dict[int, Figures]:
    """Each town's figures of the year over its pools, quota moved between its own pools (the
    招拍挂 set-aside) neither received nor given, as on the county's screen (county_allocation)."""
    accounts = list(QuotaAccount.objects.filter(division__in=towns, year=year))
    figures = account_figures(accounts)
    totals: dict[int, Figures] = {t.pk: Figures() for t in towns}
    for qa in accounts:
        totals[qa.division_id] = totals[qa.division_id] + figures[qa.pk]
    for row in _internal(division_ids=[t.pk for t in towns], year=year):
        f = totals[row["source__division_id"]]
        f.received -= row["s"]
        f.given -= row["s"]
    return totals


def county_allocation(*, county: Division, year: int) -> dict:
    """The county's quota of the year and each of its towns' (the allocation screen)."""
    towns = list(Division.objects.filter(parent=county, level=Level.TOWN).order_by("code"))
    pilots = set(Division.objects.filter(parent=county, level=Level.TOWN).annotate(p=is_pilot_town())
                 .filter(p=True).values_list("pk", flat=True))
    accounts = list(QuotaAccount.objects.filter(division__in=[county, *towns], year=year))
    figures = account_figures(accounts)
    per_division: dict[int, Figures] = defaultdict(Figures)
    county_pools: dict[str, Figures] = {}
    for qa in accounts:
        per_division[qa.division_id] = per_division[qa.division_id] + figures[qa.pk]
        if qa.division_id == county.pk:
            county_pools[qa.pool] = figures[qa.pk]
    for row in _internal(division_ids=[county.pk, *[t.pk for t in towns]], year=year):
        f = per_division[row["source__division_id"]]
        f.received -= row["s"]
        f.given -= row["s"]
    counts = defaultdict(int)
    flagged = defaultdict(int)
    for town_id, status, flag in Project.objects.filter(town__in=towns, year=year).values_list(
            "town_id", "status", "flagged"):
        if status == ProjectStatus.UNDER_REVIEW:
            counts[town_id] += 1
        if flag and status not in (ProjectStatus.REJECTED, ProjectStatus.WITHDRAWN):
            flagged[town_id] += 1
    rows = [TownRow(t, per_division[t.pk], t.pk in pilots, counts[t.pk], flagged[t.pk]) for t in towns]
    total = Figures()
    for r in rows:
        total = total + r.figures
    return {"county": county, "year": year, "county_figures": per_division[county.pk], "county_pools": county_pools,
            "rows": rows, "towns_total": total, "closed": year_closed(county, year)}


# --- projects ----------------------------------------------------------------------------------

def priority_list(*, user, year: int | None = None) -> QuerySet:
    """Projects waiting for quota or under review, qualifying ones first, then by date: the order
    the county gives quota in (DOMAIN.md §5: projects that qualify get quota first)."""
    qs = project_list(user=user).filter(status__in=(ProjectStatus.DRAFT, ProjectStatus.UNDER_REVIEW,
                                                    ProjectStatus.LAPSED))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-qualifying", "applied_on", "created_at", "id")


def qualifying_waiting(*, town, year: int, pool: str, exclude_pk: int | None = None) -> tuple[int, Decimal]:
    """How many qualifying projects of the town's year and pool wait for quota (not yet reserved),
    and how much they need."""
    qs = Project.objects.filter(town=town, year=year, qualifying=True,
                                status__in=(ProjectStatus.DRAFT, ProjectStatus.LAPSED))
    qs = qs.filter(kind="commercial") if pool == Pool.COMMERCIAL else qs.exclude(kind="commercial")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    agg = qs.aggregate(n=Count("id"), s=Sum("quota_mu"))
    return agg["n"], (agg["s"] or ZERO_MU)


# --- the oversight agenda ------------------------------------------------------------------------

def reservations_expiring(*, user, within_days: int = 30, today: datetime.date | None = None) -> QuerySet:
    """Projects under review whose reservation lapses within ``within_days`` (or has lapsed and the
    daily job has not run yet), soonest first."""
    today = today or timezone.localdate()
    return (project_list(user=user).filter(status=ProjectStatus.UNDER_REVIEW,
                                           reservation_expires_on__lte=today + datetime.timedelta(days=within_days))
            .order_by("reservation_expires_on", "id"))


def quota_exhausted(*, user, year: int | None = None, threshold_mu: Decimal = ZERO_MU) -> list[dict]:
    """Quota accounts of the year whose available balance is at most ``threshold_mu`` although they
    received or gained quota: {account, division, year, pool, figures}."""
    year = year or current_year()
    accounts = list(quota_account_list(user=user).filter(year=year))
    figures = account_figures(accounts)
    rows = []
    for qa in accounts:
        f = figures[qa.pk]
        if (f.received + f.gained) > 0 and f.available <= threshold_mu:
            rows.append({"account": qa, "division": qa.division, "year": qa.year, "pool": qa.pool, "figures": f})
    return rows


GAIN_LABELS = dict(GainKind.choices)
LEDGER_CODE = LEDGER


# --- farmland balance and reclamation (l2) --------------------------------------------------------
# 占补平衡 per town and year: farmland occupied by the town's approved projects of the year against
# farmland replaced (reclamations accepted that year) and what the county balanced for it (or took
# from its surplus for another town). A surplus carries into the next year (先补后占), a shortfall
# too: the town stays unbalanced until it replaces the farmland or the county balances it.
from django.db.models import F  # noqa: E402 - l2's block keeps its imports with it
from django.db.models.functions import ExtractYear  # noqa: E402

from .choices import BalancingSource  # noqa: E402
from .models import FarmlandBalancing, Reclamation, ReclamationAcceptance  # noqa: E402

OUTSIDE_SOURCES = (BalancingSource.COUNTY_RESERVE, BalancingSource.CROSS_COUNTY)


@dataclass
class BalanceRow:
    """One town's farmland balance of one year (亩)."""

    town: Division
    year: int
    occupied: Decimal = ZERO_MU
    replaced: Decimal = ZERO_MU
    balanced_in: Decimal = ZERO_MU  # county balancing entries for the town
    given_out: Decimal = ZERO_MU  # the town's surplus the county used for another town
    carried_in: Decimal = ZERO_MU  # the balance at the end of the previous year

    @property
    def net(self) -> Decimal:
        return self.replaced + self.balanced_in - self.given_out - self.occupied

    @property
    def balance(self) -> Decimal:
        """At the end of the year, with what was carried in; negative: farmland still owed."""
        return self.carried_in + self.net

    @property
    def balanced(self) -> bool:
        return self.balance >= 0

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO_MU, -self.balance)


@dataclass
class CountyBalance:
    """The county level of one year: its towns' rows and their totals. Farmland moved between two
    of its towns nets to zero; only the county's reserve and other counties change its total."""

    county: Division
    year: int
    rows: list[BalanceRow] = field(default_factory=list)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), ZERO_MU)

    @property
    def occupied(self) -> Decimal:
        return self._sum("occupied")

    @property
    def replaced(self) -> Decimal:
        return self._sum("replaced")

    @property
    def from_outside(self) -> Decimal:
        return self._sum("balanced_in") - self._sum("given_out")

    @property
    def balance(self) -> Decimal:
        return self._sum("balance")

    @property
    def balanced(self) -> bool:
        return self.balance >= 0

    @property
    def unbalanced_towns(self) -> list[BalanceRow]:
        return [r for r in self.rows if not r.balanced]


def _sums(qs, town: str, year, value: str) -> dict[tuple[int, int], Decimal]:
    rows = qs.annotate(t=F(town), y=year).values("t", "y").annotate(s=Sum(value)).order_by()
    return {(r["t"], r["y"]): r["s"] for r in rows}


def farmland_balance(*, towns, until_year: int) -> dict[int, dict[int, BalanceRow]]:
    """town id → year → BalanceRow, every year from the town's first figure up to ``until_year``
    (the carry needs the earlier years). Four GROUP BY queries, whatever the number of towns."""
    towns = list(towns)
    ids = [t.pk for t in towns]
    occupied = _sums(Project.objects.filter(town_id__in=ids, status=ProjectStatus.APPROVED, farmland_mu__gt=0,
                                            year__lte=until_year), "town_id", F("year"), "farmland_mu")
    replaced = _sums(ReclamationAcceptance.objects.filter(reclamation__town_id__in=ids,
                                                          accepted_on__year__lte=until_year),
                     "reclamation__town_id", ExtractYear("accepted_on"), "area_mu")
    entries = FarmlandBalancing.objects.filter(year__lte=until_year)
    balanced_in = _sums(entries.filter(town_id__in=ids), "town_id", F("year"), "area_mu")
    given_out = _sums(entries.filter(source_town_id__in=ids), "source_town_id", F("year"), "area_mu")
    first: dict[int, int] = {}
    for source in (occupied, replaced, balanced_in, given_out):
        for t, y in source:
            first[t] = min(first.get(t, y), y)
    out: dict[int, dict[int, BalanceRow]] = {}
    for town in towns:
        rows: dict[int, BalanceRow] = {}
        carried = ZERO_MU
        for year in range(first.get(town.pk, until_year + 1), until_year + 1):
            key = (town.pk, year)
            row = BalanceRow(town, year, occupied.get(key, ZERO_MU), replaced.get(key, ZERO_MU),
                             balanced_in.get(key, ZERO_MU), given_out.get(key, ZERO_MU), carried)
            rows[year] = row
            carried = row.balance
        out[town.pk] = rows
    return out


def farmland_table(*, user, year: int) -> list[CountyBalance]:
    """The farmland-balance table of ``year``, per county: every town the user sees that has a
    figure up to that year (a town's clerk sees their town's row only)."""
    towns = list(scoping.towns_visible(user).select_related("parent").order_by("parent__code", "code"))
    balance = farmland_balance(towns=towns, until_year=year)
    counties: dict[int, CountyBalance] = {}
    for town in towns:
        row = balance[town.pk].get(year)
        if row is not None:
            counties.setdefault(town.parent_id, CountyBalance(town.parent, year)).rows.append(row)
    return list(counties.values())


def farmland_town_years(*, town: Division, until_year: int) -> list[BalanceRow]:
    """One town's farmland balance by year, oldest first (its statement, its quota page)."""
    return list(farmland_balance(towns=[town], until_year=until_year)[town.pk].values())


def farmland_unbalanced_list(*, user=None, year: int | None = None) -> list[BalanceRow]:
    """Towns that have not balanced the farmland they occupied (占补不平衡) at the end of ``year``
    (default: this year), most farmland owed first: the office's page, the daily notices and
    the oversight app's agenda. ``user=None``: every town (the notices)."""
    year = year or current_year()
    projects = Project.objects.filter(status=ProjectStatus.APPROVED, farmland_mu__gt=0, year__lte=year)
    if user is not None:
        projects = projects.filter(town__in=scoping.towns_visible(user))
    towns = Division.objects.filter(pk__in=projects.values("town_id")).select_related("parent")
    rows = [r for years in farmland_balance(towns=towns, until_year=year).values()
            if (r := years.get(year)) is not None and not r.balanced]
    return sorted(rows, key=lambda r: (-r.shortfall, r.town.code))


def reclamation_list(*, user) -> QuerySet:
    return scoping.scope(Reclamation.objects.select_related("town", "acceptance"), user)


def reclamation_acceptance_get(*, reclamation) -> ReclamationAcceptance | None:
    return ReclamationAcceptance.objects.filter(reclamation=reclamation).select_related("gain", "subsidy_record").first()


def farmland_balancing_list(*, user) -> QuerySet:
    return scoping.scope(FarmlandBalancing.objects.select_related("town", "source_town"), user)
# --- end of l2's block ----------------------------------------------------------------------------
