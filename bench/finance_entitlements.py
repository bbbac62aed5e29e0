"""Measure the bulk path of a year's entitlements (issue 11): ``finance.services.entitlements_compute_year``.

    .venv/bin/python bench/finance_entitlements.py                    # 300 towns × 12 months × 20 categories
    .venv/bin/python bench/finance_entitlements.py --towns 30 --rounds 1   # a smoke run

The database is DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/kq_bench); its name
must contain "bench". The data set is built once and kept (a county 基准县 with --towns pilot
towns, 20 revenue categories, each town's arrangement with the five kinds of rule — the excess
rebate advanced monthly on a pro-rated base, shares of 100 % and 50 %, an earmarked share, the
per-mu subsidy — and 12 × 20 revenue rows a town in --year, one reclamation a town); nothing is
committed by the measurements: every compute runs in a transaction rolled back at its end.

Each round takes, in turn, so a change of load on the shared machine hits all of them:

- the figure: ``entitlements_compute_year(towns, year)`` — a fresh year (no entitlements yet):
  every town-month computed with its trace, posted to the ledger, the entitlements written;
  its time, its number of queries, revenue rows/s; then the same call again inside the same
  transaction (nothing changed: every month kept);
- the read anchor: one bare SQL ``GROUP BY`` (town, category, month) over the same revenue rows;
- the write anchor: a ``COPY`` of the very rows the compute wrote (entitlements, postings, ledger
  entries, taken with COPY TO inside its transaction) into copies of the tables (same columns,
  indexes and CHECKs; no triggers or foreign keys): temporary tables (no WAL), as before, and
  ordinary (logged) ones, as the real tables are.

Every measured transaction is rolled back, so two things a committed run pays are measured apart:
the foreign keys' checks, which Django creates DEFERRABLE INITIALLY DEFERRED (they run at COMMIT:
timed here by ``SET CONSTRAINTS ALL IMMEDIATE`` right after the fresh compute), and nothing else is
hidden. A rolled-back insert leaves dead rows, and this server runs without autovacuum: the
written tables are vacuumed before each round, so every round starts from the same tables
(without it each round ran on 18,000 more dead entitlements and their events, and got slower).

Also the number of queries for --towns-small towns, to show it does not grow with the towns.
Figures are printed, never asserted; read them beside the load average printed with them.
Writes bench/out/finance_entitlements.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, database_name, load_average, setup_django

CODES = {"province": "990000", "city": "999900", "county": "999901"}
CATEGORIES = 20
WRITTEN = ("finance_entitlement", "ledger_posting", "ledger_entry")
VACUUMED = (*WRITTEN, "finance_entitlementevent", "ledger_balance", "ledger_account", "pghistory_context")


class Rollback(Exception):
    """Raised at the end of a measured transaction so that nothing is committed."""


def build(towns: int, year: int) -> list[int]:
    """The data set (kept between runs; only what is missing is added). Returns the town ids."""
    from django.db import transaction

    from finance import services
    from finance.choices import CategoryKind, Earmark, RuleKind, SettlementMethod
    from finance.models import FiscalArrangement, ReclamationRecord, RevenueCategory, RevenueRecord
    from regions import services as region_services
    from regions.choices import Level, PilotKind
    from regions.models import Division, PilotDesignation

    started = time.perf_counter()
    with transaction.atomic():
        parent = None
        for level in ("province", "city", "county"):
            parent = Division.objects.filter(code=CODES[level]).first() or region_services.division_create(
                code=CODES[level], name={"province": "基准省", "city": "基准市", "county": "基准县"}[level],
                level=level, parent=parent)
        county = parent
        have = {d.code: d for d in Division.objects.filter(parent=county, level=Level.TOWN)}
        for n in range(1, towns + 1):
            code = f"{CODES['county']}{n:03d}"
            if code not in have:
                have[code] = region_services.division_create(code=code, name=f"基准{n}镇", level=Level.TOWN,
                                                             parent=county)
        wanted = [have[f"{CODES['county']}{n:03d}"] for n in range(1, towns + 1)]
        designated = set(PilotDesignation.objects.filter(division__in=wanted).values_list("division_id", flat=True))
        for town in wanted:
            if town.pk not in designated:
                region_services.pilot_designate(division=town, kind=PilotKind.TOWN, batch="基准批次",
                                                designated_on=datetime.date(2009, 1, 1), designated_by="基准省人民政府")
        categories = []
        for i in range(1, CATEGORIES + 1):
            code = f"bench{i:02d}"
            categories.append(RevenueCategory.objects.filter(code=code).first() or services.revenue_category_create(
                code=code, name=f"基准科目{i}", kind=CategoryKind.TAX if i <= 12 else CategoryKind.FEE))
        codes = [c.code for c in categories]
        rules = [
            {"name": "超收部分全额返还", "kind": RuleKind.EXCESS, "categories": codes[:10]},
            {"name": "县级分成全额返还", "kind": RuleKind.SHARE, "categories": codes[10:16]},
            {"name": "五成返还", "kind": RuleKind.SHARE, "categories": codes[16:18], "share_percent": "50"},
            {"name": "土地出让净收益全额返还", "kind": RuleKind.SHARE, "categories": codes[18:20],
             "earmark": Earmark.INDUSTRIAL_ZONE},
            {"name": "复垦每亩补助", "kind": RuleKind.PER_MU, "per_mu_amount": "5000.00",
             "earmark": Earmark.INFRASTRUCTURE_FARMLAND},
        ]
        arranged = set(FiscalArrangement.objects.filter(town__in=wanted).values_list("town_id", flat=True))
        for town in wanted:
            if town.pk not in arranged:
                services.arrangement_create(
                    town=town, name=f"{town.name}财政体制", base_year=year - 2, base_amount=Decimal("5000000.00"),
                    term_start=datetime.date(year - 1, 1, 1), term_end=datetime.date(year + 3, 12, 31),
                    effective_from=datetime.date(year - 1, 1, 1), rules=rules,
                    settlement_method=SettlementMethod.MONTHLY_ADVANCE)
        present = set(RevenueRecord.objects.filter(town__in=wanted, month__year=year).values_list("town_id", flat=True)
                      .distinct())
        rows = []
        for t, town in enumerate(wanted):
            if town.pk in present:
                continue
            for month in range(1, 13):
                for c, category in enumerate(categories, start=1):
                    amount = Decimal(f"{20000 + (t * 7919 + month * 104729 + c * 1299709) % 70000}.{(t + c) % 100:02d}")
                    rows.append(RevenueRecord(town=town, month=datetime.date(year, month, 1), category=category,
                                              collecting_body="基准税务分局", amount=amount))
        RevenueRecord.objects.bulk_create(rows, batch_size=5000)
        reclaimed = set(ReclamationRecord.objects.filter(town__in=wanted, month__year=year)
                        .values_list("town_id", flat=True))
        ReclamationRecord.objects.bulk_create([
            ReclamationRecord(town=town, month=datetime.date(year, 5, 1), area_mu=Decimal(10 + t % 30),
                              project=f"基准复垦{t}") for t, town in enumerate(wanted) if town.pk not in reclaimed])
    print(f"  data set: {towns} towns, {len(rows):,} revenue rows added ({time.perf_counter() - started:.1f} s)",
          flush=True)
    return [t.pk for t in wanted]


def uptime() -> str:
    """`uptime` in UTC (Django has set TZ to the project's time zone in this process)."""
    return subprocess.run(["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}).stdout.strip()


def revenue_rows(town_ids: list[int], year: int) -> int:
    from finance.models import RevenueRecord

    return RevenueRecord.objects.filter(town_id__in=town_ids, month__year=year).count()


def _max_ids(cursor) -> dict[str, int]:
    out = {}
    for table in WRITTEN:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # nosec B608 # fixed table names
        out[table] = cursor.fetchone()[0]
    return out


def vacuum() -> float:
    """The dead rows of the rolled-back rounds away (autocommit; VACUUM cannot run in a transaction)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(VACUUMED)}")
    return time.perf_counter() - started


def measure_compute(town_ids: list[int], year: int, *, capture: bool = False) -> dict:
    """One fresh compute of the year (rolled back), then the same call again (all kept)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from finance.services import entitlements_compute_year
    from finance.services.bulk import PHASES

    out: dict = {"vacuum": vacuum()}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                before = _max_ids(cursor)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                result = entitlements_compute_year(towns=town_ids, year=year)
                out["seconds"] = time.perf_counter() - started
            out["queries"] = len(ctx.captured_queries)
            out["result"] = vars(result).copy()
            out["phases"] = dict(PHASES)
            with connection.cursor() as cursor:  # what COMMIT would run: the deferred foreign-key checks
                started = time.perf_counter()
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                out["deferred_checks"] = time.perf_counter() - started
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                again = entitlements_compute_year(towns=town_ids, year=year)
                out["again_seconds"] = time.perf_counter() - started
            out["again_queries"] = len(ctx.captured_queries)
            out["again_phases"] = dict(PHASES)
            out["again_result"] = vars(again).copy()
            if capture:  # the rows written, for the write anchor
                out["copied"] = {}
                with connection.cursor() as cursor:
                    for table in WRITTEN:
                        with cursor.copy(f"COPY (SELECT * FROM {table} WHERE id > {before[table]}) TO STDOUT") as copy:  # nosec B608 # fixed table names, integer ids
                            data = b"".join(bytes(chunk) for chunk in copy)
                        out["copied"][table] = (data, data.count(b"\n"))
            raise Rollback
    except Rollback:
        pass
    return out


def measure_group_by(town_ids: list[int], year: int) -> dict:
    from django.db import connection

    sql = ("SELECT town_id, category_id, month, sum(amount) FROM finance_revenuerecord "
           "WHERE town_id = ANY(%s) AND month >= %s AND month < %s GROUP BY town_id, category_id, month")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, [town_ids, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)])
        groups = len(cursor.fetchall())
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "groups": groups}


