"""Part c: a 500-row API page against raw psycopg + json.dumps of the same rows."""

from __future__ import annotations

import json
import time

from bench.common import CLERK, PROVINCE_SUPERIOR
from bench.parts.lists import API_URL
from bench.parts.measuring import ms, pct

TARGET_RATIO = 2.0


class Page500Part:
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

