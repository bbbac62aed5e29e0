"""What every part of run.py shares: the per-request query timer, percentiles, EXPLAIN, table output."""

from __future__ import annotations

import base64
import statistics
import time


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



def spread(values) -> str:
    """min–max of the rounds, as printed beside a median."""
    if not values:
        return "-"
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


class RenderTimer:
    """Time spent in Django template rendering (outermost ``Template.render`` only) and the SQL
    run while rendering (lazy querysets, context processors), so that template time can be
    reported without its queries. Installed for the whole run; costs two clock reads a render."""

    def __init__(self, queries: QueryTimer):
        self.queries = queries
        self.depth = 0
        self.reset()

    def reset(self):
        self.seconds = 0.0
        self.sql_seconds = 0.0

    def install(self):
        from django.template.backends import django as backend

        original = backend.Template.render
        timer = self

        def render(template, context=None, request=None):
            if timer.depth:  # a widget or an include rendered inside the page: already timed
                return original(template, context, request)
            timer.depth += 1
            sql_before = timer.queries.seconds
            start = time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                timer.seconds += time.perf_counter() - start
                timer.sql_seconds += timer.queries.seconds - sql_before
                timer.depth -= 1

        backend.Template.render = render