def measure_copy(copied: dict, *, logged: bool = False) -> dict:
    """COPY the compute's rows into copies of its tables (created and dropped in a rolled-back
    transaction): temporary tables (no WAL), or ``logged`` ones like the real tables."""
    from django.db import connection, transaction

    out = {"rows": sum(n for _data, n in copied.values())}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in WRITTEN:
                cursor.execute(f"CREATE {'' if logged else 'TEMP '}TABLE anchor_{table} (LIKE {table} INCLUDING ALL)")
            started = time.perf_counter()
            for table, (data, _n) in copied.items():
                with cursor.copy(f"COPY anchor_{table} FROM STDIN") as copy:
                    copy.write(data)
            out["seconds"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return out


def spread(values: list[float]) -> str:
    return f"{min(values):.3f}-{max(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--towns", type=int, default=300)
    parser.add_argument("--towns-small", type=int, default=30, help="towns of the query-count comparison")
    parser.add_argument("--year", type=int, default=2010)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    results = {"database": database_name(), "load_before": load_average(),
               "uptime_before": uptime(),
               "code": subprocess.run(["git", "log", "-1", "--format=%h %s"], capture_output=True, text=True,
                                      cwd=Path(__file__).resolve().parent.parent).stdout.strip()[:100]}
    print(f"database {results['database']}, load average {results['load_before']}")
    town_ids = build(args.towns, args.year)
    rows = revenue_rows(town_ids, args.year)
    print(f"\nentitlements_compute_year: {args.towns} towns × 12 months × {CATEGORIES} categories = {rows:,} revenue rows,"
          f" {args.rounds} rounds, each in turn with its anchors")
    rounds = []
    copied = None
    for n in range(args.rounds):
        compute = measure_compute(town_ids, args.year, capture=copied is None)
        copied = copied or compute.pop("copied")
        group = measure_group_by(town_ids, args.year)
        copy = measure_copy(copied)
        logged = measure_copy(copied, logged=True)
        rounds.append({"compute": compute, "group_by": group, "copy": copy, "copy_logged": logged, "load": load_average()})
        print(f"  round {n + 1}: compute {compute['seconds']:.2f} s ({compute['queries']} queries, {compute['result']});"
              f" its deferred FK checks {compute['deferred_checks']:.2f} s;"
              f" again {compute['again_seconds']:.2f} s ({compute['again_queries']} queries, kept"
              f" {compute['again_result']['kept']:,}); GROUP BY {group['seconds'] * 1000:.1f} ms ({group['groups']:,}"
              f" groups); COPY {copy['rows']:,} rows {copy['seconds']:.2f} s (logged tables {logged['seconds']:.2f} s);"
              f" vacuum before {compute['vacuum']:.2f} s; load {load_average()}", flush=True)
        for label, phases in (("fresh", compute["phases"]), ("again", compute["again_phases"])):
            print(f"    {label} phases: " + "; ".join(f"{k} {v * 1000:.0f} ms" for k, v in phases.items()), flush=True)
    small = measure_compute(town_ids[:args.towns_small], args.year)
    compute_s = [r["compute"]["seconds"] for r in rounds]
    again_s = [r["compute"]["again_seconds"] for r in rounds]
    group_s = [r["group_by"]["seconds"] for r in rounds]
    copy_s = [r["copy"]["seconds"] for r in rounds]
    logged_s = [r["copy_logged"]["seconds"] for r in rounds]
    checks_s = [r["compute"]["deferred_checks"] for r in rounds]
    med = statistics.median
    # The first compute of the process also reads the holiday calendar (core.deadlines caches it per
    # process: 4 queries); the later rounds and the small run show the count of the compute itself.
    warm = rounds[-1]["compute"]
    written = rounds[0]["copy"]["rows"]
    table = [
        ("compute the year (fresh)", f"{med(compute_s):.2f} s ({spread(compute_s)})", f"{rows / med(compute_s):,.0f} rows/s",
         f"{warm['queries']} queries (round 1: {rounds[0]['compute']['queries']})"),
        ("  + its deferred FK checks (at COMMIT)", f"{med(checks_s):.2f} s ({spread(checks_s)})", "",
         "1 statement"),
        ("  again, nothing changed (all kept)", f"{med(again_s):.2f} s ({spread(again_s)})",
         f"{rows / med(again_s):,.0f} rows/s", f"{warm['again_queries']} queries"),
        ("anchor: bare SQL GROUP BY, same rows", f"{med(group_s) * 1000:.1f} ms ({spread(group_s)} s)",
         f"{rows / med(group_s):,.0f} rows/s", "1 query"),
        (f"anchor: COPY of the {written:,} rows written", f"{med(copy_s):.2f} s ({spread(copy_s)})",
         f"{written / med(copy_s):,.0f} rows/s", "3 COPY (temp tables)"),
        ("  the same into logged tables", f"{med(logged_s):.2f} s ({spread(logged_s)})",
         f"{written / med(logged_s):,.0f} rows/s", "3 COPY"),
        (f"queries for {args.towns_small} towns / {args.towns} towns", f"{small['queries']} / {warm['queries']}",
         "", "fresh year"),
    ]
    ratios = {"compute / GROUP BY": med(compute_s) / med(group_s),
              "compute / (GROUP BY + COPY)": med(compute_s) / (med(group_s) + med(copy_s)),
              "compute + checks / (GROUP BY + logged COPY)": (med(compute_s) + med(checks_s)) / (med(group_s) + med(logged_s)),
              "again / GROUP BY": med(again_s) / med(group_s)}
    print(f"\n{'figure':<44} {'time (median, spread)':<28} {'rate':<18} queries")
    for row in table:
        print(f"{row[0]:<44} {row[1]:<28} {row[2]:<18} {row[3]}")
    for label, ratio in ratios.items():
        print(f"ratio {label:<38} {ratio:,.1f}×   (goal of issue 11: within 1.5× of the bare GROUP BY)")
    print(f"written by the fresh compute: { {t: n for t, (_d, n) in copied.items()} }")
    results.update({
        "towns": args.towns, "year": args.year, "revenue_rows": rows, "rounds": [
            {"compute_s": r["compute"]["seconds"], "queries": r["compute"]["queries"], "result": r["compute"]["result"],
             "again_s": r["compute"]["again_seconds"], "again_queries": r["compute"]["again_queries"],
             "phases": r["compute"]["phases"], "again_phases": r["compute"]["again_phases"],
             "group_by_s": r["group_by"]["seconds"], "groups": r["group_by"]["groups"], "copy_s": r["copy"]["seconds"],
             "copy_logged_s": r["copy_logged"]["seconds"], "deferred_checks_s": r["compute"]["deferred_checks"],
             "vacuum_s": r["compute"]["vacuum"],
             "copy_rows": r["copy"]["rows"], "load": r["load"]} for r in rounds],
        "written": {t: n for t, (_d, n) in copied.items()},
        "small": {"towns": args.towns_small, "queries": small["queries"], "seconds": small["seconds"]},
        "ratios": ratios, "load_after": load_average(),
        "uptime_after": uptime(),
    })
    print(f"\n{results['uptime_after']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "finance_entitlements.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(f"written {OUT / 'finance_entitlements.json'}")


if __name__ == "__main__":
    main()
