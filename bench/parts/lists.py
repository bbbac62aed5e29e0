"""Part b: the list pages (HTML) and list endpoints (API), page size 50, in process.

Goal (issue 7 §3): the HTML list page of 50, first and deepest page, p95 ≤ 20 ms, with keyset
pagination and a query count that does not depend on the depth. Each figure is taken in
``--rounds`` rounds (the scenarios interleaved, so a change of load hits all of them); the
table shows the median p95 of the rounds and their spread. Every request is split into SQL
(connection execute wrapper), template rendering without the SQL run while rendering, and the
rest (view, forms, middleware, the test client).
"""

from __future__ import annotations

import json
import re
import statistics
import time

from bench.common import ADMIN, CLERK, OFFICE, OUT, PROVINCE_AUDITOR, ROOT
from bench.parts.measuring import cursor_for, explain, ms, pct, spread

HTML_URL = "/delegation/records/"
API_URL = "/api/v1/delegation/exercise-records/"
GOAL_HTML_P95_MS = 20.0
PAGE = 50


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


class ListsPart:
    def scoped_ids(self, user):
        from delegation import selectors

        return selectors.exercise_record_list(user=user).values_list("id", flat=True)

    def list_scenarios(self) -> list[tuple[str, object, int | None, int]]:
        """(label, user, keyset ``after`` id or None, expected first id) for the first and the
        deepest page of each persona. The deepest page is the last one (ordering -id), found by
        counting and reading from the other end, so no OFFSET of millions is needed."""
        scenarios = []
        for label, username in (("clerk", CLERK), ("office (county)", OFFICE), ("province auditor", PROVINCE_AUDITOR),
                                ("superuser", ADMIN)):
            user = self.users[username]
            ids = self.scoped_ids(user)
            total = ids.count()
            last_start = max(0, (total - 1) // PAGE * PAGE)  # rows before the last page, in -id order
            ascending = ids.order_by("id")
            first_of_last = ascending[total - last_start - 1]
            after = ascending[total - last_start] if last_start else None
            scenarios.append((f"{label} first page", user, None, ids.order_by("-id")[0]))
            scenarios.append((f"{label} deepest page ({last_start:,} deep of {total:,})", user, after, first_of_last))
        return scenarios

    def measure(self, name, user, url, *, api, expect_first=None, n=None, goal_ms=None, diagnose=True):
        """``n`` timed GETs (after 3 warm-ups) of ``url`` as ``user``: p50/p95, query count, and
        the share of SQL and of template rendering (without its SQL) in each request.

        ``diagnose``: also write the EXPLAIN ANALYZE of the slowest query, and a cProfile of one
        request when p95 misses ``goal_ms``.
        """
        from django.db import connection
        from django.test import Client

        n = n or self.args.requests
        client = Client(HTTP_HOST="127.0.0.1")
        headers = {}
        if api:
            headers["HTTP_AUTHORIZATION"] = f"Token {self.tokens[user.username]}"
        else:
            client.force_login(user)
        timer, render = self.query_timer, self.render_timer
        times, sql_times, counts, sql_share, tpl_share = [], [], [], [], []
        slowest = (0.0, None, None)
        first = None
        with connection.execute_wrapper(timer):
            for i in range(n + 3):
                timer.reset()
                render.reset()
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
                sql_share.append(timer.seconds / spent)
                tpl_share.append((render.seconds - render.sql_seconds) / spent)
                if timer.slowest[0] > slowest[0]:
                    slowest = timer.slowest
        check = "-"
        if expect_first is not None:
            if api:
                got = json.loads(first.content)["results"][0]["id"]
                check = "ok" if got == expect_first else f"first id {got}, expected {expect_first}"
            else:
                check = "ok" if f"/delegation/records/{expect_first}/" in first.content.decode() else "first row not found"
        row = {
            "url": url, "user": user.username, "requests": n, "p50_ms": ms(pct(times, 50)), "p95_ms": ms(pct(times, 95)),
            "max_ms": ms(max(times)), "sql_p50_ms": ms(pct(sql_times, 50)), "queries": max(counts),
            "queries_min": min(counts), "sql_share": round(statistics.median(sql_share), 2),
            "template_share": round(statistics.median(tpl_share), 2), "slowest_query_ms": ms(slowest[0]),
            "bytes": len(first.content), "check": check,
        }
        if diagnose and slowest[1]:
            plan_file = OUT / "explain" / f"{slug(name)}.txt"
            plan_file.write_text(f"-- {name}: {url}\n-- slowest query {ms(slowest[0])} ms\n{slowest[1]}\n-- params "
                                 f"{slowest[2]!r}\n\n{explain(slowest[1], slowest[2])}\n")
            row["explain"] = str(plan_file.relative_to(ROOT))
        if diagnose and goal_ms is not None and row["p95_ms"] > goal_ms:
            row["profile"] = self.profile(name, client, url, headers)
        queries = str(row["queries"]) if row["queries"] == row["queries_min"] else f"{row['queries_min']}-{row['queries']}"
        print(f"  {name:<58} p50 {row['p50_ms']:>6.1f}  p95 {row['p95_ms']:>6.1f} ms  {queries:>3} queries  "
              f"SQL {row['sql_share']:>4.0%}  templates {row['template_share']:>4.0%}  {row['bytes']:>7,} B  {check}",
              flush=True)
        if row.get("profile"):
            print(f"  {'':<58} cProfile -> {row['profile']['file']}", flush=True)
        return row

    def profile(self, name, client, url, headers) -> dict:
        """Where one request's time goes, from cProfile: the functions with the most own time go
        to bench/out/profile/<name>.txt (cProfile slows Python down, not the database)."""
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        client.get(url, **headers)
        profiler.disable()
        total = time.perf_counter() - start
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        folder = OUT / "profile"
        folder.mkdir(exist_ok=True)
        path = folder / f"{slug(name)}.txt"
        path.write_text(f"-- {name}: {url}\n-- total {ms(total)} ms under cProfile\n\n" + stream.getvalue())
        return {"profiled_total_ms": ms(total), "file": str(path.relative_to(ROOT))}

    def part_b(self):
        rounds = self.args.rounds
        print(f"\nb. list pages (HTML) and endpoints (API), page size {PAGE}, in process: {self.args.requests} requests "
              f"each after 3 warm-ups, {rounds} rounds (columns: p50, p95, queries, share of SQL and of template "
              "rendering without its SQL)", flush=True)
        scenarios = self.list_scenarios()
        self.results["list_personas"] = {
            "clerk": f"{CLERK}: clerk of one pilot town (the busiest)",
            "office (county)": f"{OFFICE}: office of that town's county (sees the county only)",
            "province auditor": f"{PROVINCE_AUDITOR}: auditor membership on the province (read only, every record)",
            "superuser": f"{ADMIN}: superuser (no scoping filter at all)",
        }
        figures: dict[str, list[dict]] = {}
        for r in range(rounds):
            print(f"  round {r + 1} of {rounds} (load average {self.loadavg()})", flush=True)
            for kind in ("HTML", "API"):
                api = kind == "API"
                for label, user, after, first_id in scenarios:
                    if after is None:
                        url = API_URL if api else HTML_URL
                    else:
                        url = f"{API_URL}?cursor={cursor_for(after)}" if api else f"{HTML_URL}?after={after}"
                    name = f"{kind} {label}"
                    if self.args.only and not re.search(self.args.only, name):
                        continue
                    figures.setdefault(name, []).append(self.measure(
                        name, user, url, api=api, expect_first=first_id, goal_ms=None if api else GOAL_HTML_P95_MS,
                        diagnose=r == 0,
                    ))
        lists = self.results.setdefault("lists", {})
        for name, rows in figures.items():
            p95s = [row["p95_ms"] for row in rows]
            p95 = statistics.median(p95s)
            lists[name] = {"rounds": rows, "p95_ms_median": p95, "p95_ms_spread": spread(p95s),
                           "p50_ms_median": statistics.median(row["p50_ms"] for row in rows)}
            if name.startswith("HTML"):
                queries = sorted({row["queries"] for row in rows} | {row["queries_min"] for row in rows})
                self.goal(
                    f"{name}: p95", p95, "ms", anchor="absolute", anchor_value=None,
                    ratio=p95 / GOAL_HTML_P95_MS, goal=f"<= {GOAL_HTML_P95_MS:.0f} ms", met=p95 <= GOAL_HTML_P95_MS,
                    spread=spread(p95s),
                    note=f"p50 {lists[name]['p50_ms_median']:g} ms, {'/'.join(map(str, queries))} queries, SQL "
                         f"{statistics.median(row['sql_share'] for row in rows):.0%}, templates "
                         f"{statistics.median(row['template_share'] for row in rows):.0%}",
                )
        self.check_query_counts(figures)
        self.check_cursor()

    def check_query_counts(self, figures):
        """Keyset pagination: the deepest page must take the same queries as the first."""
        fixed = {}
        for name, rows in figures.items():
            if " first page" not in name:
                continue
            deep = next((n for n in figures if n.startswith(name.replace(" first page", " deepest page"))), None)
            if deep is None:
                continue
            a = {row["queries"] for row in rows}
            b = {row["queries"] for row in figures[deep]}
            fixed[name.replace(" first page", "")] = {"first": sorted(a), "deepest": sorted(b), "same": a == b}
        self.results["query_counts_first_vs_deepest"] = fixed
        differing = [k for k, v in fixed.items() if not v["same"]]
        print(f"  query counts first vs deepest page: {'the same for every list' if not differing else differing}",
              flush=True)

    def check_cursor(self):
        """The cursor built here must be the one DRF builds: compare with the first page's next link."""
        from urllib.parse import unquote

        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        body = json.loads(client.get(API_URL, HTTP_AUTHORIZATION=f"Token {self.tokens[CLERK]}").content)
        next_cursor = re.search(r"cursor=([^&]+)", body["next"] or "")
        last_id = body["results"][-1]["id"]
        built = cursor_for(last_id)
        same = next_cursor is not None and unquote(next_cursor.group(1)) == built
        self.results["cursor_check"] = {"next_link_cursor": next_cursor and unquote(next_cursor.group(1)),
                                        "built": built, "same": same}
        print(f"  cursor built for id {last_id}: {built!r} {'matches' if same else 'DIFFERS FROM'} DRF's next link",
              flush=True)
