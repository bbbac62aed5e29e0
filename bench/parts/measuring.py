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

