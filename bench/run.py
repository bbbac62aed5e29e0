"""Measure the catalogue on the data set bench/generate.py built; print a table of figures.

    .venv/bin/python bench/run.py                 # every part
    .venv/bin/python bench/run.py --parts b,c     # only some: a import, b lists, c 500-row page, d HTTP
    .venv/bin/python bench/run.py --parts b --only "HTML (clerk|office)"   # part b figures matching a regex

Writes bench/out/results.json (and EXPLAIN ANALYZE plans of each list's slowest query in
bench/out/explain/). Figures are printed, never asserted: a missed target is reported with
what dominates the time.

a. importing a 100,000-row exercise-record CSV with full validation
   (delegation.importing.import_exercise_records) beside plain bulk_create and COPY of the same
   rows. Every write happens in a transaction that is rolled back (the delete-protect trigger
   forbids removing rows), so the commit itself is not in the figures; the history triggers
   are enabled, as in production.
b. the clerk's, the office's and the province's list pages (HTML /delegation/records/) and list
   endpoints (/api/v1/delegation/exercise-records/) at page size 50, in process through
   django.test.Client: p50/p95 over --requests requests on the first page and on a deep page
   (keyset: ``after=<id>`` for the HTML list, a cursor built for the id position for the API).
c. a 500-row API page against a raw psycopg query of the same rows and columns + json.dumps,
   taken in turn (one API request, one raw query) so that both see the same load.
d. the clerk's list endpoint under gunicorn (2 sync workers) with wrk -t2 -c8, beside /healthz.
"""


from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ADMIN,
    CLERK,
    OFFICE,
    OUT,
    PROVINCE_AUDITOR,
    PROVINCE_SUPERIOR,
    ROOT,
    database_name,
    load_average,
    setup_django,
)
from bench.parts.http import HttpPart
from bench.parts.imports import ImportPart
from bench.parts.lists import ListsPart
from bench.parts.measuring import QueryTimer, RenderTimer, table
from bench.parts.page500 import Page500Part


class Bench(ImportPart, ListsPart, Page500Part, HttpPart):
    """The figures of one run: each part (``part_a`` … ``part_d``) lives in bench/parts/."""

    def __init__(self, args):
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        self.args = args
        self.results: dict = {}
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(username__in=[ADMIN, CLERK, OFFICE, PROVINCE_AUDITOR,
                                                                                    PROVINCE_SUPERIOR])}
        missing = {ADMIN, CLERK, OFFICE, PROVINCE_AUDITOR, PROVINCE_SUPERIOR} - set(self.users)
        if missing:
            raise SystemExit(f"users {sorted(missing)} missing: run bench/generate.py first")
        self.tokens = dict(Token.objects.filter(user__in=self.users.values()).values_list("user__username", "key"))
        (OUT / "explain").mkdir(parents=True, exist_ok=True)
        self.query_timer = QueryTimer()
        self.render_timer = RenderTimer(self.query_timer)
        self.render_timer.install()
        self.figures: list[dict] = []  # the goals table, in the order measured

    @staticmethod
    def loadavg() -> str:
        return load_average()

    def goal(self, figure, measured, unit, *, anchor, anchor_value, ratio, goal, met, spread="-", note=""):
        """One row of the goals table: the figure (median of the rounds), the anchor it is read
        against in the same run, their ratio, the goal and whether it is met."""
        row = {"figure": figure, "measured": round(measured, 2), "unit": unit, "anchor": anchor,
               "anchor_value": None if anchor_value is None else round(anchor_value, 2),
               "ratio": None if ratio is None else round(ratio, 3), "goal": goal, "met": bool(met),
               "spread": spread, "note": note, "load_average": load_average()}
        self.figures.append(row)
        return row


def goals_table(figures) -> list[tuple]:
    rows = []
    for f in figures:
        anchor = f["anchor"] if f["anchor_value"] is None else f"{f['anchor']} {f['anchor_value']:g}"
        rows.append((f["figure"], f"{f['measured']:g} {f['unit']} ({f['spread']})", anchor,
                     "-" if f["ratio"] is None else f"{f['ratio']:.2f}", f["goal"], "met" if f["met"] else "MISSED"))
    return rows


def machine_snapshot() -> list[str]:
    """The busiest processes when the run starts and ends: the machine is shared."""
    out = subprocess.run(["ps", "-eo", "pcpu,rss,etime,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    return [line[:140] for line in out.splitlines()[:9]]


def code_version() -> str:
    marker = ROOT / ".bench_commit"  # written when the code under test is an exported copy (git archive)
    if marker.exists():
        return marker.read_text().strip()
    run = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cI %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout
    return run.stdout.strip()[:120] + (" + uncommitted changes in the tree" if dirty.strip() else "")


def uptime() -> str:
    """`uptime` in UTC (Django has set TZ to the project's time zone in this process)."""
    return subprocess.run(["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}).stdout.strip()


def dataset_counts() -> dict:
    from delegation.models import Assignment, ExerciseRecord, Item
    from regions.models import Division, PilotDesignation

    return {
        "divisions": Division.objects.count(), "pilot_towns": PilotDesignation.objects.count(),
        "items": Item.objects.count(), "assignments": Assignment.objects.count(),
        "exercise_records": ExerciseRecord.objects.count(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="a,b,c,d", help="comma-separated: a import, b lists, c 500-row page, d HTTP")
    parser.add_argument("--results", default="results.json", metavar="FILE",
                        help="file name in bench/out/ for the figures (default results.json)")
    parser.add_argument("--only", default="", metavar="REGEX",
                        help='part b: only the figures whose name matches REGEX, e.g. "HTML (clerk|office)" or "^API"')
    parser.add_argument("--requests", type=int, default=50, help="timed requests per list figure (default 50)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the import CSV (default 100,000)")
    parser.add_argument("--diagnosis-rows", type=int, default=20_000,
                        help="rows of the trigger-state comparison writes (default 20,000; they grow superlinearly)")
    parser.add_argument("--wrk-duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--port", type=int, default=8106, help="part d: gunicorn's port (default 8106)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each figure is taken, interleaved with its anchor (default 3): median and spread")
    parser.add_argument("--trigger-states", action="store_true",
                        help="part a: also the plain writes in every history-trigger state (slow; diagnosis)")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    setup_django()
    OUT.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    started = dt.datetime.now(dt.UTC)
    before = uptime()
    bench.results["machine"] = {"started": started.isoformat(), "uptime_before": before, "cpus": os.cpu_count(),
                                "database": database_name(), "code": code_version(),
                                "busiest_processes_before": machine_snapshot()}
    bench.results["dataset"] = dataset_counts()
    print(f"database {database_name()}: {bench.results['dataset']}")
    print(f"code: {bench.results['machine']['code']}")
    print(f"machine: {os.cpu_count()} CPUs; {before}", flush=True)
    for part in parts:
        getattr(bench, f"part_{part}")()
    bench.results["machine"]["uptime_after"] = uptime()
    bench.results["machine"]["busiest_processes_after"] = machine_snapshot()
    bench.results["figures"] = bench.figures
    path = OUT / args.results
    path.write_text(json.dumps(bench.results, ensure_ascii=False, indent=2, default=str))
    print(f"\ngoals ({args.rounds} rounds each: median, spread in brackets; "
          f"{bench.results['machine']['uptime_after']})")
    table(goals_table(bench.figures), ("figure", "measured", "anchor", "ratio", "goal", "met?"))
    for f in bench.figures:
        if f["note"]:
            print(f"  {f['figure']}: {f['note']}")
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
