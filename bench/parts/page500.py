"""Part c: a 500-row API page against raw psycopg + json.dumps of the same rows.

Goal (issue 7 §3): the API page ≤ 1.1× the anchor. The anchor is one hand-written query of the
same rows and columns (the filing state computed in SQL) through the raw psycopg connection,
``fetchall`` into dicts and ``json.dumps`` of the same envelope. API request and raw query are
taken in turn (one of each, ``--requests`` times a round), so both see the same load; measured
as two series one after the other, a change of load in between moved the ratio by ±0.5.
"""

from __future__ import annotations

import json
import statistics
import time

from bench.common import CLERK, PROVINCE_SUPERIOR
from bench.parts.lists import API_URL
from bench.parts.measuring import ms, pct, spread

GOAL_RATIO = 1.1

RAW_SQL = """
    SELECT r.id, r.division_id AS division, d.code AS division_code, d.name AS division_name,
           r.item_id AS item, i.code AS item_code, i.name AS item_name, r.applicant, r.received_on,
           r.decided_on, r.outcome, r.decision_number, r.officer_id AS officer, r.filing_due_on,
           r.filing_due_provisional AS due_provisional, r.filed_on,
           CASE WHEN r.filed_on IS NULL THEN CASE WHEN r.filing_due_on < %(today)s THEN 'overdue' ELSE 'pending' END
                WHEN r.filed_on <= r.filing_due_on THEN 'on_time' ELSE 'late' END AS filing_state,
           r.filing_late_entry
    FROM delegation_exerciserecord r JOIN regions_division d ON d.id = r.division_id
    JOIN delegation_item i ON i.id = r.item_id WHERE {where} ORDER BY r.id DESC LIMIT 500"""


class Page500Part:
    def part_c(self):
        from django.db import connection
        from django.test import Client
        from django.utils import timezone
        from psycopg.rows import dict_row

        from regions.models import Division

        rounds = self.args.rounds
        print(f"\nc. a 500-row API page against raw psycopg + json.dumps of the same rows ({self.args.requests} of each "
              f"in turn, {rounds} rounds)", flush=True)
        today = timezone.localdate()
        province = Division.objects.get(level="province")
        clerk_division = self.users[CLERK].memberships.get().division_id
        cases = [
            ("province superior", self.users[PROVINCE_SUPERIOR],
             "r.division_id IN (SELECT id FROM regions_division WHERE path LIKE %(path)s)",
             {"path": province.path + "%"}),
            ("clerk", self.users[CLERK], "r.division_id = %(division)s", {"division": clerk_division}),
        ]
        url = f"{API_URL}?page_size=500"
        for label, user, where, params in cases:
            api = self.measure(f"API 500 rows {label}", user, url, api=True)
            sql = RAW_SQL.format(where=where)
            connection.ensure_connection()
            raw = connection.connection
            client = Client(HTTP_HOST="127.0.0.1")
            token = f"Token {self.tokens[user.username]}"
            ratios, raw_p50s, api_p50s = [], [], []
            body = api_body = None
            for _round in range(rounds):
                times, api_times = [], []
                for i in range(self.args.requests + 3):
                    start = time.perf_counter()
                    api_body = client.get(url, HTTP_AUTHORIZATION=token).content
                    api_spent = time.perf_counter() - start
                    start = time.perf_counter()
                    with raw.cursor(row_factory=dict_row) as cur:
                        cur.execute(sql, {**params, "today": today})
                        rows = cur.fetchall()
                    body = json.dumps({"next": None, "previous": None, "results": rows}, default=str,
                                      ensure_ascii=False)
                    if i >= 3:
                        times.append(time.perf_counter() - start)
                        api_times.append(api_spent)
                raw_p50, api_p50 = pct(times, 50), pct(api_times, 50)
                ratios.append(round(api_p50 / raw_p50, 2))
                raw_p50s.append(ms(raw_p50))
                api_p50s.append(ms(api_p50))
                print(f"    round {_round + 1}: API {ms(api_p50):.1f} ms  raw {ms(raw_p50):.1f} ms  "
                      f"ratio {api_p50 / raw_p50:.2f}x  (load average {self.loadavg()})", flush=True)
            api_rows, raw_rows = json.loads(api_body)["results"], json.loads(body)["results"]
            same = api_rows == raw_rows
            if not same and api_rows and raw_rows:
                print(f"  ROWS DIFFER: API columns {sorted(api_rows[0])}, raw {sorted(raw_rows[0])}", flush=True)
            ratio = statistics.median(ratios)
            self.results.setdefault("page500", {})[label] = {
                "api_p50_ms": api["p50_ms"], "api_p95_ms": api["p95_ms"], "api_queries": api["queries"],
                "api_p50_in_turn_ms": api_p50s, "raw_p50_ms": raw_p50s, "ratios": ratios, "ratio_median": ratio,
                "same_rows_and_columns": same, "api_bytes": api["bytes"], "raw_bytes": len(body.encode()),
            }
            print(f"  raw psycopg + json.dumps {label:<20} p50 {statistics.median(raw_p50s):.1f} ms, API in turn "
                  f"{statistics.median(api_p50s):.1f} ms: ratio {ratio:.2f}x ({spread(ratios)}); same rows and "
                  f"columns: {same}", flush=True)
            self.goal(f"500-row API page ({label}) p50", statistics.median(api_p50s), "ms",
                      anchor="raw psycopg + json.dumps p50 ms", anchor_value=statistics.median(raw_p50s), ratio=ratio,
                      goal=f"ratio <= {GOAL_RATIO}", met=ratio <= GOAL_RATIO and same,
                      spread=f"ratio {spread(ratios)}",
                      note=f"{api['queries']} queries, same rows and columns: {same}")
