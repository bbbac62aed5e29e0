"""Measure landuse's quota draws (issue 13): draws per second with 8 concurrent writers, all on one
town's account and spread over 300 towns, the final balances checked exactly; beside each, in the
same run, the anchor: the same rows written by bare SQL.

    .venv/bin/python bench/landuse_draws.py                    # ~1-2 min on 2 cores
    .venv/bin/python bench/landuse_draws.py --per-writer 10    # a smoke run

The database is DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/kq_bench); its name must
contain "bench": the script makes a province → city → county → ``--towns`` towns hierarchy of its
own (codes 91…, replaced on every run by TRUNCATE of the landuse and ledger tables). Writes
bench/out/landuse_draws.json. Figures are printed, never asserted; read them beside the load average.

- figure: ``landuse.services.project_draw`` (the real service: the project's row locked, role and
  state checked, the town's two balance rows locked in account order, the available balance
  read and checked, the priority rule, the ledger's posting with its hash chain and invariants,
  the project saved through full_clean with its history row), one transaction a draw, each
  writer a thread with its own connection. Every town is funded with exactly what its projects
  draw, so at the end each town's available balance must be exactly 0.0000 and its used quota
  the sum of its draws; the ledger's chains are verified.
- anchor: per draw, the same effect by hand: SELECT … FOR UPDATE of the two balance rows,
  INSERT one posting and two entries, UPDATE two balances, UPDATE the project, COMMIT, into
  copies of the tables (LIKE … INCLUDING ALL: the same indexes and CHECKs, no triggers, foreign
  keys or hashing).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, database_name, in_threads, load_average, setup_django

TABLES = ["landuse_reclamationacceptance", "landuse_reclamation", "landuse_farmlandbalancing", "landuse_project",
          "landuse_quotagain", "landuse_allocation", "landuse_closedyear", "landuse_quotaaccount",
          "ledger_verificationrun", "ledger_period", "ledger_entry", "ledger_posting", "ledger_balance",
          "ledger_account"]
ANCHORED = ("ledger_posting", "ledger_entry", "ledger_balance", "landuse_project")
QUOTA = Decimal("1.0000")  # each project draws one mu


def hierarchy(n_towns: int):
    from regions.models import Division
    from regions.services import division_create

    province = Division.objects.filter(code="910000").first() or division_create(
        code="910000", name="基准省", level="province", parent=None)
    city = Division.objects.filter(code="910100").first() or division_create(
        code="910100", name="基准市", level="city", parent=province)
    county = Division.objects.filter(code="910101").first() or division_create(
        code="910101", name="基准县", level="county", parent=city)
    towns = []
    for i in range(n_towns):
        code = f"910101{i + 1:03d}"
        towns.append(Division.objects.filter(code=code).first()
                     or division_create(code=code, name=f"基准镇{i + 1}", level="town", parent=county))
    return province, city, county, towns


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def fund(province, city, county, towns, per_town: dict, year: int) -> None:
    """Issue the total into the province and hand each town exactly what its projects draw."""
    from landuse import services

    total = sum(per_town.values(), Decimal(0))
    services.allocation_create(kind="issue", year=year, target=province, amount_mu=str(total))
    services.allocation_create(kind="allocate", year=year, source=province, target=city, amount_mu=str(total))
    services.allocation_create(kind="allocate", year=year, source=city, target=county, amount_mu=str(total))
    for town in towns:
        if per_town.get(town.pk):
            services.allocation_create(kind="allocate", year=year, source=county, target=town,
                                       amount_mu=str(per_town[town.pk]))


def projects_for(case: str, towns, writers: int, per_writer: int, year: int) -> list[list]:
    """Each writer's projects (registered, 1 mu each): all in the first town, or round-robin over
    every town."""
    from landuse import services

    out = []
    n = 0
    for w in range(writers):
        mine = []
        for i in range(per_writer):
            town = towns[0] if case == "one town" else towns[n % len(towns)]
            n += 1
            mine.append(services.project_create(
                town=town, name=f"{case}-{w}-{i}", kind="infrastructure", year=year, area_mu="2",
                quota_mu=str(QUOTA), farmland_mu="0"))
        out.append(mine)
    return out


def bench_service(projects: list[list]) -> dict:
    from landuse import services

    def work(w):
        for p in projects[w]:
            services.project_draw(project=p, approval_document=f"基准批{p.pk}")

    seconds, errors = in_threads(len(projects), work)
    n = sum(len(p) for p in projects)
    return {"draws": n, "seconds": round(seconds, 3), "per_s": round(n / seconds, 1), "errors": errors[:3]}


def make_anchor_tables() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in ANCHORED:
            cur.execute(f"DROP TABLE IF EXISTS anchor_{table}")
            cur.execute(f"CREATE TABLE anchor_{table} (LIKE {table} INCLUDING ALL)")
            cur.execute(f"INSERT INTO anchor_{table} SELECT * FROM {table}")


def bench_anchor(projects: list[list], accounts: dict) -> dict:
    """The same draws by hand: lock two balances, one posting, two entries, two balance updates,
    the project's status; one transaction each."""
    from django.db import connection, transaction

    h = "0" * 64

    def work(w):
        for p in projects[w]:
            quota, used = accounts[p.town_id]
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT account_id, posted FROM anchor_ledger_balance WHERE account_id = ANY(%s)"
                            " ORDER BY account_id FOR UPDATE", [sorted((quota, used))])
                cur.fetchall()
                cur.execute(
                    "INSERT INTO anchor_ledger_posting (ledger, type, kind, idempotency_key, booked_on, memo,"
                    " created_at) VALUES ('landuse', 'normal', 'draw', %s, CURRENT_DATE, '', now()) RETURNING id",
                    [f"anchor:{p.pk}"])
                (pid,) = cur.fetchone()
                cur.execute(
                    "INSERT INTO anchor_ledger_entry (posting_id, account_id, phase, unit, amount, booked_on, seq,"
                    " prev_hash, hash, created_at) VALUES (%s, %s, 'posted', 'mu', -1, CURRENT_DATE, %s, %s, %s,"
                    " now()), (%s, %s, 'posted', 'mu', 1, CURRENT_DATE, %s, %s, %s, now())",
                    [pid, quota, pid * 2, h, h, pid, used, pid * 2 + 1, h, h])
                cur.execute("UPDATE anchor_ledger_balance SET posted = posted - 1 WHERE account_id = %s", [quota])
                cur.execute("UPDATE anchor_ledger_balance SET posted = posted + 1 WHERE account_id = %s", [used])
                cur.execute("UPDATE anchor_landuse_project SET status = 'approved', draw_id = NULL,"
                            " approval_document = %s, approved_on = CURRENT_DATE WHERE id = %s", [f"基准批{p.pk}", p.pk])

    seconds, errors = in_threads(len(projects), work)
    n = sum(len(p) for p in projects)
    return {"draws": n, "seconds": round(seconds, 3), "per_s": round(n / seconds, 1), "errors": errors[:3]}


