"""Measure the header search (issue 15 §3) at the bench's province scale: p50/p95 per persona beside
the anchor, the same query as one bare SQL ILIKE over the exercise records (the big table, 1M
rows) with its trigram index, in the same run and in turn; EXPLAIN says whether the index was used.

    .venv/bin/python bench/generate.py              # once: the province, 1,000,000 exercise records
    .venv/bin/python manage.py migrate search       # the trigram indexes, if generate.py's migrate predates them
    .venv/bin/python bench/search.py                # ~1-3 min; --requests 30 --rounds 3

The database is DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/kq_bench; the name must
contain "bench"). Nothing is written. Writes bench/out/search.json and the plans of the records
query of every search in bench/out/explain/search_*.txt. Figures are printed, never asserted;
read them beside the load average printed with them (the machine is shared).

- figure: ``GET /api/v1/search/?q=…`` in process (django.test.Client, the persona's token): auth,
  the scope, one query per kind (town, item, record, agreement, project, person, secondment,
  finding), JSON. Also the HTML results page once per query (the same selector plus the page).
- anchor: ``SELECT id FROM delegation_exerciserecord WHERE [division_id = <the clerk's town> AND]
  (decision_number ILIKE %s OR applicant ILIKE %s) LIMIT 101``: raw psycopg, what the record kind
  costs with nothing around it (the province user's scope is every town: no division condition).
  For one or two characters the anchor is what search asks then (``search_grams(applicant) @>
  search_grams(%s) AND applicant ILIKE %s``), and the bare ILIKE alone is printed once beside it.
- personas: bench_province_auditor (the whole province: 1M records) and bench_clerk (the busiest
  pilot town, ~4,700 records). Queries: a town's name, a decision-number fragment, an applicant's
  full name, a company-name fragment, 2-character and 4-character Chinese, and one character.
- generate.py makes no projects, people, secondments or findings: those kinds are asked, and cost
  their (small, empty) index lookups; the records dominate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CLERK, OUT, PROVINCE_AUDITOR, database_name, load_average, setup_django
from bench.parts.measuring import pct, spread, table

GOAL_MS = 100.0
ANCHOR_SQL = ("SELECT id FROM delegation_exerciserecord WHERE {scope}(decision_number ILIKE %s OR applicant ILIKE %s) "
              "LIMIT 101")
# One or two characters: what search asks of the records (applicant only, its grams index first).
SHORT_ANCHOR_SQL = ("SELECT id FROM delegation_exerciserecord WHERE {scope}search_grams(applicant) @> search_grams(%s) "
                    "AND applicant ILIKE %s LIMIT 101")


def queries(clerk_town) -> list[tuple[str, str]]:
    """(label, query) from the data set itself, so they find what a user would type to find."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT decision_number, applicant FROM delegation_exerciserecord WHERE division_id = %s "
                    "ORDER BY id DESC LIMIT 1", [clerk_town.pk])
        number, _ = cur.fetchone()
        cur.execute("SELECT applicant, count(*) FROM delegation_exerciserecord WHERE division_id = %s "
                    "AND applicant NOT LIKE '%%公司' GROUP BY applicant ORDER BY 2 DESC, 1 LIMIT 1", [clerk_town.pk])
        person, _ = cur.fetchone()
    fragment = number[: number.index("〕") + 1] + number[number.index("〕") + 1:][:2]  # 10101审〔2026〕12
    return [
        ("town name (3)", clerk_town.name),
        ("decision number fragment", fragment),
        ("decision number, whole", number),
        ("applicant, full name (3)", person),
        ("company fragment (4)", "建材有限"),
        ("2-char Chinese (surname+given)", person[:2]),
        ("2-char Chinese (place)", clerk_town.name[:2]),
        ("4-char Chinese (item)", "食品经营"),
        ("1 character", person[0]),
    ]


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def bare(sql, params):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def plan_of(user, text) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the record kind's query for ``user``, as search runs it."""
    from bench.parts.measuring import explain
    from search import selectors

    qs = selectors.matches(selectors.BY_KEY["record"], user=user, text=text).order_by().values("id")[:101]
    sql, params = qs.query.sql_with_params()
    return explain(sql, params)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="timed API requests per persona and query (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each figure in turn with its anchor (default 3)")
    args = parser.parse_args(argv)
    os.environ.setdefault("KQ_THROTTLE_USER", "1000000/min")  # the API's per-user rate would cut the run short
    os.environ.setdefault("DJANGO_HTTPS", "0")  # in process over plain http (no redirect to https)
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from regions.models import Division
    from search.rules import TRIGRAM_LENGTH, like_pattern

    users = {u.username: u for u in get_user_model().objects.filter(username__in=[PROVINCE_AUDITOR, CLERK])}
    if len(users) != 2:
        raise SystemExit("bench users missing: run bench/generate.py first")
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_trgm_%%'")
        indexes = sorted(r[0] for r in cur.fetchall())
        cur.execute("SELECT count(*) FROM delegation_exerciserecord")
        records = cur.fetchone()[0]
    if not indexes:
        raise SystemExit("no search_trgm_* index: run `manage.py migrate search` on this database first")
    clerk_town = Division.objects.get(pk=users[CLERK].memberships.get(is_active=True).division_id)
    tokens = {t.user.username: t.key for t in Token.objects.filter(user__in=users.values()).select_related("user")}
    personas = [("province (auditor)", PROVINCE_AUDITOR, ""), ("town clerk", CLERK, f"division_id = {clerk_town.pk} AND ")]
    qs = queries(clerk_town)
    print(f"database {database_name()}: {records:,} exercise records, {len(indexes)} trigram indexes; "
          f"clerk's town {clerk_town.name} (id {clerk_town.pk})")
    print(f"load average {load_average()}; {os.cpu_count()} CPUs; {args.rounds} rounds x {args.requests} requests")
    (OUT / "explain").mkdir(parents=True, exist_ok=True)

    results = {"database": database_name(), "records": records, "load_average_before": load_average(), "rows": []}
    rows, per_persona = [], {}
    for label, username, scope in personas:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {tokens[username]}")
        page = Client(HTTP_HOST="127.0.0.1")
        page.force_login(users[username])
        user = get_user_model().objects.get(pk=users[username].pk)
        all_api = []
        for qlabel, text in qs:
            url = "/api/v1/search/?" + urlencode({"q": text})
            pattern = like_pattern(text)
            short = len(text) < TRIGRAM_LENGTH
            sql = (SHORT_ANCHOR_SQL if short else ANCHOR_SQL).format(scope=scope)
            anchor_params = [text, pattern] if short else [pattern, pattern]
            plain_ms = timed(bare, ANCHOR_SQL.format(scope=scope), [pattern, pattern]) if short else None
            for _ in range(2):  # warm-ups
                warm = client.get(url)
                assert warm.status_code == 200, (warm.status_code, warm.get("Location"), warm.content[:300])
            api_ms, anchor_ms = [], []
            for _ in range(args.rounds):
                for _ in range(args.requests):  # in turn: a change of load hits both
                    api_ms.append(timed(client.get, url))
                    anchor_ms.append(timed(bare, sql, anchor_params))
            page_ms = timed(page.get, "/search/?" + urlencode({"q": text}))
            answer = client.get(url)
            assert answer.status_code == 200, answer.content[:300]
            body = answer.json()
            counts = {g["kind"]: f"{g['count']}{'+' if g['capped'] else ''}" for g in body["groups"]}
            plan = plan_of(user, text)
            used = "search_trgm_record" in plan or "search_grams_record" in plan
            name = f"search_{username}_{len(rows):02d}.txt"
            (OUT / "explain" / name).write_text(f"-- {label}: {qlabel} {text!r}\n{plan}\n")
            all_api += api_ms
            row = {"persona": label, "query": qlabel, "text": text, "chars": len(text),
                   "api_p50": round(statistics.median(api_ms), 1), "api_p95": round(pct(api_ms, 95), 1),
                   "anchor_p50": round(statistics.median(anchor_ms), 1), "anchor_p95": round(pct(anchor_ms, 95), 1),
                   "page_once": round(page_ms, 1), "record_index_used": used,
                   "bare_ilike_once": None if plain_ms is None else round(plain_ms, 1), "counts": counts, "plan": name}
            row["ratio_p50"] = round(row["api_p50"] / row["anchor_p50"], 2) if row["anchor_p50"] else None
            rows.append(row)
            results["rows"].append(row)
            print(f"  {label:<18} {qlabel:<32} {text:<14} API p50 {row['api_p50']:>7} p95 {row['api_p95']:>7} ms | "
                  f"anchor p50 {row['anchor_p50']:>7} p95 {row['anchor_p95']:>7} ms | page {row['page_once']:>7} ms | "
                  f"index {'yes' if used else 'no '} | {counts}"
                  + ("" if plain_ms is None else f" | bare ILIKE alone, once: {plain_ms:.1f} ms"), flush=True)
        per_persona[label] = all_api
    print(f"\nper query (ms; anchor = one bare SQL ILIKE over the records with the persona's scope; load {load_average()})")
    table([(r["persona"], r["query"], r["text"], r["chars"], r["api_p50"], r["api_p95"], r["anchor_p50"], r["ratio_p50"],
            r["page_once"], "yes" if r["record_index_used"] else "no") for r in rows],
          ("persona", "query", "q", "chars", "API p50", "API p95", "anchor p50", "ratio", "page", "index used"))
    print(f"\nper persona, every query together (goal: p95 <= {GOAL_MS:g} ms)")
    summary = []
    for label, values in per_persona.items():
        anchors = [r["anchor_p50"] for r in rows if r["persona"] == label]
        p95 = pct(values, 95)
        summary.append((label, len(values), round(statistics.median(values), 1), round(p95, 1),
                        f"{statistics.median(anchors):g} (per-query p50 {spread(anchors)})",
                        "met" if p95 <= GOAL_MS else "MISSED"))
        results.setdefault("personas", {})[label] = {"requests": len(values), "p50": summary[-1][2], "p95": summary[-1][3],
                                                     "goal_ms": GOAL_MS, "met": p95 <= GOAL_MS}
    table(summary, ("persona", "requests", "API p50", "API p95", "anchor p50 (median of queries)", "p95 goal"))
    results["load_average_after"] = load_average()
    (OUT / "search.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nload average {load_average()}; written {OUT.name}/search.json and {OUT.name}/explain/search_*.txt")


if __name__ == "__main__":
    main()
