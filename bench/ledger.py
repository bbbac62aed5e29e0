"""Measure the ledger engine (core/ledger): postings per second and the time to verify a chain.

    .venv/bin/python bench/ledger.py                      # everything, ~2-4 min on 2 cores
    .venv/bin/python bench/ledger.py --chain 100000       # a smaller chain for a smoke run

The database is DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/kq_bench); the name
must contain "bench": the script TRUNCATEs the ledger tables (the row triggers that refuse
DELETE do not fire on TRUNCATE). Writes bench/out/ledger.json. Figures are printed, never
asserted; read them beside the load average printed with them.

a. postings/s through ``core.ledger.services.posting_create`` (the real service: row locks,
   idempotency lookup, period check, invariants, hash chain, one transaction a posting), with
   1 and with 8 concurrent writers (threads, each with its own connection), all on one hot
   account and spread over 300 accounts. Beside each: the anchor, a bare INSERT of the same
   rows (one posting row, two entry rows, two balance updates a transaction) into copies of the
   tables with the same indexes and CHECKs but no triggers, foreign keys, locks or hashing.
b. verifying one account's chain of --chain (1,000,000) entries: generated in Python (hashes
   included) and loaded with COPY, then ``core.ledger.chain.verify`` (Python, hashlib, rows
   streamed through a server-side cursor) and the same check in SQL (pgcrypto ``digest`` over
   the same canonical line, lag() over seq); beside them the anchor: reading the same rows
   without hashing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, database_name, in_threads, load_average, setup_django

LEDGER = "bench"
TABLES = ["ledger_verificationrun", "ledger_period", "ledger_entry", "ledger_posting", "ledger_balance", "ledger_account"]


def spec():
    from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register

    return register(LedgerSpec(
        code=LEDGER, name="基准测试", unit=Unit.YUAN,
        kinds=[AccountKind("source", "来源", Invariant.NONE), AccountKind("fund", "资金", Invariant.NON_NEGATIVE)],
    ))


def owner():
    from regions.models import Division

    division = Division.objects.filter(parent__isnull=True).first()
    return division or Division.objects.create(code="340000", name="安徽省", level="province")


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def open_accounts(n_funds: int):
    from core.ledger.services import account_open, posting_create

    who = owner()
    source = account_open(ledger=LEDGER, kind="source", owner=who, code="source", name="来源")
    funds = [account_open(ledger=LEDGER, kind="fund", owner=who, code=f"f{i:03d}", name=f"资金{i}")
             for i in range(n_funds)]
    seed = Decimal("1000000.00")
    posting_create(ledger=LEDGER, kind="seed", idempotency_key="seed",
                   legs=[(source, -seed * n_funds)] + [(f, seed) for f in funds])
    return source, funds


def threads_timed(writers: int, work) -> float:
    """``bench.common.in_threads``, printing the first error of any writer that failed."""
    seconds, errors = in_threads(writers, work)
    if errors:
        print(f"    {len(errors)} writer(s) failed: {errors[0]}")
    return seconds


def pairs_for(case: str, funds, rng: random.Random):
    if case == "one account":
        hot, other = funds[0].pk, funds[1].pk
        return lambda: (hot, other)
    ids = [f.pk for f in funds]
    return lambda: tuple(rng.sample(ids, 2))


def bench_service(case: str, writers: int, per_writer: int, funds) -> dict:
    from core.ledger.services import posting_create

    amount = Decimal("0.01")

    def work(w):
        pick = pairs_for(case, funds, random.Random(w))
        for i in range(per_writer):
            a, b = pick()
            posting_create(ledger=LEDGER, kind="move", idempotency_key=f"{case}-{writers}-{w}-{i}",
                           legs=[(a, -amount), (b, amount)])

    seconds = threads_timed(writers, work)
    return {"postings": writers * per_writer, "seconds": round(seconds, 3), "per_s": round(writers * per_writer / seconds)}


def make_anchor_tables() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("ledger_posting", "ledger_entry", "ledger_balance"):
            cur.execute(f"DROP TABLE IF EXISTS anchor_{table}")
            cur.execute(f"CREATE TABLE anchor_{table} (LIKE {table} INCLUDING ALL)")
        cur.execute("INSERT INTO anchor_ledger_balance SELECT * FROM ledger_balance")


def bench_anchor(case: str, writers: int, per_writer: int, funds) -> dict:
    """The same rows, bare: INSERT posting, INSERT 2 entries, UPDATE 2 balances, COMMIT."""
    from django.db import connection, transaction

    h = "0" * 64

    def work(w):
        pick = pairs_for(case, funds, random.Random(w))
        for i in range(per_writer):
            a, b = pick()
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO anchor_ledger_posting (ledger, type, kind, idempotency_key, booked_on, memo, created_at)"
                    " VALUES (%s, 'normal', 'move', %s, CURRENT_DATE, '', now()) RETURNING id",
                    [LEDGER, f"{case}-{writers}-{w}-{i}"],
                )
                (pid,) = cur.fetchone()
                cur.execute(
                    "INSERT INTO anchor_ledger_entry (posting_id, account_id, phase, unit, amount, booked_on, seq,"
                    " prev_hash, hash, created_at) VALUES (%s, %s, 'posted', 'yuan', -0.01, CURRENT_DATE, %s, %s, %s,"
                    " now()), (%s, %s, 'posted', 'yuan', 0.01, CURRENT_DATE, %s, %s, %s, now())",
                    [pid, a, pid * 2, h, h, pid, b, pid * 2 + 1, h, h],
                )
                cur.execute("UPDATE anchor_ledger_balance SET posted = posted - 0.01 WHERE account_id = %s", [a])
                cur.execute("UPDATE anchor_ledger_balance SET posted = posted + 0.01 WHERE account_id = %s", [b])

    seconds = threads_timed(writers, work)
    return {"postings": writers * per_writer, "seconds": round(seconds, 3), "per_s": round(writers * per_writer / seconds)}


# --- b. the chain of a million entries ------------------------------------------------------------


def build_chain(n: int, counters: int = 1000) -> tuple[int, dict]:
    """One account with an ``n``-entry chain; each posting's other leg on one of ``counters``
    accounts (so the ledger still balances). Loaded with COPY, ids assigned here."""
    from django.db import connection

    from core.ledger.models import GENESIS_HASH
    from core.ledger.services import account_open

    timings = {}
    who = owner()
    chain = account_open(ledger=LEDGER, kind="source", owner=who, code="chain", name="长链账户")
    others = [account_open(ledger=LEDGER, kind="source", owner=who, code=f"c{i:04d}", name=f"对方{i}")
              for i in range(counters)]
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM ledger_posting")
        (p0,) = cur.fetchone()
        cur.execute("SELECT coalesce(max(id), 0) FROM ledger_entry")
        (e0,) = cur.fetchone()
    day = "2026-11-30"
    sha = hashlib.sha256
    heads = {a.pk: [0, GENESIS_HASH, Decimal(0)] for a in [chain, *others]}
    batch = 100_000

    def posting_rows(lo, hi):
        return "".join(f"{p0 + i + 1}\t{LEDGER}\tnormal\tmove\tchain-{p0 + i + 1}\t{day}\t\t2026-11-30 12:00:00+08\n"
                       for i in range(lo, hi))

    def entry_rows(lo, hi):
        out = []
        for i in range(lo, hi):
            pid = p0 + i + 1
            for k, (account_id, amount) in enumerate(((chain.pk, "1.0000"), (others[i % counters].pk, "-1.0000"))):
                head = heads[account_id]
                head[0] += 1
                digest = sha(f"v1|{account_id}|{head[0]}|{pid}|posted|{amount}|{day}|{head[1]}".encode("ascii")).hexdigest()
                out.append(f"{e0 + 2 * i + k + 1}\t{pid}\t{account_id}\tposted\tyuan\t{amount}\t{day}\t{head[0]}\t"
                           f"{head[1]}\t{digest}\t2026-11-30 12:00:00+08\n")
                head[1] = digest
                head[2] += Decimal(amount)
        return "".join(out)

    started = time.perf_counter()
    for lo in range(0, min(n, batch), batch):
        entry_rows(lo, min(n, lo + batch))
    sample = min(n, batch)
    timings[f"generate {2 * sample:,} entry rows with hashes in Python (alone)"] = round(time.perf_counter() - started, 2)
    heads = {a.pk: [0, GENESIS_HASH, Decimal(0)] for a in [chain, *others]}
    with connection.cursor() as cur:
        # Generated test data: the foreign-key triggers are off during the load (ids are right by
        # construction), the indexes stay in place.
        cur.execute("ALTER TABLE ledger_posting DISABLE TRIGGER ALL")
        cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ALL")
        started = time.perf_counter()
        with cur.copy("COPY ledger_posting (id, ledger, type, kind, idempotency_key, booked_on, memo, created_at)"
                      " FROM STDIN") as copy:
            for lo in range(0, n, batch):
                copy.write(posting_rows(lo, min(n, lo + batch)))
        timings[f"COPY {n:,} postings"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        with cur.copy("COPY ledger_entry (id, posting_id, account_id, phase, unit, amount, booked_on, seq, prev_hash,"
                      " hash, created_at) FROM STDIN") as copy:
            for lo in range(0, n, batch):
                copy.write(entry_rows(lo, min(n, lo + batch)))
        timings[f"generate (hashes in Python) + COPY {2 * n:,} entries, indexes in place"] = round(
            time.perf_counter() - started, 2)
        cur.execute("ALTER TABLE ledger_posting ENABLE TRIGGER ALL")
        cur.execute("ALTER TABLE ledger_entry ENABLE TRIGGER ALL")
        for account_id, (seq, digest, posted) in heads.items():
            cur.execute("UPDATE ledger_balance SET last_seq = %s, last_hash = %s, posted = %s WHERE account_id = %s",
                        [seq, digest, posted, account_id])
        cur.execute("SELECT setval('ledger_posting_id_seq', (SELECT max(id) FROM ledger_posting))")
        cur.execute("SELECT setval('ledger_entry_id_seq', (SELECT max(id) FROM ledger_entry))")
        started = time.perf_counter()
        cur.execute("VACUUM ANALYZE ledger_entry")
        timings["VACUUM ANALYZE entries"] = round(time.perf_counter() - started, 2)
    return chain.pk, timings


VERIFY_SQL = """
SELECT count(*) FILTER (WHERE bad), count(*) FROM (
  SELECT hash <> encode(digest(concat_ws('|', 'v1', account_id, seq, posting_id, phase, amount::text,
                                          booked_on::text, prev_hash), 'sha256'), 'hex')
         OR prev_hash <> coalesce(lag(hash) OVER w, %s)
         OR seq <> coalesce(lag(seq) OVER w, 0) + 1 AS bad
  FROM ledger_entry WHERE account_id = %s WINDOW w AS (ORDER BY seq)
) t
"""


def bench_verify(account_id: int) -> dict:
    from django.db import connection

    from core.ledger.chain import verify
    from core.ledger.models import GENESIS_HASH

    out = {}
    started = time.perf_counter()
    rows = 0
    with connection.chunked_cursor() as cur:
        cur.execute("SELECT id, account_id, seq, posting_id, phase, amount, booked_on, prev_hash, hash"
                    " FROM ledger_entry WHERE account_id = ANY(%s) ORDER BY account_id, seq", [[account_id]])
        while batch := cur.fetchmany(5000):
            rows += len(batch)
    out["anchor: read the rows, no hashing"] = {"entries": rows, "seconds": round(time.perf_counter() - started, 2)}
    result = verify(accounts=[account_id])
    out["verify in Python (core.ledger.chain.verify)"] = {
        "entries": result.entries, "seconds": round(result.seconds, 2), "ok": result.ok}
    with connection.cursor() as cur:
        try:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        except Exception as exc:
            out["verify in SQL (pgcrypto)"] = {"error": str(exc)}
            return out
        started = time.perf_counter()
        cur.execute(VERIFY_SQL, [GENESIS_HASH, account_id])
        bad, total = cur.fetchone()
        out["verify in SQL (pgcrypto digest, lag over seq)"] = {
            "entries": total, "seconds": round(time.perf_counter() - started, 2), "ok": bad == 0}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chain", type=int, default=1_000_000, help="entries in the chain to verify")
    parser.add_argument("--single", type=int, default=1000, help="postings by the single writer")
    parser.add_argument("--per-writer", type=int, default=250, help="postings by each of the 8 writers")
    parser.add_argument("--accounts", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    spec()
    results = {"database": database_name(), "load_before": load_average(),
               "uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    print(f"database {results['database']}, load average {results['load_before']}")
    reset()
    source, funds = open_accounts(args.accounts)
    make_anchor_tables()
    print("\na. postings per second (posting_create: 2 legs, one transaction each)")
    figures = {}
    for case in ("one account", f"over {args.accounts} accounts"):
        for writers, per in ((1, args.single), (8, args.per_writer)):
            service = bench_service(case, writers, per, funds)
            anchor = bench_anchor(case, writers, per, funds)
            label = f"{case}, {writers} writer{'s' if writers > 1 else ''}"
            figures[label] = {"service": service, "anchor_bare_insert": anchor, "load": load_average()}
            print(f"  {label:<34} {service['per_s']:>7,} postings/s ({service['postings']:,} in {service['seconds']} s)"
                  f"   bare INSERT {anchor['per_s']:>7,}/s   ratio {service['per_s'] / anchor['per_s']:.2f}"
                  f"   load {figures[label]['load']}", flush=True)
    results["postings"] = figures
    from core.ledger.chain import verify

    check = verify(ledger=LEDGER)
    print(f"  chains after the run: {check.accounts} accounts, {check.entries:,} entries, ok={check.ok}")
    results["postings_chain_ok"] = check.ok

    print(f"\nb. a chain of {args.chain:,} entries")
    chain_id, timings = build_chain(args.chain)
    for label, seconds in timings.items():
        print(f"  {label:<48} {seconds:>8.2f} s")
    results["chain_build"] = timings
    verify_figures = bench_verify(chain_id)
    for label, figure in verify_figures.items():
        print(f"  {label:<48} {figure.get('seconds', '?'):>8} s  {figure}")
    results["verify"] = verify_figures
    results["load_after"] = load_average()
    results["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"\nload average {results['load_after']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ledger.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written {OUT / 'ledger.json'}")


if __name__ == "__main__":
    main()
