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
import base64
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ADMIN,
    CLERK,
    DEFAULT_DATABASE_URL,
    OFFICE,
    OUT,
    PROVINCE_AUDITOR,
    PROVINCE_SUPERIOR,
    ROOT,
    database_name,
    load_average,
    setup_django,
)

HTML_URL = "/delegation/records/"
API_URL = "/api/v1/delegation/exercise-records/"
DEEP = 600_000
TARGET_IMPORT = 10_000  # rows/s
TARGET_P95_MS = 50.0
TARGET_RATIO = 2.0
TARGET_RPS = 300.0


# --- helpers -------------------------------------------------------------------------------------


class QueryTimer:
    """Connection execute wrapper: number and time of the queries of one request, and the slowest."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = 0
        self.seconds = 0.0
        self.slowest = (0.0, None, None)

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.count += 1
            self.seconds += spent
            if spent > self.slowest[0]:
                self.slowest = (spent, sql, params)


def pct(values, q):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ms(seconds):
    return round(seconds * 1000, 2)


def explain(sql, params) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


def cursor_for(position: int) -> str:
    """DRF CursorPagination's cursor for "the rows after id ``position``" (ordering -id, no offset)."""
    return base64.b64encode(f"p={position}".encode("ascii")).decode("ascii")


def table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for r in rows:
        print(line.format(*(str(c) for c in r)))


