"""Measure compiling one month's dispatch-meeting agendas (issue 14: "compiling one month's agendas
for 300 pilot towns at the bench's province scale takes a number of queries that does not grow with
the number of towns, and its time is printed").

    .venv/bin/python bench/generate.py                       # once: the province (300 pilot towns)
    .venv/bin/python bench/oversight_agenda.py               # 30, 100 and 300 towns, 3 rounds
    .venv/bin/python bench/oversight_agenda.py --towns 30,300 --rounds 1

The database is DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/kq_bench); its name must
contain "bench". It reads the province generate.py built (100 counties, 3 pilot towns each, their
assignments and 1,000,000 exercise records) and, inside ONE transaction rolled back at the end
(nothing is committed), gives each county a leading group (领导小组) steering its pilot towns and
each pilot town two findings (one overdue, one due within the week).

For each number of towns (the groups of the first towns/3 counties), in turn each round:

- the figure: ``oversight.selectors.agendas_gather(groups, today)`` — every group's agenda, every
  app's counts read once over all the towns: its time and its number of queries;
- the per-group path: ``agenda_gather`` group by group (what the monthly job does for one group):
  its queries grow with the groups, shown for comparison;
- the anchor: one bare SQL ``GROUP BY`` town of the exercise records past their filing deadline and
  unfiled over the same towns (the heaviest single count of the agenda), its time.

Figures are printed, never asserted; read them beside the load average printed with them. Writes
bench/out/oversight_agenda.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, database_name, load_average, setup_django


class Rollback(Exception):
    """Raised at the end of the measured transaction so that nothing is committed."""


def build(today: datetime.date) -> list:
    """A leading group per county steering its pilot towns, two findings a town; the groups in
    county code order."""
    from oversight import rules, services
    from oversight.choices import FindingCategory, FindingOccasion, FindingState, GroupKind, Severity
    from oversight.models import Finding, LeadingGroup, SteeredTown
    from regions.models import Division, PilotDesignation

    pilots = list(Division.objects.filter(pk__in=PilotDesignation.objects.filter(
        kind="town", revoked_on__isnull=True).values("division_id")).select_related("parent").order_by("code"))
    counties: dict[int, list] = {}
    for town in pilots:
        counties.setdefault(town.parent_id, []).append(town)
    groups, links, findings = [], [], []
    for _county, towns in sorted(counties.items(), key=lambda kv: kv[1][0].parent.code):
        group = services.group_create(division=towns[0].parent, kind=GroupKind.LEADING,
                                      name=f"{towns[0].parent.name}扩权强镇领导小组（bench）",
                                      set_up_on=datetime.date(2022, 10, 1))
        groups.append(group)
        for town in towns:
            links.append(SteeredTown(group=group, town=town))
            for found_on in (today - datetime.timedelta(days=70), today - datetime.timedelta(days=28)):
                due = rules.rectification_due(found_on, 1)
                findings.append(Finding(group=group, town=town, occasion=FindingOccasion.SUPERVISION,
                                        category=FindingCategory.FILING, severity=Severity.GENERAL,
                                        description="行权记录未按期备案（bench）", rule_breached="审批后1个月内备案",
                                        found_on=found_on, rectify_months=1, due_on=due.date,
                                        due_provisional=due.provisional, state=FindingState.OPEN))
    SteeredTown.objects.bulk_create(links)
    Finding.objects.bulk_create(findings)
    assert LeadingGroup.objects.filter(name__endswith="（bench）").count() == len(groups)
    return groups


def measure(fn):
    """(seconds, queries, result) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    return seconds, len(queries), result


def anchor_sql(town_ids: list[int], today: datetime.date) -> float:
    """The bare GROUP BY of the filing-overdue count over the towns (the same rows the delegation
    selector counts: unfiled, past their filing due date)."""
    from django.db import connection

    from delegation.models import ExerciseRecord

    table = ExerciseRecord._meta.db_table
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f'SELECT division_id, count(*) FROM "{table}" WHERE division_id = ANY(%s) '
                    "AND filed_on IS NULL AND filing_due_on < %s GROUP BY division_id", [town_ids, today])
        cur.fetchall()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--towns", default="30,100,300", help="numbers of pilot towns, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import transaction
    from django.utils import timezone

    from oversight import selectors

    today = timezone.localdate()
    sizes = [int(n) for n in args.towns.split(",")]
    print(f"database {database_name()}, today {today}, load average {load_average()}", flush=True)
    figures: dict = {}
    try:
        with transaction.atomic():
            start = time.perf_counter()
            groups = build(today)
            towns_of = {g.pk: selectors.group_towns(g) for g in groups}
            print(f"  built {len(groups)} leading groups, {sum(map(len, towns_of.values()))} steered pilot towns "
                  f"in {time.perf_counter() - start:.1f} s (rolled back at the end)", flush=True)
            selectors.agendas_gather(groups=groups[:1], today=today)  # warm: calendar, content types
            for n in sizes:
                chosen, count = [], 0
                for g in groups:
                    if count >= n:
                        break
                    chosen.append(g)
                    count += len(towns_of[g.pk])
                ids = [t.pk for g in chosen for t in towns_of[g.pk]]
                rounds = {"batch": [], "per_group": [], "anchor": []}
                for _ in range(args.rounds):
                    seconds, queries, agendas = measure(lambda c=chosen: selectors.agendas_gather(groups=c, today=today))
                    rounds["batch"].append((seconds, queries))
                    lines = sum(len(v) for v in agendas.values())
                    seconds, queries, _r = measure(lambda c=chosen: [
                        selectors.agenda_gather(towns=towns_of[g.pk], today=today) for g in c])
                    rounds["per_group"].append((seconds, queries))
                    rounds["anchor"].append((anchor_sql(ids, today), 1))
                figures[n] = {
                    "towns": len(ids), "groups": len(chosen), "agenda_lines": lines,
                    **{k: {"seconds_median": round(statistics.median(s for s, _q in v), 4),
                           "seconds_rounds": [round(s, 4) for s, _q in v],
                           "queries": sorted({q for _s, q in v})} for k, v in rounds.items()},
                }
            raise Rollback
    except Rollback:
        pass

    print(f"\nload average {load_average()}")
    print(f"{'towns':>6} {'groups':>6} {'lines':>6} | {'agendas_gather':>15} {'queries':>8} | "
          f"{'per group':>10} {'queries':>8} | {'anchor SQL':>10} {'ratio':>6}")
    for f in figures.values():
        b, p, a = f["batch"], f["per_group"], f["anchor"]
        ratio = b["seconds_median"] / a["seconds_median"] if a["seconds_median"] else float("nan")
        print(f"{f['towns']:>6} {f['groups']:>6} {f['agenda_lines']:>6} | {b['seconds_median']:>13.3f} s "
              f"{'/'.join(map(str, b['queries'])):>8} | {p['seconds_median']:>8.3f} s {'/'.join(map(str, p['queries'])):>8} | "
              f"{a['seconds_median']:>8.3f} s {ratio:>5.1f}×")
    batch_queries = {q for f in figures.values() for q in f["batch"]["queries"]}
    print("query count of agendas_gather " + ("does not grow with the towns: " if len(batch_queries) == 1
                                              else "VARIES with the towns: ") + ", ".join(map(str, sorted(batch_queries))))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "oversight_agenda.json").write_text(json.dumps(
        {"database": database_name(), "today": today.isoformat(), "load_average_after": load_average(),
         "figures": figures}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
