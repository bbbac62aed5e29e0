"""Shared set-up for the benchmark scripts: Django against the dedicated bench database.

The scripts refuse to touch a database whose name does not contain "bench": generate.py
truncates every table of the catalogue apps.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/kq_bench"

# The personas the data set creates (generate.py) and the figures use (run.py).
ADMIN = "bench_admin"  # superuser
PROVINCE_AUDITOR = "bench_province_auditor"  # auditor membership on the province: sees every record
PROVINCE_SUPERIOR = "bench_province_superior"  # superior membership on the province
OFFICE = "bench_office"  # office of the clerk's county
CLERK = "bench_clerk"  # clerk of the busiest pilot town
PASSWORD = "bench-password-not-secret"


def setup_django(settings_module: str = "bench.settings") -> None:
    """Point Django at the bench database (DATABASE_URL wins) with DEBUG off, and set it up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from django.db import connection

    name = connection.settings_dict["NAME"] or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to run against database {name!r}: its name must contain 'bench'")


def database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


@contextmanager
def timed(label: str, results: dict | None = None, rows: int | None = None):
    """Print how long the block took (and rows/s when ``rows`` is given)."""
    start = time.perf_counter()
    box = {"rows": rows}
    yield box
    seconds = time.perf_counter() - start
    n = box.get("rows")
    rate = f"  {n / seconds:>12,.0f} rows/s" if n and seconds > 0 else ""
    count = f"{n:>11,} rows" if n is not None else " " * 16
    shown = label if len(label) <= 58 else label[:57] + "…"
    print(f"  {shown:<58} {count} {seconds:>8.2f} s{rate}", flush=True)
    if results is not None:
        results[label] = {"rows": n, "seconds": round(seconds, 3)}


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def in_threads(writers: int, work) -> tuple[float, list[str]]:
    """Run ``work(writer_index)`` in ``writers`` threads released at once (one database connection
    each, closed at the end): seconds for all of them, and the errors the writers raised."""
    import threading
    import time

    from django.db import connection

    barrier = threading.Barrier(writers + 1)
    errors: list[str] = []

    def run(w):
        try:
            barrier.wait()
            work(w)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, errors
