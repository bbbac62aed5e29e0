"""Part d: the clerk's list endpoint under gunicorn (2 sync workers) with wrk, beside /healthz."""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.common import CLERK, DEFAULT_DATABASE_URL, OUT, ROOT, load_average
from bench.parts.lists import API_URL
from bench.parts.measuring import spread

GOAL_RATIO = 0.3  # list endpoint req/s over hello-world req/s, same run


class HttpPart:
    def part_d(self):
        print(f"\nd. HTTP: gunicorn (2 sync workers) + wrk -t2 -c8 -d{self.args.wrk_duration}s on 127.0.0.1:"
              f"{self.args.port}, /healthz and the list endpoint in turn, {self.args.rounds} rounds", flush=True)
        wrk = shutil.which("wrk") or "/usr/bin/wrk"
        if not Path(wrk).exists():
            raise SystemExit("wrk is missing: apt-get install -y wrk")
        port = self.args.port
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
        env.update(DATABASE_URL=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
                   DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production"),
                   DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="config.settings")
        # wrk sends thousands of requests a second with one token: an API rate limit per user
        # (KQ_THROTTLE_USER, 600/min) would answer 429 to nearly all of them. Still counted.
        env.setdefault("KQ_THROTTLE_USER", "100000000/min")
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
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # nosec B310 # http:// URL of the server started above
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit("gunicorn did not answer /healthz")
            request = urllib.request.Request(f"{base}{API_URL}", headers={"Authorization": f"Token {token}"})
            for _ in range(20):  # warm both workers: imports, DB connections
                with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310 # http:// URL of the server started above
                    assert response.status == 200
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # nosec B310 # http:// URL of the server started above
            workers = self.children(gunicorn.pid)
            from django.db import connection

            with connection.cursor() as cur:  # the workers' persistent database sessions
                cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                backends = [row[0] for row in cur.fetchall()]
            targets = (
                ("hello world /healthz", "/healthz", [], "healthz"),
                ("clerk list endpoint (API, 50 rows)", API_URL, ["-H", f"Authorization: Token {token}"], "clerk_list"),
            )
            runs = {label: [] for label, *_ in targets}
            ratios = []
            for r in range(self.args.rounds):
                rates = {}
                for label, path, headers, slug in targets:
                    app_before, db_before = self.cpu_seconds(workers), self.cpu_seconds(backends)
                    loadavg = load_average()
                    run = subprocess.run(
                        [wrk, "-t2", "-c8", f"-d{self.args.wrk_duration}s", "--latency", *headers, f"{base}{path}"],
                        capture_output=True, text=True, timeout=self.args.wrk_duration + 60, check=True,
                    )
                    out = run.stdout
                    (OUT / f"wrk_{slug}_{r + 1}.txt").write_text(out)
                    f = self.parse_wrk(out)
                    n = max(f.get("requests", 0), 1)
                    # CPU per request: what the box would sustain if gunicorn and PostgreSQL had it alone.
                    f["app_cpu_ms_per_request"] = round((self.cpu_seconds(workers) - app_before) * 1000 / n, 2)
                    f["db_cpu_ms_per_request"] = round((self.cpu_seconds(backends) - db_before) * 1000 / n, 2)
                    f["load_average_before"] = loadavg
                    runs[label].append(f)
                    rates[label] = f["requests_per_s"]
                    print(f"  round {r + 1} {label:<36} {f['requests_per_s']:>8.1f} req/s  latency p50 {f.get('p50')}"
                          f"  p99 {f.get('p99')}  non-2xx {f['non_2xx']}  errors {f['errors'] or '-'}  CPU/request: "
                          f"app {f['app_cpu_ms_per_request']} ms + PostgreSQL {f['db_cpu_ms_per_request']} ms  "
                          f"(load average before: {loadavg})", flush=True)
                hello, listed = (rates[label] for label, *_ in targets)
                ratios.append(round(listed / hello, 3) if hello else 0.0)
            self.results["http"] = {"port": port, "load_average_after": load_average(), "rounds": runs,
                                    "ratios": ratios}
            hello_rps = [f["requests_per_s"] for f in runs["hello world /healthz"]]
            list_rps = [f["requests_per_s"] for f in runs["clerk list endpoint (API, 50 rows)"]]
            errors = sum(f["non_2xx"] for f in runs["clerk list endpoint (API, 50 rows)"])
            ratio = statistics.median(ratios)
            app_cpu = round(statistics.median(f["app_cpu_ms_per_request"] for f in runs["clerk list endpoint (API, 50 rows)"]), 2)
            hello_cpu = round(statistics.median(f["app_cpu_ms_per_request"] for f in runs["hello world /healthz"]), 2)
            self.goal("HTTP clerk list endpoint req/s (gunicorn 2 sync, wrk -t2 -c8)", statistics.median(list_rps),
                      "req/s", anchor="hello world /healthz req/s", anchor_value=statistics.median(hello_rps),
                      ratio=ratio, goal=f"ratio >= {GOAL_RATIO}", met=ratio >= GOAL_RATIO and not errors,
                      spread=f"ratio {spread(ratios)}",
                      note=f"app CPU a request {app_cpu} ms (hello world {hello_cpu} ms); non-2xx {errors}; "
                           f"req/s list {spread(list_rps)}, hello {spread(hello_rps)}")
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

