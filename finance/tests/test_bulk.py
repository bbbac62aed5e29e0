"""The bulk path (``entitlements_compute_year``) against the per-month path (``entitlement_compute``
called town by town, month by month): on the same data both leave the same entitlements (amounts,
traces, due dates, statuses, what replaced what), the same postings (keys, memos, dates, legs, the
entries' order in each account's chain) and the same balances; the ledger verifies after either.
The bulk path's number of queries does not grow with the number of towns."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError
from core.ledger import chain
from core.ledger.models import Account, Entry, Posting
from core.ledger.services import period_close
from finance import services
from finance.choices import EntitlementKind, SettlementMethod
from finance.models import Entitlement, RevenueRecord
from regions.tests.factories import CountyFactory, TownFactory

from .factories import linxi_arrangement, linxi_categories, revenue

D = datetime.date
YEAR = 2010


def state() -> dict:
    """The finance ledger and the entitlements without their ids (ids differ between two runs)."""
    postings = {p.pk: p.idempotency_key for p in Posting.objects.filter(ledger="finance")}
    accounts = {a.pk: (a.owner.code, a.code) for a in Account.objects.filter(ledger="finance").select_related("owner")}
    entitlements = {e.pk: (e.town.code, e.kind, e.month, e.rule_id) for e in Entitlement.objects.select_related("town")}
    rows = sorted(
        (e.town.code, e.kind, e.month, e.rule_id, e.status, e.earmark, e.amount, e.carried_forward, e.trace,
         e.due_on, e.due_provisional, postings.get(e.posting_id), postings.get(e.reversal_posting_id),
         entitlements.get(e.replaced_by_id), e.arrangement_id, e.created_by_id)
        for e in Entitlement.objects.select_related("town")
    )
    ledger = sorted(
        (p.idempotency_key, p.kind, p.type, p.booked_on, p.memo, postings.get(p.reverses_id), p.actor_id,
         [(accounts[e.account_id], e.phase, e.amount, e.booked_on, e.seq) for e in p.entries.order_by("id")])
        for p in Posting.objects.filter(ledger="finance").prefetch_related("entries")
    )
    chains = {accounts[a]: list(Entry.objects.filter(account_id=a).order_by("seq").values_list(
        "posting__idempotency_key", "amount")) for a in accounts}
    balances = sorted((accounts[a.pk], a.kind, a.name, a.invariant, a.balance.posted, a.balance.last_seq)
                      for a in Account.objects.filter(ledger="finance").select_related("balance"))
    return {"entitlements": rows, "postings": ledger, "chains": chains, "balances": balances}


def both_paths(towns, year=YEAR, actor=None) -> tuple[dict, dict, services.YearResult]:
    """The state after the per-month path and after the bulk path, each from the same start."""
    with transaction.atomic():
        start = transaction.savepoint()
        for town in sorted(towns, key=lambda t: t.pk):
            for month in range(1, 13):
                services.entitlement_compute(town=town, month=D(year, month, 1), actor=actor)
        per_month = state()
        assert chain.verify(ledger="finance").ok
        transaction.savepoint_rollback(start)
        result = services.entitlements_compute_year(towns=towns, year=year, actor=actor)
        bulk = state()
        assert chain.verify(ledger="finance").ok
    return per_month, bulk, result


@pytest.fixture
def county(db):
    linxi_categories()
    return CountyFactory()


def town_with_revenue(county, *, monthly_advance: bool, seed: int):
    town = TownFactory(parent=county)
    method = SettlementMethod.MONTHLY_ADVANCE if monthly_advance else SettlementMethod.YEAR_END
    linxi_arrangement(town, settlement_method=method)
    for month in range(1, 13):
        m = f"{YEAR}-{month:02d}"
        revenue(town, m, "vat", f"{1_100_000 + seed * 1000 + month * 37_013}.{month:02d}")
        if month % 2:
            revenue(town, m, "cit", f"{90_000 + month * 11}.50")
        if month in (3, 7):
            revenue(town, m, "land_net", f"{400_000 + seed}.01", body="县国土资源局")
        if month == 5:
            revenue(town, m, "social_support", "12000.50", body="计生办")
            services.reclamation_record_create(town=town, month=m, area_mu="80.5", project="废弃砖厂复垦")
        if month == 9:
            wrong = revenue(town, m, "county_share", "5000.00")
            services.revenue_record_reverse(record=wrong, reason="重复登记")
    return town


def test_bulk_and_per_month_paths_write_the_same_rows(county, django_user_model):
    office = django_user_model.objects.create_user("office_bulk", password="x-long-password")
    towns = [town_with_revenue(county, monthly_advance=True, seed=1),
             town_with_revenue(county, monthly_advance=False, seed=2),
             town_with_revenue(county, monthly_advance=True, seed=3)]
    per_month, bulk, result = both_paths(towns, actor=office)
    assert per_month == bulk
    assert result.created == len(bulk["entitlements"]) and result.kept == 0
    # the advancing towns owe every month; the year-end town only in the months of its shares
    assert result.postings == len(bulk["postings"]) == 12 + 12 + 3
    # what the rows hold is worth comparing: advances, the per-mu subsidy, the reversed category
    amounts = {(code, month, rule): amount for code, _k, month, rule, _s, _e, amount, *_rest in bulk["entitlements"]}
    assert any(a > 0 for a in amounts.values()) and any(a == 0 for a in amounts.values())
    may = [row for row in bulk["entitlements"] if row[2] == D(YEAR, 5, 1) and row[8]["rule"]["kind"] == "per_mu"]
    assert {row[6] for row in may} == {Decimal("402500.00")}
    assert {row[15] for row in bulk["entitlements"]} == {office.pk}


def test_recompute_of_changed_months_matches_and_unchanged_months_are_kept(county):
    towns = [town_with_revenue(county, monthly_advance=True, seed=4),
             town_with_revenue(county, monthly_advance=False, seed=5)]
    for town in towns:  # computed once already; then March changes in the first town
        for month in range(1, 13):
            services.entitlement_compute(town=town, month=D(YEAR, month, 1))
    revenue(towns[0], f"{YEAR}-03", "vat", "2000000.00")
    per_month, bulk, result = both_paths(towns)
    assert per_month == bulk
    # March and every later advance of the first town changed (the year-to-date moved); its
    # January and February, and the second town (year-end: no advances), are kept.
    replaced = [row for row in bulk["entitlements"] if row[4] == "replaced"]
    assert {(row[0], row[2].month) for row in replaced} == {(towns[0].code, m) for m in range(3, 13)}
    second = sum(1 for row in bulk["entitlements"] if row[0] == towns[1].code)
    early = sum(1 for row in bulk["entitlements"] if row[0] == towns[0].code and row[2].month < 3)
    assert result.kept == second + early and result.replaced == len(replaced)
    keys = [row[0] for row in bulk["postings"]]
    assert f"finance:monthly:{towns[0].code}:{YEAR}-03:1:reverse" in keys
    assert f"finance:monthly:{towns[0].code}:{YEAR}-03:2" in keys


def test_a_month_whose_trace_alone_changed_is_replaced(county):
    """Same amounts, another trace (May's 12,000.50 moved from one category of the 规费 share to
    another of the same rule): the month is replaced in both paths, the other months kept."""
    towns = [town_with_revenue(county, monthly_advance=False, seed=8),
             town_with_revenue(county, monthly_advance=True, seed=9)]
    for town in towns:
        for month in range(1, 13):
            services.entitlement_compute(town=town, month=D(YEAR, month, 1))
    moved = RevenueRecord.objects.get(town=towns[0], month=D(YEAR, 5, 1), category__code="social_support")
    services.revenue_record_reverse(record=moved, reason="科目登记错误")
    revenue(towns[0], f"{YEAR}-05", "mineral", "12000.50", body="计生办")
    per_month, bulk, result = both_paths(towns)
    assert per_month == bulk
    replaced = [row for row in bulk["entitlements"] if row[4] == "replaced"]
    assert {(row[0], row[2]) for row in replaced} == {(towns[0].code, D(YEAR, 5, 1))}
    fees = {row[4]: row for row in bulk["entitlements"] if row[0] == towns[0].code and row[2] == D(YEAR, 5, 1)
            and row[8]["rule"]["categories"] == ["infrastructure_fee", "mineral", "mining_right", "social_support"]}
    assert fees["active"][6] == fees["replaced"][6] == Decimal("12000.50")
    assert fees["active"][8] != fees["replaced"][8]
    assert result.replaced == len(replaced) and result.created == len(replaced)
    assert result.kept == len(bulk["entitlements"]) - 2 * len(replaced)


def test_a_closed_month_books_today_in_both_paths(county):
    town = town_with_revenue(county, monthly_advance=False, seed=6)
    period_close(ledger="finance", owner=town, month=D(YEAR, 7, 1))
    per_month, bulk, _result = both_paths([town])
    assert per_month == bulk
    july = next(p for p in bulk["postings"] if p[0] == f"finance:monthly:{town.code}:{YEAR}-07:1")
    assert july[3] == datetime.date.today()


def test_queries_do_not_grow_with_the_towns(county):
    few = [town_with_revenue(county, monthly_advance=True, seed=n) for n in range(2)]
    more = [town_with_revenue(county, monthly_advance=True, seed=n) for n in range(10, 16)]
    # The first call of a process also reads the holiday calendar once (core.deadlines caches it):
    # warm it with a town of its own, so both counts are of the computation alone.
    services.entitlements_compute_year(towns=[town_with_revenue(county, monthly_advance=True, seed=99)], year=YEAR)
    counts = []
    for towns in (few, more):
        with CaptureQueriesContext(connection) as queries:
            services.entitlements_compute_year(towns=towns, year=YEAR)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts
    # a second run over unchanged data writes nothing
    before = Posting.objects.count()
    result = services.entitlements_compute_year(towns=few + more, year=YEAR)
    assert result.created == 0 and result.kept > 0 and Posting.objects.count() == before


def test_a_town_without_arrangement_refuses_the_whole_batch(county):
    good = town_with_revenue(county, monthly_advance=True, seed=7)
    bare = TownFactory(parent=county)
    with pytest.raises(ApplicationError) as exc:
        services.entitlements_compute_year(towns=[good, bare], year=YEAR)
    assert exc.value.code == "no_arrangement" and bare.name in exc.value.message
    assert not Entitlement.objects.filter(kind=EntitlementKind.MONTHLY).exists()
    assert not Posting.objects.filter(ledger="finance").exists()