class Bench:
    def __init__(self, args):
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        self.args = args
        self.results: dict = {}
        self.summary: list = []  # (figure, value, target, verdict)
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(username__in=[ADMIN, CLERK, OFFICE, PROVINCE_AUDITOR,
                                                                                    PROVINCE_SUPERIOR])}
        missing = {ADMIN, CLERK, OFFICE, PROVINCE_AUDITOR, PROVINCE_SUPERIOR} - set(self.users)
        if missing:
            raise SystemExit(f"users {sorted(missing)} missing: run bench/generate.py first")
        self.tokens = dict(Token.objects.filter(user__in=self.users.values()).values_list("user__username", "key"))
        (OUT / "explain").mkdir(parents=True, exist_ok=True)

    def verdict(self, figure, value, target, ok, unit=""):
        self.summary.append((figure, f"{value}{unit}", target, "met" if ok else "MISSED"))

    # --- b: list pages and endpoints ---------------------------------------------------------
    def scoped_ids(self, user):
        from delegation import selectors

        return selectors.exercise_record_list(user=user).order_by("-id").values_list("id", flat=True)

    def measure(self, name, user, url, *, api, expect_first=None, n=None):
        """``n`` timed GETs (after 3 warm-ups) of ``url`` as ``user``; p50/p95 and SQL share."""
        from django.db import connection
        from django.test import Client

        n = n or self.args.requests
        client = Client(HTTP_HOST="127.0.0.1")
        headers = {}
        if api:
            headers["HTTP_AUTHORIZATION"] = f"Token {self.tokens[user.username]}"
        else:
            client.force_login(user)
        timer = QueryTimer()
        times, sql_times, counts = [], [], []
        slowest = (0.0, None, None)
        first = None
        with connection.execute_wrapper(timer):
            for i in range(n + 3):
                timer.reset()
                start = time.perf_counter()
                response = client.get(url, **headers)
                spent = time.perf_counter() - start
                if response.status_code != 200:
                    raise SystemExit(f"{name}: GET {url} answered {response.status_code}: {response.content[:300]!r}")
                if i == 0:
                    first = response
                if i < 3:
                    continue
                times.append(spent)
                sql_times.append(timer.seconds)
                counts.append(timer.count)
                if timer.slowest[0] > slowest[0]:
                    slowest = timer.slowest
        check = ""
        if expect_first is not None:
            if api:
                got = json.loads(first.content)["results"][0]["id"]
                check = "ok" if got == expect_first else f"first id {got}, expected {expect_first}"
            else:
                check = "ok" if f"/delegation/records/{expect_first}/" in first.content.decode() else "first row not found"
        plan_file = OUT / "explain" / f"{re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')}.txt"
        if slowest[1]:
            plan_file.write_text(f"-- {name}: {url}\n-- slowest query {ms(slowest[0])} ms\n{slowest[1]}\n-- params "
                                 f"{slowest[2]!r}\n\n{explain(slowest[1], slowest[2])}\n")
        profile = self.profile(name, client, url, headers) if ms(pct(times, 95)) > TARGET_P95_MS else None
        row = {
            "url": url, "user": user.username, "requests": n, "p50_ms": ms(pct(times, 50)), "p95_ms": ms(pct(times, 95)),
            "max_ms": ms(max(times)), "sql_p50_ms": ms(pct(sql_times, 50)), "queries": max(counts),
            "slowest_query_ms": ms(slowest[0]), "bytes": len(first.content), "check": check or "-",
            "explain": str(plan_file.relative_to(ROOT)),
        }
        if profile:
            row["profile"] = profile
        self.results.setdefault("lists", {})[name] = row
        print(f"  {name:<52} p50 {row['p50_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms  "
              f"SQL {row['sql_p50_ms']:>6.1f} ms in {row['queries']} queries  {row['bytes']:>7,} B  {row['check']}",
              flush=True)
        if profile:
            print(f"  {'':<52} profiled: SQL {profile['sql_share']:.0%}, template rendering "
                  f"{profile['template_render_share']:.0%} (incl. its SQL), of which form widgets "
                  f"{profile['form_widgets_share']:.0%} -> {profile['file']}", flush=True)
        return row

    def profile(self, name, client, url, headers) -> dict:
        """Where one request's time goes, from cProfile: SQL, template rendering, the rest.

        Shares of the profiled request (cProfile slows Python down, not the database); the
        functions with the most own time go to bench/out/profile/<name>.txt.
        """
        import cProfile
        import io
        import pstats

        from django.db import connection

        timer = QueryTimer()
        profiler = cProfile.Profile()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            profiler.enable()
            client.get(url, **headers)
            profiler.disable()
            total = time.perf_counter() - start
        stats = pstats.Stats(profiler)
        render = widgets = 0.0
        for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
            if function == "render" and filename.endswith(os.path.join("template", "backends", "django.py")):
                render += cumulative
            if function == "as_widget" and filename.endswith(os.path.join("forms", "boundfield.py")):
                widgets += cumulative  # form fields rendered as widgets: the <select> dropdowns
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
        folder = OUT / "profile"
        folder.mkdir(exist_ok=True)
        path = folder / f"{re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')}.txt"
        path.write_text(f"-- {name}: {url}\n-- total {ms(total)} ms under cProfile, SQL {ms(timer.seconds)} ms in "
                        f"{timer.count} queries, template rendering {ms(render)} ms (incl. its queries), of which form "
                        f"widgets {ms(widgets)} ms\n\n"
                        + stream.getvalue())
        return {"profiled_total_ms": ms(total), "sql_share": round(timer.seconds / total, 2),
                "template_render_share": round(render / total, 2), "form_widgets_share": round(widgets / total, 2),
                "file": str(path.relative_to(ROOT))}

    def part_b(self):
        print("\nb. list pages (HTML) and endpoints (API), page size 50, in process "
              f"({self.args.requests} requests each after 3 warm-ups)", flush=True)
        clerk, office = self.users[CLERK], self.users[OFFICE]
        auditor, admin = self.users[PROVINCE_AUDITOR], self.users[ADMIN]
        scenarios = []
        for label, user in (("clerk", clerk), ("office (county)", office)):
            ids = self.scoped_ids(user)
            total = ids.count()
            last_start = max(0, (total - 1) // 50 * 50)
            after = ids[last_start - 1] if last_start else None
            scenarios.append((f"{label} first page", user, None, ids[0]))
            scenarios.append((f"{label} deepest page ({last_start:,} deep of {total:,})", user, after, ids[last_start]))
        for label, user in (("province auditor", auditor), ("superuser", admin)):
            ids = self.scoped_ids(user)
            total = ids.count()
            deep = min(DEEP, max(0, total - 50))
            if label == "province auditor":
                scenarios.append((f"{label} first page", user, None, ids[0]))
            scenarios.append((f"{label} page {deep:,} deep of {total:,}", user, ids[deep - 1] if deep else None,
                              ids[deep]))
        self.results["list_personas"] = {
            "clerk": f"{CLERK}: clerk of one pilot town (the busiest)",
            "office (county)": f"{OFFICE}: office of that town's county (sees the county only)",
            "province auditor": f"{PROVINCE_AUDITOR}: auditor membership on the province (read only, every record)",
            "superuser": f"{ADMIN}: superuser (no scoping filter at all)",
        }
        for kind in ("HTML", "API"):
            api = kind == "API"
            for label, user, after, first_id in scenarios:
                if after is None:
                    url = API_URL if api else HTML_URL
                else:
                    url = f"{API_URL}?cursor={cursor_for(after)}" if api else f"{HTML_URL}?after={after}"
                if self.args.only and not re.search(self.args.only, f"{kind} {label}"):
                    continue
                row = self.measure(f"{kind} {label}", user, url, api=api, expect_first=first_id)
                self.verdict(f"{kind} {label}: p95", row["p95_ms"], f"<= {TARGET_P95_MS:.0f} ms",
                             row["p95_ms"] <= TARGET_P95_MS, " ms")
        # The cursor built here must be the one DRF builds: compare with the first page's next link.
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        body = json.loads(client.get(API_URL, HTTP_AUTHORIZATION=f"Token {self.tokens[CLERK]}").content)
        next_cursor = re.search(r"cursor=([^&]+)", body["next"] or "")
        last_id = body["results"][-1]["id"]
        built = cursor_for(last_id)
        from urllib.parse import unquote

        same = next_cursor is not None and unquote(next_cursor.group(1)) == built
        self.results["cursor_check"] = {"next_link_cursor": next_cursor and unquote(next_cursor.group(1)),
                                        "built": built, "same": same}
        print(f"  cursor built for id {last_id}: {built!r} {'matches' if same else 'DIFFERS FROM'} DRF's next link",
              flush=True)

    # --- c: 500-row page vs raw ---------------------------------------------------------------
    def part_c(self):
        from django.db import connection
        from django.utils import timezone
        from psycopg.rows import dict_row

        from regions.models import Division

        print(f"\nc. a 500-row API page against raw psycopg + json.dumps of the same rows ({self.args.requests} each)",
              flush=True)
        today = timezone.localdate()
        province = Division.objects.get(level="province")
        clerk_division = self.users[CLERK].memberships.get().division_id
        cases = [
            ("province superior", self.users[PROVINCE_SUPERIOR],
             "r.division_id IN (SELECT id FROM regions_division WHERE path LIKE %(path)s)", {"path": province.path + "%"}),
            ("clerk", self.users[CLERK], "r.division_id = %(division)s", {"division": clerk_division}),
        ]
        for label, user, where, params in cases:
            api = self.measure(f"API 500 rows {label}", user, f"{API_URL}?page_size=500", api=True)
            sql = f"""
                SELECT r.id, r.division_id AS division, d.code AS division_code, d.name AS division_name,
                       r.item_id AS item, i.code AS item_code, i.name AS item_name, r.applicant, r.received_on, r.decided_on,
                       r.outcome, r.decision_number, r.officer_id AS officer, r.filing_due_on, r.filed_on,
                       CASE WHEN r.filed_on IS NULL THEN CASE WHEN r.filing_due_on < %(today)s THEN 'overdue'
                                                              ELSE 'pending' END
                            WHEN r.filed_on <= r.filing_due_on THEN 'on_time' ELSE 'late' END AS filing_state
                FROM delegation_exerciserecord r JOIN regions_division d ON d.id = r.division_id
                JOIN delegation_item i ON i.id = r.item_id WHERE {where} ORDER BY r.id DESC LIMIT 500"""
            connection.ensure_connection()
            raw = connection.connection
            from django.test import Client

            client = Client(HTTP_HOST="127.0.0.1")
            token = f"Token {self.tokens[user.username]}"
            # The ratio compares API and raw requests taken in turn, so that both see the same
            # load: measured one after the other, a change of load on the shared machine between
            # the two series moved the ratio by ±0.5.
            times, api_times = [], []
            body = api_body = None
            for i in range(self.args.requests + 3):
                start = time.perf_counter()
                api_body = client.get(f"{API_URL}?page_size=500", HTTP_AUTHORIZATION=token).content
                api_spent = time.perf_counter() - start
                start = time.perf_counter()
                with raw.cursor(row_factory=dict_row) as cur:
                    cur.execute(sql, {**params, "today": today})
                    rows = cur.fetchall()
                body = json.dumps({"next": None, "previous": None, "results": rows}, default=str, ensure_ascii=False)
                if i >= 3:
                    times.append(time.perf_counter() - start)
                    api_times.append(api_spent)
            same = json.loads(api_body)["results"] == json.loads(body)["results"]
            raw_p50, api_p50 = pct(times, 50), pct(api_times, 50)
            ratio = api_p50 / raw_p50
            self.results.setdefault("page500", {})[label] = {
                "api_p50_ms": api["p50_ms"], "api_p95_ms": api["p95_ms"], "api_p50_interleaved_ms": ms(api_p50),
                "raw_p50_ms": ms(raw_p50), "raw_p95_ms": ms(pct(times, 95)), "ratio_p50": round(ratio, 2),
                "same_rows_and_columns": same, "api_bytes": api["bytes"], "raw_bytes": len(body.encode()),
            }
            print(f"  raw psycopg + json.dumps {label:<26} p50 {ms(raw_p50):>7.1f} ms  p95 {ms(pct(times, 95)):>7.1f} ms"
                  f"  API in turn p50 {ms(api_p50):.1f} ms  ratio API/raw {ratio:.2f}x  same rows and columns: {same}",
                  flush=True)
            self.verdict(f"500-row API page / raw ({label})", f"{ratio:.2f}", f"<= {TARGET_RATIO:.0f}x",
                         ratio <= TARGET_RATIO, "x")

    # --- d: HTTP under gunicorn + wrk ---------------------------------------------------------
    def part_d(self):
        print(f"\nd. HTTP: gunicorn (2 sync workers) + wrk -t2 -c8 -d{self.args.wrk_duration}s on 127.0.0.1", flush=True)
        wrk = shutil.which("wrk") or "/usr/bin/wrk"
        if not Path(wrk).exists():
            raise SystemExit("wrk is missing: apt-get install -y wrk")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
        env.update(DATABASE_URL=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
                   DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production"),
                   DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="config.settings")
        log = open(OUT / "gunicorn.log", "w")
        gunicorn = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--workers", "2",
             "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        token = self.tokens[CLERK]
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit("gunicorn did not answer /healthz")
            request = urllib.request.Request(f"{base}{API_URL}", headers={"Authorization": f"Token {token}"})
            for _ in range(20):  # warm both workers: imports, DB connections
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert response.status == 200
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            workers = self.children(gunicorn.pid)
            from django.db import connection

            with connection.cursor() as cur:  # the workers' persistent database sessions
                cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                backends = [row[0] for row in cur.fetchall()]
            figures = {}
            for label, path, headers in (
                ("hello world /healthz", "/healthz", []),
                ("clerk list endpoint (API, 50 rows)", API_URL, ["-H", f"Authorization: Token {token}"]),
            ):
                app_before, db_before = self.cpu_seconds(workers), self.cpu_seconds(backends)
                loadavg = load_average()
                run = subprocess.run(
                    [wrk, "-t2", "-c8", f"-d{self.args.wrk_duration}s", "--latency", *headers, f"{base}{path}"],
                    capture_output=True, text=True, timeout=self.args.wrk_duration + 60, check=True,
                )
                out = run.stdout
                (OUT / f"wrk_{'healthz' if path == '/healthz' else 'clerk_list'}.txt").write_text(out)
                figures[label] = f = self.parse_wrk(out)
                n = max(f.get("requests", 0), 1)
                # CPU per request: what the box would sustain if gunicorn and PostgreSQL had it alone.
                f["app_cpu_ms_per_request"] = round((self.cpu_seconds(workers) - app_before) * 1000 / n, 2)
                f["db_cpu_ms_per_request"] = round((self.cpu_seconds(backends) - db_before) * 1000 / n, 2)
                f["load_average_before"] = loadavg
                print(f"  {label:<40} {f['requests_per_s']:>8.1f} req/s  latency p50 {f.get('p50')}  p99 {f.get('p99')}"
                      f"  non-2xx {f['non_2xx']}  errors {f['errors'] or '-'}  CPU/request: app "
                      f"{f['app_cpu_ms_per_request']} ms + PostgreSQL {f['db_cpu_ms_per_request']} ms  "
                      f"(load average before: {loadavg})", flush=True)
            self.results["http"] = {"port": port, "load_average_after": load_average(), **figures}
            rps = figures["clerk list endpoint (API, 50 rows)"]["requests_per_s"]
            self.verdict("HTTP clerk list endpoint (gunicorn 2 sync, wrk -c8)", f"{rps:.0f}", f">= {TARGET_RPS:.0f} req/s",
                         rps >= TARGET_RPS and not figures["clerk list endpoint (API, 50 rows)"]["non_2xx"], " req/s")
            self.summary.append(("HTTP hello world /healthz, same run",
                                 f"{figures['hello world /healthz']['requests_per_s']:.0f} req/s", "(ceiling)", "-"))
        finally:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
                gunicorn.wait()
            log.close()

    @staticmethod
    def cpu_seconds(pids) -> float:
        """User + system CPU time used so far by ``pids`` (from /proc/<pid>/stat)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    @staticmethod
    def children(pid) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue
        return found

    @staticmethod
    def parse_wrk(out: str) -> dict:
        figures = {"requests_per_s": 0.0, "non_2xx": 0, "errors": ""}
        m = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if m:
            figures["requests_per_s"] = float(m.group(1))
        m = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
        if m:
            figures["requests"] = int(m.group(1))
            figures["duration"] = m.group(2)
        for q in ("50", "75", "90", "99"):
            m = re.search(rf"^\s+{q}%\s+(\S+)", out, re.M)
            if m:
                figures[f"p{q}"] = m.group(1)
        m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        if m:
            figures["non_2xx"] = int(m.group(1))
        m = re.search(r"Socket errors:(.*)", out)
        if m:
            figures["errors"] = m.group(1).strip()
        return figures

    # --- a: import -----------------------------------------------------------------------------
    def import_rows(self, n: int) -> list[dict]:
        """``n`` new, valid exercise records spread over every pilot town's in-force items.

        Valid as full validation sees them: item taken over and in force on the decision day,
        decided on a working day up to today, an officer with a valid certificate of the item's
        department for entrusted items, decision numbers that exist nowhere yet.
        """
        import random
        from collections import defaultdict

        from django.utils import timezone

        from core.deadlines import CalendarUnknownYear, DeadlineRule, is_working_day
        from delegation.models import Assignment
        from personnel.models import EnforcementCertificate, Officer

        rng = random.Random(7)
        today = timezone.localdate()
        assignments = list(
            Assignment.objects.filter(takeover_status="taken_over", item__status="in_force", taken_over_on__lt="2024-01-01")
            .values("item_id", "item__code", "item__department_id", "item__filing_deadline", "item__category", "mode",
                    "division_id", "division__code")
        )
        officers = defaultdict(list)
        staff = {}
        for oid, division_id, number in Officer.objects.values_list("id", "division_id", "staff_number"):
            officers[division_id].append(oid)
            staff[oid] = number
        holders = defaultdict(list)
        for oid, division_id, department_id in EnforcementCertificate.objects.filter(
            revoked_on__isnull=True, valid_from__lte="2024-01-01", valid_until__gte=today
        ).values_list("officer_id", "officer__division_id", "department_id"):
            holders[(division_id, department_id)].append(oid)
        days, rules = [], {}
        day = dt.date(2024, 1, 2)
        while day <= today:
            try:
                if is_working_day(day):
                    days.append(day)
            except CalendarUnknownYear:
                pass
            day += dt.timedelta(days=1)
        run = dt.datetime.now().strftime("%H%M%S")
        rows = []
        while len(rows) < n:
            a = rng.choice(assignments)
            rule = rules.setdefault(a["item__filing_deadline"], DeadlineRule.parse(a["item__filing_deadline"]))
            decided = rng.choice(days)
            try:
                due = rule.due(decided)
            except CalendarUnknownYear:
                continue
            if a["mode"] == "entrust":
                candidates = holders.get((a["division_id"], a["item__department_id"]))
                if not candidates:
                    continue
                officer = rng.choice(candidates)
            else:
                officer = rng.choice(officers[a["division_id"]]) if rng.random() < 0.5 else None
            r = rng.random()
            filed = None
            if r < 0.75:
                filed = min(decided + dt.timedelta(days=rng.randint(0, 40)), today)
            rows.append({
                "division_id": a["division_id"], "division_code": a["division__code"], "item_id": a["item_id"],
                "item_code": a["item__code"], "applicant": f"导入申请人{len(rows) % 997}",
                "received_on": decided - dt.timedelta(days=rng.randint(0, 10)), "decided_on": decided,
                "outcome": "penalised" if a["item__category"] == "penalty" else "approved",
                "decision_number": f"BENCH-{run}-{len(rows) + 1:06d}", "officer_id": officer,
                "officer_staff_number": staff.get(officer, ""), "filing_due_on": due, "filed_on": filed,
            })
        return rows

    @staticmethod
    def rolled_back(label, results, rows, work, setup=None):
        """Run ``work()`` in a transaction that is rolled back; print and keep rows/s.

        The deferred foreign-key checks are fired before the rollback (SET CONSTRAINTS ALL
        IMMEDIATE) and counted: a commit would run them.
        """
        from django.db import connection, transaction

        with transaction.atomic():
            if setup is not None:
                setup()  # not measured
            start = time.perf_counter()
            work()
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            spent = time.perf_counter() - start
            transaction.set_rollback(True)
        rate = rows / spent
        results[label] = {"rows": rows, "seconds": round(spent, 2), "rows_per_s": round(rate)}
        print(f"  {label:<60} {rows:>9,} rows {spent:>7.2f} s {rate:>10,.0f} rows/s", flush=True)
        return rate

    # History-trigger states the plain writes are measured in (see part_a).
    STATES = {
        "as is": "no history context, no pgtrigger.ignore setting (a bare script or shell)",
        "context": "pghistory context set, as services and requests run (actor_context / middleware)",
        "context, no exception blocks": "context set and pgtrigger.ignore = '{}': the trigger helpers raise nothing",
        "triggers off": "history and delete-protect triggers disabled (ALTER TABLE ... DISABLE TRIGGER USER)",
    }

    @staticmethod
    def set_trigger_state(cur, state, table, user_id):
        if state in {"context", "context, no exception blocks"}:
            cur.execute("SELECT set_config('pghistory.context_id', gen_random_uuid()::text, true), "
                        "set_config('pghistory.context_metadata', %s, true)",
                        [json.dumps({"user": user_id, "source": "bench"})])
        if state == "context, no exception blocks":
            cur.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        if state == "triggers off":
            cur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')

    def part_a(self):
        from django.db import connection

        from delegation.models import ExerciseRecord

        n = self.args.import_rows
        print(f"\na. import of {n:,} exercise records (every write rolled back; history triggers on unless said)",
              flush=True)
        t = time.perf_counter()
        rows = self.import_rows(n)
        print(f"  {'preparing the rows (not measured)':<60} {len(rows):>9,} rows {time.perf_counter() - t:>7.2f} s",
              flush=True)
        results = self.results.setdefault("import", {})
        self.import_full(rows, results)

        fields = ["division_id", "item_id", "applicant", "received_on", "decided_on", "outcome", "decision_number",
                  "officer_id", "filing_due_on", "filed_on"]
        table = ExerciseRecord._meta.db_table
        columns = [ExerciseRecord._meta.get_field(f.removesuffix("_id")).column for f in fields]
        columns += ["created_at", "updated_at"]
        user_id = self.users[ADMIN].id

        def setup(state):
            def run():
                with connection.cursor() as cur:
                    self.set_trigger_state(cur, state, table, user_id)
            return run

        def bulk(subset):
            def work():
                ExerciseRecord.objects.bulk_create(
                    (ExerciseRecord(**{f: r[f] for f in fields}) for r in subset), batch_size=2000
                )
            return work

        def copy(subset):
            def work():
                connection.ensure_connection()
                now = dt.datetime.now(dt.UTC)
                with connection.connection.cursor() as cur:
                    with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as cp:
                        for r in subset:
                            cp.write_row([r[f] for f in fields] + [now, now])
            return work

        print("  plain writes of the same rows (no validation, due date precomputed), by history-trigger state:")
        for state, meaning in self.STATES.items():
            print(f"    {state}: {meaning}")
        self.results["import_trigger_states"] = self.STATES
        small = self.args.diagnosis_rows
        for state in ("as is", "context"):
            for size in (small // 4, small):
                self.rolled_back(f"COPY {size:,} rows, {state}", results, size, copy(rows[:size]), setup(state))
        self.rolled_back(f"bulk_create {small:,} rows, context", results, small, bulk(rows[:small]),
                         setup("context"))
        for state in ("context, no exception blocks", "triggers off"):
            self.rolled_back(f"bulk_create {n:,} rows, {state}", results, n, bulk(rows), setup(state))
            self.rolled_back(f"COPY {n:,} rows, {state}", results, n, copy(rows), setup(state))
        with connection.cursor() as cur:  # the rolled-back rows leave dead tuples behind
            cur.execute(f'VACUUM (ANALYZE) "{table}"')
            cur.execute(f'VACUUM (ANALYZE) "{table}event"')

    def import_csv(self, rows) -> bytes:
        """The rows as the office would upload them: the import's Chinese headers, codes, labels."""
        from delegation.choices import Outcome
        from delegation.resources import ExerciseRecordResource

        resource = ExerciseRecordResource(actor=None)
        attrs = ("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number", "officer",
                 "filed_on")
        labels = {value: str(label) for value, label in Outcome.choices}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([resource.fields[a].column_name for a in attrs])
        for r in rows:
            writer.writerow([r["division_code"], r["item_code"], r["applicant"], r["received_on"].isoformat(),
                             r["decided_on"].isoformat(), labels[r["outcome"]], r["decision_number"],
                             r["officer_staff_number"], r["filed_on"].isoformat() if r["filed_on"] else ""])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # UTF-8 with BOM, as Excel writes it

    def import_full(self, rows, results):
        """The real importer, end to end from the CSV file on disk, with full validation."""
        from delegation.importing import import_exercise_records

        n = len(rows)
        path = OUT / f"import_{n // 1000}k.csv"
        path.write_bytes(self.import_csv(rows))
        actor = self.users[ADMIN]  # the rows span every pilot town: only the superuser may write them all
        self.results["import_actor"] = f"{ADMIN} (superuser): the file covers all 300 pilot towns"
        print(f"  file {path.relative_to(ROOT)}: {path.stat().st_size / 1048576:.1f} MB; importing as {ADMIN}",
              flush=True)
        outcome = {}

        def run(dry_run):
            def work():
                result = import_exercise_records(file_bytes=path.read_bytes(), fmt="csv", actor=actor, dry_run=dry_run)
                if result.errors:
                    raise SystemExit(f"the import refused the file: {result.errors[:5]}")
                outcome[dry_run] = result
            return work

        self.rolled_back("import_exercise_records, dry run (read + validate)", results, n, run(True))
        rate = self.rolled_back("import_exercise_records (read + validate + COPY)", results, n, run(False))
        created = outcome[False].created
        if created != n:
            raise SystemExit(f"the import created {created} rows, expected {n}")
        self.verdict(f"import {n:,}-row CSV, full validation (end to end)", f"{rate:,.0f}",
                     f">= {TARGET_IMPORT:,} rows/s", rate >= TARGET_IMPORT, " rows/s")


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
    parser.add_argument("--wrk-duration", type=int, default=15, help="seconds per wrk run (default 15)")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    setup_django()
    OUT.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    started = dt.datetime.now(dt.UTC)
    before = uptime()
    bench.results["machine"] = {"started": started.isoformat(), "uptime_before": before, "cpus": os.cpu_count(),
                                "database": database_name()}
    bench.results["dataset"] = dataset_counts()
    print(f"database {database_name()}: {bench.results['dataset']}")
    print(f"machine: {os.cpu_count()} CPUs; {before}", flush=True)
    for part in parts:
        getattr(bench, f"part_{part}")()
    bench.results["machine"]["uptime_after"] = uptime()
    bench.results["summary"] = [dict(zip(("figure", "value", "target", "verdict"), row, strict=True))
                                for row in bench.summary]
    path = OUT / args.results
    path.write_text(json.dumps(bench.results, ensure_ascii=False, indent=2, default=str))
    print(f"\nsummary ({bench.results['machine']['uptime_after']})")
    table(bench.summary, ("figure", "value", "target", "verdict"))
    print(f"\nwritten {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
