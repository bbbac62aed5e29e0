"""Part d: the clerk's list endpoint under gunicorn (2 sync workers) with wrk, beside /healthz."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.common import CLERK, DEFAULT_DATABASE_URL, OUT, ROOT, load_average
from bench.parts.lists import API_URL

TARGET_RPS = 300.0


class HttpPart:
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

