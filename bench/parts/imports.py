"""Part a: importing an exercise-record CSV with full validation, beside plain writes of the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

from bench.common import ADMIN, OUT, ROOT
from bench.parts.measuring import spread

GOAL_RATIO = 0.8  # the validated import's rows/s over a bare COPY of the same rows into the same table
ANCHOR_STATE = "context, no exception blocks"  # the history-trigger state the importer itself writes in


class ImportPart:
    def import_rows(self, n: int) -> list[dict]:
        """``n`` new, valid exercise records spread over every pilot town's in-force items.

        Valid as full validation sees them: item taken over and in force on the decision day,
        decided on a working day up to today, an officer with a valid certificate of the item's
        department for entrusted items, decision numbers that exist nowhere yet.
        """
        import random
        from collections import defaultdict

        from django.utils import timezone

        from core.deadlines import CalendarUnknownYear, DeadlineRule, is_working_day
        from delegation.models import Assignment
        from personnel.models import EnforcementCertificate, Officer

        rng = random.Random(7)
        today = timezone.localdate()
        assignments = list(
            Assignment.objects.filter(takeover_status="taken_over", item__status="in_force", taken_over_on__lt="2024-01-01")
            .values("item_id", "item__code", "item__department_id", "item__filing_deadline", "item__category", "mode",
                    "division_id", "division__code")
        )
        officers = defaultdict(list)
        staff = {}
        for oid, division_id, number in Officer.objects.values_list("id", "division_id", "staff_number"):
            officers[division_id].append(oid)
            staff[oid] = number
        holders = defaultdict(list)
        for oid, division_id, department_id in EnforcementCertificate.objects.filter(
            revoked_on__isnull=True, valid_from__lte="2024-01-01", valid_until__gte=today
        ).values_list("officer_id", "officer__division_id", "department_id"):
            holders[(division_id, department_id)].append(oid)
        days, rules = [], {}
        day = dt.date(2024, 1, 2)
        while day <= today:
            try:
                if is_working_day(day):
                    days.append(day)
            except CalendarUnknownYear:
                pass
            day += dt.timedelta(days=1)
        run = dt.datetime.now().strftime("%H%M%S")
        rows = []
        while len(rows) < n:
            a = rng.choice(assignments)
            rule = rules.setdefault(a["item__filing_deadline"], DeadlineRule.parse(a["item__filing_deadline"]))
            decided = rng.choice(days)
            try:
                due = rule.due(decided)
            except CalendarUnknownYear:
                continue
            if a["mode"] == "entrust":
                candidates = holders.get((a["division_id"], a["item__department_id"]))
                if not candidates:
                    continue
                officer = rng.choice(candidates)
            else:
                officer = rng.choice(officers[a["division_id"]]) if rng.random() < 0.5 else None
            r = rng.random()
            filed = None
            if r < 0.75:
                filed = min(decided + dt.timedelta(days=rng.randint(0, 40)), today)
            # Filed on time but recorded today, after the due date: a late entry (补录), which needs
            # the receiving department's receipt number (rules.check), as an office's file has it.
            late_entry = filed is not None and filed <= due < today
            rows.append({
                "filing_recorded_on": today if filed else None, "filing_late_entry": late_entry,
                "filing_receipt_number": f"回执-{run}-{len(rows) + 1:06d}" if late_entry else "",
                "division_id": a["division_id"], "division_code": a["division__code"], "item_id": a["item_id"],
                "item_code": a["item__code"], "applicant": f"导入申请人{len(rows) % 997}",
                "received_on": decided - dt.timedelta(days=rng.randint(0, 10)), "decided_on": decided,
                "outcome": "penalised" if a["item__category"] == "penalty" else "approved",
                "decision_number": f"BENCH-{run}-{len(rows) + 1:06d}", "officer_id": officer,
                "officer_staff_number": staff.get(officer, ""), "filing_due_on": due, "filed_on": filed,
            })
        return rows

    @staticmethod
    def rolled_back(label, results, rows, work, setup=None):
        """Run ``work()`` in a transaction that is rolled back; print and keep rows/s.

        The deferred foreign-key checks are fired before the rollback (SET CONSTRAINTS ALL
        IMMEDIATE) and counted: a commit would run them.
        """
        from django.db import connection, transaction

        with transaction.atomic():
            if setup is not None:
                setup()  # not measured
            start = time.perf_counter()
            work()
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            spent = time.perf_counter() - start
            transaction.set_rollback(True)
        rate = rows / spent
        results[label] = {"rows": rows, "seconds": round(spent, 2), "rows_per_s": round(rate)}
        print(f"  {label:<60} {rows:>9,} rows {spent:>7.2f} s {rate:>10,.0f} rows/s", flush=True)
        return rate

    class RolledBack(Exception):
        """Raised by the import's ``finalize``, inside its writing transaction, after the last row."""

    def streamed(self, label, results, rows, work):
        """Run ``work(finalize)`` (the import) as production runs it: outside any transaction, so its
        COPY streams on a second connection while the file is validated, the foreign keys checked
        batch by batch. ``finalize`` runs in the writing transaction after the last row, where a job
        marks itself done; here it raises, and the transaction is rolled back instead of committed
        (nothing can be deleted). The commit itself is not in the figure, as for the anchor."""
        from django.db import connection

        assert not connection.in_atomic_block

        def finalize(result):
            if result.created != rows:
                raise SystemExit(f"the import created {result.created} rows, expected {rows}")
            raise self.RolledBack

        start = time.perf_counter()
        try:
            work(finalize)
        except self.RolledBack:
            pass
        else:
            raise SystemExit("the import did not reach its writing transaction's end")
        spent = time.perf_counter() - start
        rate = rows / spent
        results[label] = {"rows": rows, "seconds": round(spent, 2), "rows_per_s": round(rate)}
        print(f"  {label:<60} {rows:>9,} rows {spent:>7.2f} s {rate:>10,.0f} rows/s", flush=True)
        return rate

    # History-trigger states the plain writes are measured in (see part_a).
    STATES = {
        "as is": "no history context, no pgtrigger.ignore setting (a bare script or shell)",
        "context": "pghistory context set, as services and requests run (actor_context / middleware)",
        "context, no exception blocks": "context set and pgtrigger.ignore = '{}': the trigger helpers raise nothing",
        "triggers off": "history and delete-protect triggers disabled (ALTER TABLE ... DISABLE TRIGGER USER)",
    }

    @staticmethod
    def set_trigger_state(cur, state, table, user_id):
        if state in {"context", "context, no exception blocks"}:
            cur.execute("SELECT set_config('pghistory.context_id', gen_random_uuid()::text, true), "
                        "set_config('pghistory.context_metadata', %s, true)",
                        [json.dumps({"user": user_id, "source": "bench"})])
        if state == "context, no exception blocks":
            cur.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        if state == "triggers off":
            cur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')

    def part_a(self):
        from django.db import connection

        from delegation.models import ExerciseRecord

        n = self.args.import_rows
        print(f"\na. import of {n:,} exercise records (every write rolled back; history triggers on unless said)",
              flush=True)
        t = time.perf_counter()
        rows = self.import_rows(n)
        print(f"  {'preparing the rows (not measured)':<60} {len(rows):>9,} rows {time.perf_counter() - t:>7.2f} s",
              flush=True)
        results = self.results.setdefault("import", {})
        run_import = self.import_full(rows, results)

        fields = ["division_id", "item_id", "applicant", "received_on", "decided_on", "outcome", "decision_number",
                  "officer_id", "filing_due_on", "filed_on", "filing_recorded_on", "filing_late_entry",
                  "filing_receipt_number"]
        table = ExerciseRecord._meta.db_table
        columns = [ExerciseRecord._meta.get_field(f.removesuffix("_id")).column for f in fields]
        user_id = self.users[ADMIN].id
        columns += ["created_at", "updated_at", "created_by_id", "updated_by_id", "filing_due_provisional"]
        stamp = [user_id, user_id, False]  # what the importer writes beside the file's columns

        def setup(state):
            def run():
                with connection.cursor() as cur:
                    self.set_trigger_state(cur, state, table, user_id)
            return run

        def bulk(subset):
            def work():
                ExerciseRecord.objects.bulk_create(
                    (ExerciseRecord(**{f: r[f] for f in fields}) for r in subset), batch_size=2000
                )
            return work

        def copy(subset):
            def work():
                connection.ensure_connection()
                now = dt.datetime.now(dt.UTC)
                with connection.connection.cursor() as cur:
                    with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as cp:
                        for r in subset:
                            cp.write_row([r[f] for f in fields] + [now, now, *stamp])
            return work

        # The goal: the importer against a bare COPY of the same rows, in turn, --rounds times.
        print(f"  the import (read + validate + COPY) against a bare COPY of the same {n:,} rows into the same table "
              f"(history triggers on, state '{ANCHOR_STATE}' as the importer sets it), in turn, {self.args.rounds} "
              "rounds:", flush=True)
        imports, copies, ratios = [], [], []
        for r in range(self.args.rounds):
            rate = self.streamed(f"round {r + 1}: import_exercise_records (read + validate + COPY)", results, n,
                                 run_import(False))
            anchor = self.rolled_back(f"round {r + 1}: bare COPY, same rows", results, n, copy(rows),
                                      setup(ANCHOR_STATE))
            imports.append(round(rate))
            copies.append(round(anchor))
            ratios.append(round(rate / anchor, 3))
        inside = self.rolled_back("import_exercise_records inside a transaction (no streaming)", results, n,
                                  lambda: run_import(False)(None))
        ratio = sorted(ratios)[len(ratios) // 2]
        self.results["import_goal"] = {"import_rows_per_s": imports, "copy_rows_per_s": copies, "ratios": ratios}
        self.goal(f"import {n:,}-row CSV, full validation, rows/s", sorted(imports)[len(imports) // 2], "rows/s",
                  anchor="bare COPY rows/s", anchor_value=sorted(copies)[len(copies) // 2], ratio=ratio,
                  goal=f"ratio >= {GOAL_RATIO}", met=ratio >= GOAL_RATIO, spread=f"ratio {spread(ratios)}",
                  note=f"import rows/s {spread(imports)}, COPY rows/s {spread(copies)}; dry run (read + validate) "
                       f"{results['import_exercise_records, dry run (read + validate)']['rows_per_s']:,} rows/s; "
                       f"the import inside a caller's transaction (one COPY after validating) {inside:,.0f} rows/s")
        if not self.args.trigger_states:
            self.vacuum(table)
            return

        print("  plain writes of the same rows (no validation, due date precomputed), by history-trigger state:")
        for state, meaning in self.STATES.items():
            print(f"    {state}: {meaning}")
        self.results["import_trigger_states"] = self.STATES
        small = self.args.diagnosis_rows
        for state in ("as is", "context"):
            for size in (small // 4, small):
                self.rolled_back(f"COPY {size:,} rows, {state}", results, size, copy(rows[:size]), setup(state))
        self.rolled_back(f"bulk_create {small:,} rows, context", results, small, bulk(rows[:small]),
                         setup("context"))
        for state in ("context, no exception blocks", "triggers off"):
            self.rolled_back(f"bulk_create {n:,} rows, {state}", results, n, bulk(rows), setup(state))
            self.rolled_back(f"COPY {n:,} rows, {state}", results, n, copy(rows), setup(state))
        self.vacuum(table)

    @staticmethod
    def vacuum(table):
        from django.db import connection

        with connection.cursor() as cur:  # the rolled-back rows leave dead tuples behind
            cur.execute(f'VACUUM "{table}"')
            cur.execute(f'VACUUM "{table}event"')

    def import_csv(self, rows) -> bytes:
        """The rows as the office would upload them: the import's Chinese headers, codes, labels."""
        from delegation.choices import Outcome
        from delegation.resources import ExerciseRecordResource

        resource = ExerciseRecordResource(actor=None)
        attrs = ("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number", "officer",
                 "filed_on", "filing_receipt_number")
        labels = {value: str(label) for value, label in Outcome.choices}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([resource.fields[a].column_name for a in attrs])
        for r in rows:
            writer.writerow([r["division_code"], r["item_code"], r["applicant"], r["received_on"].isoformat(),
                             r["decided_on"].isoformat(), labels[r["outcome"]], r["decision_number"],
                             r["officer_staff_number"], r["filed_on"].isoformat() if r["filed_on"] else "",
                             r["filing_receipt_number"]])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # UTF-8 with BOM, as Excel writes it

    def import_full(self, rows, results):
        """The real importer, end to end from the CSV file on disk, with full validation."""
        from delegation.importing import import_exercise_records

        n = len(rows)
        path = OUT / f"import_{n // 1000}k.csv"
        path.write_bytes(self.import_csv(rows))
        actor = self.users[ADMIN]  # the rows span every pilot town: only the superuser may write them all
        self.results["import_actor"] = f"{ADMIN} (superuser): the file covers all 300 pilot towns"
        print(f"  file {path.relative_to(ROOT)}: {path.stat().st_size / 1048576:.1f} MB; importing as {ADMIN}",
              flush=True)
        outcome = {}

        def run(dry_run):
            def work(finalize=None):
                result = import_exercise_records(file_bytes=path.read_bytes(), fmt="csv", actor=actor, dry_run=dry_run,
                                                 finalize=finalize)
                if result.errors:
                    raise SystemExit(f"the import refused the file: {result.errors[:5]}")
                outcome[dry_run] = result
            return work

        self.rolled_back("import_exercise_records, dry run (read + validate)", results, n, run(True))

        def checked(dry_run):
            work = run(dry_run)

            def checked_work(finalize=None):
                work(finalize)
                if outcome[dry_run].created != n:
                    raise SystemExit(f"the import created {outcome[dry_run].created} rows, expected {n}")
            return checked_work
        return checked

