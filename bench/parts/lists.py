"""Part b: the list pages (HTML) and list endpoints (API), page size 50, in process."""

from __future__ import annotations

import json
import os
import re
import time

from bench.common import ADMIN, CLERK, OFFICE, OUT, PROVINCE_AUDITOR, ROOT
from bench.parts.measuring import QueryTimer, cursor_for, explain, ms, pct

HTML_URL = "/delegation/records/"
API_URL = "/api/v1/delegation/exercise-records/"
DEEP = 600_000
TARGET_P95_MS = 50.0


class ListsPart:
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