def check(towns, per_town: dict, year: int) -> dict:
    """Every funded town: available exactly 0.0000, used exactly what its projects drew."""
    from core.ledger.chain import verify
    from landuse.models import Project, QuotaAccount
    from landuse.selectors import account_figures

    accounts = list(QuotaAccount.objects.filter(division__in=towns, year=year, pool="general"))
    figures = account_figures(accounts)
    wrong = []
    for qa in accounts:
        f = figures[qa.pk]
        want = per_town.get(qa.division_id, Decimal(0))
        if f.available != Decimal("0.0000") or f.used != want:
            wrong.append({"town": qa.division_id, "available": str(f.available), "used": str(f.used), "want": str(want)})
    approved = Project.objects.filter(town__in=towns, year=year, status="approved").count()
    chains = verify(ledger="landuse")
    return {"towns": len(accounts), "wrong": wrong[:5], "approved": approved,
            "used_total": str(sum((figures[qa.pk].used for qa in accounts), Decimal(0))), "ledger_ok": chains.ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=40, help="draws by each writer")
    parser.add_argument("--towns", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    import datetime

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    year = datetime.date.today().year
    results = {"database": database_name(), "load_before": load_average(),
               "uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    print(f"database {results['database']}, load average {results['load_before']}")
    province, city, county, towns = hierarchy(args.towns)
    figures = {}
    for case in ("one town", f"over {args.towns} towns"):
        reset()
        started = time.perf_counter()
        projects = projects_for(case, towns, args.writers, args.per_writer, year)
        per_town: dict = {}
        for mine in projects:
            for p in mine:
                per_town[p.town_id] = per_town.get(p.town_id, Decimal(0)) + QUOTA
        fund(province, city, county, towns, per_town, year)
        from core.ledger.models import Account
        from landuse.models import QuotaAccount

        quota_ids = dict(QuotaAccount.objects.filter(division__in=towns, year=year, pool="general")
                         .values_list("division_id", "account_id"))
        used_ids = {a.owner_id: a.pk for a in Account.objects.filter(ledger="landuse", kind="used",
                                                                    code=f"used:{year}")}
        accounts = {t: (quota_ids[t], used_ids[t]) for t in per_town}
        make_anchor_tables()
        setup_s = round(time.perf_counter() - started, 1)
        label = f"{case}, {args.writers} writers"
        anchor = bench_anchor(projects, accounts)
        service = bench_service(projects)
        checked = check(towns, per_town, year)
        ratio = service["per_s"] / anchor["per_s"] if anchor["per_s"] else 0
        figures[label] = {"service": service, "anchor_bare_sql": anchor, "ratio": round(ratio, 3), "check": checked,
                          "setup_seconds": setup_s, "load": load_average()}
        exact = not checked["wrong"] and checked["approved"] == service["draws"] and checked["ledger_ok"]
        print(f"  {label:<28} project_draw {service['per_s']:>7,.1f} draws/s ({service['draws']} in {service['seconds']} s)"
              f"   bare SQL {anchor['per_s']:>7,.1f}/s   ratio {ratio:.3f}   load {figures[label]['load']}", flush=True)
        print(f"    final balances: {checked['towns']} town(s), available 0.0000 each, used {checked['used_total']} mu"
              f" in all, {checked['approved']} approved, ledger verified={checked['ledger_ok']}"
              f" -> {'exact' if exact else 'WRONG: ' + json.dumps(checked['wrong'], ensure_ascii=False)}"
              + (f"; errors: {service['errors']}" if service["errors"] else ""), flush=True)
    results["draws"] = figures
    results["load_after"] = load_average()
    results["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load average {results['load_after']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "landuse_draws.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written {OUT / 'landuse_draws.json'}")


if __name__ == "__main__":
    main()
