"""Delegation's import hooks on core.importing: the COPY fast path for exercise records, what each
kind exports, and the registration of the three kinds (``register``, from ``DelegationConfig.ready()``).

- items and assignments (hundreds of rows) go through their resources in ``delegation.resources``
  (core.importing's ServiceResource), writing through the services row by row;
- exercise records (files of 100,000 rows) take a fast path, ``fast_import_records``: natural
  keys are resolved with one query per kind, every row runs ``ExerciseRecord.full_clean`` with
  one preloaded ``ExerciseRules``, uniqueness of (division, decision number) is checked for the
  whole file in one query, and the rows are written with PostgreSQL COPY in one transaction,
  attributed to the importing user in the history (the pghistory triggers still write one event
  per row) by core.importing.copying's ``CopyWriter``: outside a transaction the COPY runs on a
  second connection while the rest of the file is validated, and commits only if the whole file
  passed.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2; row 0
means the whole file. Nothing is written when any row is refused, and a dry run writes nothing.
Files, jobs, pages, the task and the import service (``core.importing.services.import_file``, which
``import_exercise_records`` and ``import_catalogue`` call like the job pages do) are core.importing's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.importing import registry
from core.importing import services as jobs
from core.importing.cells import CellError, cell_text, choice_parser, parse_choice, parse_date
from core.importing.copying import CopyWriter
from core.importing.errors import ErrorList, RowError, from_validation_error
from core.importing.files import Table
from core.importing.resources import Finalize, ImportResult, Progress, sort_errors, table_columns
from personnel.models import Officer
from regions import scoping
from regions.models import Division

from . import record_corrections, selectors
from .filtersets import AssignmentFilterSet, ExerciseRecordFilterSet, ItemFilterSet
from .models import Assignment, ExerciseRecord, Item
from .resources import AssignmentResource, ExerciseRecordResource, ItemResource
from .rules import ExerciseRules

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000
KEYS = {"item": "delegation.item", "assignment": "delegation.assignment", "exercise_record": "delegation.exercise_record"}
MODELS = {"item": Item, "assignment": Assignment, "exercise_record": ExerciseRecord}


# --- exercise records: the fast path -------------------------------------------------------
_COPY_COLUMNS = ("created_at", "updated_at", "created_by_id", "updated_by_id", "division_id", "item_id",
                 "applicant", "received_on", "decided_on", "outcome", "decision_number", "officer_id",
                 "filing_due_on", "filing_due_provisional", "filed_on",
                 # 补录 (rules.prepare_filing): derived by full_clean, with the row's 回执编号
                 "filing_recorded_on", "filing_late_entry", "filing_receipt_number")
# Foreign keys are resolved in bulk before validation; full_clean would check each with a query.
_RESOLVED = ("division", "item", "officer", "created_by", "updated_by")


class _FileRules(ExerciseRules):
    """The preloaded rules, judged against one "today" for the whole file."""

    today = None

    def check(self, record, *, today=None):
        super().check(record, today=today or self.today)


def _existing_records(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, tuple]]:
    """Records already filed under (division, decision number), for the whole file in one query:
    (id, the values of ``record_corrections.STORED``) by key."""
    if not pairs:
        return {}
    divisions, numbers = zip(*pairs, strict=True)
    table = ExerciseRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.division_id, r.decision_number, r.item_id, r.applicant, r.received_on, r.decided_on,"  # nosec B608 # the table name comes from the model; the keys are parameters
            f" r.outcome, r.officer_id, r.filed_on, r.id FROM {table} r"
            f" JOIN unnest(%s::bigint[], %s::text[]) AS k(division_id, decision_number)"
            f" ON r.division_id = k.division_id AND r.decision_number = k.decision_number",
            [list(divisions), list(numbers)],
        )
        return {(row[0], row[1]): (row[-1], row[2:-1]) for row in cursor.fetchall()}


def fast_import_records(
    *, table: Table, actor, dry_run: bool = False, progress: Progress | None = None, finalize: Finalize | None = None,
    reason: str = "导入办件记录", stream: bool = True,
) -> ImportResult:
    """Import exercise records (办件记录) from a read table, all or nothing (the registry's fast_import).

    Every error is listed with its row and column; if there is any, or on a dry run, nothing is
    written (a dry run reports in ``created`` and ``updated`` what it would do). A row naming a
    record already filed (same division and decision number) is that record: unchanged, so an
    exported file re-imports as a no-op, or corrected where a clerk may correct it, or refused
    row by row (``delegation.record_corrections``). ``finalize`` runs inside the writing transaction
    (a job marks itself done there). ``stream=False`` writes after validating, on the
    caller's connection (always so inside an atomic block).
    """
    started = time.perf_counter()
    result = ImportResult()
    resource = ExerciseRecordResource(actor=actor)
    order = resource.import_columns()
    result.total = len(table.rows)
    header, index, missing = table_columns(resource, table)
    if missing:
        result.errors = missing
        result.seconds = time.perf_counter() - started
        return result
    errors = ErrorList()
    result.timings["read"] = time.perf_counter() - started

    # 1. read every cell
    outcome_field = ExerciseRecord._meta.get_field("outcome")
    outcomes = choice_parser(outcome_field.choices)
    outcome_labels = [label for _value, label in outcome_field.choices]
    text_cols = [(attr, index.get(attr)) for attr in ("division", "item", "applicant", "decision_number", "officer",
                                                      "filing_receipt_number")]
    date_cols = [(attr, index.get(attr)) for attr in ("received_on", "decided_on", "filed_on")]
    outcome_at = index["outcome"]
    parsed = []  # (line, values, attributes that could not be read)
    for line, cells in table.rows:
        width = len(cells)
        values, failed = {}, ()
        for attr, i in text_cols:
            values[attr] = cell_text(cells[i]) if i is not None and i < width else ""
        for attr, i in date_cols:
            try:
                values[attr] = parse_date(cells[i] if i is not None and i < width else None)
            except CellError as e:
                values[attr] = None
                failed += (attr,)
                errors.append(e.row_error(line, header[attr]))
        try:
            values["outcome"] = parse_choice(cells[outcome_at] if outcome_at < width else None, outcomes, outcome_labels) or ""
        except CellError as e:
            values["outcome"] = ""
            failed += ("outcome",)
            errors.append(e.row_error(line, header["outcome"]))
        parsed.append((line, values, failed))
    mark = time.perf_counter()
    result.timings["parse"] = mark - started - result.timings["read"]

    # 2. natural keys, one query per kind; the jurisdiction once per division
    division_codes = {v["division"] for _line, v, _failed in parsed} - {""}
    divisions = {d.code: d for d in Division.objects.filter(code__in=division_codes)}
    writable = {d.id for d in divisions.values() if scoping.can(actor, scoping.CHANGE, ExerciseRecord(division=d))}
    item_codes = {v["item"] for _line, v, _failed in parsed} - {""}
    items = dict(selectors.item_list(user=actor).filter(code__in=item_codes).values_list("code", "id"))
    staff = {v["officer"] for _line, v, _failed in parsed} - {""}
    officers = dict(Officer.objects.filter(staff_number__in=staff).values_list("staff_number", "id"))
    pairs = {(items.get(v["item"]), divisions[v["division"]].id) for _line, v, _failed in parsed
             if v["division"] in divisions and v["item"] in items}
    rules = _FileRules.preload(item_ids=items.values(), division_ids=writable, officer_ids=officers.values(),
                               pairs=pairs)
    rules.today = timezone.localdate()

    # 3. (division, decision number) once in the file, and not yet in the database
    first_line: dict[tuple, int] = {}
    duplicates: set[int] = set()
    for line, v, _failed in parsed:
        if v["division"] and v["decision_number"]:
            key = (v["division"], v["decision_number"])
            if key in first_line:
                duplicates.add(line)
                errors.append(RowError.of(line, header["decision_number"],
                                          _("决定文号“%(number)s”在文件中重复（第 %(first)s 行和第 %(line)s 行）。"),
                                          code="duplicate_key", number=key[1], first=first_line[key], line=line))
            else:
                first_line[key] = line
    pairs = {(divisions[d].id, n) for d, n in first_line if d in divisions and divisions[d].id in writable}
    existing = _existing_records(pairs)
    result.timings["lookups"] = time.perf_counter() - mark
    mark = time.perf_counter()

    # 4. every row through full_clean with the shared rules; valid rows stream to the writer
    writer = CopyWriter(ExerciseRecord._meta.db_table, _COPY_COLUMNS, actor=actor, reason=reason,
                        stream=stream and not dry_run and not errors)
    actor_id = getattr(actor, "pk", None)
    now = timezone.now()
    # One instance, refilled for every row: building a model instance per row costs more
    # than validating it. full_clean sees exactly what a new record would hold.
    record = ExerciseRecord(created_by_id=actor_id, updated_by_id=actor_id)
    record._rules = rules
    plain = ("applicant", "received_on", "decided_on", "outcome", "decision_number", "filed_on", "filing_receipt_number")
    corrections: list[record_corrections.Correction] = []
    present = set(index)
    try:
        for count, (line, v, failed) in enumerate(parsed, start=1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, result.total)
            division_id = item_id = officer_id = None
            if v["division"]:
                division = divisions.get(v["division"])
                if division is None:
                    errors.append(RowError.of(line, header["division"], _("未找到区划代码“%(key)s”。"), code="not_found",
                                              key=v["division"]))
                elif division.id not in writable:
                    errors.append(RowError.of(line, header["division"], _("无权为该单位登记（%(division)s）。"),
                                              code="out_of_scope", division=division.name))
                else:
                    division_id = division.id
            else:
                errors.append(RowError.of(line, header["division"], _("请填写“%(column)s”。"), code="required",
                                          column=header["division"]))
            if v["item"]:
                item_id = items.get(v["item"])
                if item_id is None:
                    errors.append(RowError.of(line, header["item"], _("未找到事项编码“%(key)s”。"), code="not_found",
                                              key=v["item"]))
            else:
                errors.append(RowError.of(line, header["item"], _("请填写“%(column)s”。"), code="required",
                                          column=header["item"]))
            if v["officer"]:
                officer_id = officers.get(v["officer"])
                if officer_id is None:
                    errors.append(RowError.of(line, header["officer"], _("未找到工号为“%(key)s”的执法人员。"),
                                              code="not_found", key=v["officer"]))
            record.division_id, record.item_id, record.officer_id = division_id, item_id, officer_id
            for attr in plain:
                setattr(record, attr, v[attr])
            record.filing_due_on, record.filing_due_provisional = None, False
            found = None
            if division_id is not None and item_id is not None and line not in duplicates:
                found = existing.get((division_id, record.decision_number))
            if found is not None:
                # A registered record: what may not change by import (its item, its filing) is refused
                # first, so the rules of the row as written (a late filing's receipt, say) do not speak
                # of a change that is not going to be made.
                _correction, refusals = record_corrections.compare(*found, record, header, present)
                if refusals:
                    errors.extend(RowError.of(line, column, template, code="correction_refused", **params)
                                  for column, template, params in refusals)
                    continue
            try:
                # uniqueness is the bulk check above; the CHECK constraints are rules too
                record.full_clean(exclude=_RESOLVED + failed, validate_unique=False, validate_constraints=False)
            except ValidationError as e:
                errors.extend(from_validation_error(line, e, lambda name: header.get(name, "")))
                continue
            except ApplicationError as e:  # e.g. the holiday calendar of that year is not entered
                errors.append(RowError.text(line, header["decided_on"], e.message, code=e.code))
                continue
            if division_id is None or item_id is None or line in duplicates:
                continue
            if found is not None:  # the row names a registered record: a correction (record_corrections)
                correction, refusals = record_corrections.compare(*found, record, header, present)
                errors.extend(RowError.of(line, column, template, code="correction_refused", **params)
                              for column, template, params in refusals)
                if correction is not None:
                    corrections.append(correction)
                elif not refusals:
                    result.unchanged += 1
                continue
            writer.append((now, now, actor_id, actor_id, division_id, item_id, record.applicant, record.received_on,
                             record.decided_on, record.outcome, record.decision_number, officer_id,
                             record.filing_due_on, record.filing_due_provisional, record.filed_on,
                             record.filing_recorded_on, record.filing_late_entry, record.filing_receipt_number),
                          send=not errors)
        if progress is not None:
            progress(result.total, result.total)
        result.timings["validate"] = time.perf_counter() - mark
        mark = time.perf_counter()
        result.errors = sort_errors(errors, order)
        if result.errors:
            result.unchanged = 0
        else:
            result.created, result.updated = len(writer), len(corrections)
        if corrections:  # in the writing transaction, before the job marks itself done
            finalize = _then(lambda: record_corrections.apply(corrections, actor=actor, reason=reason), finalize)
        if result.errors or dry_run:
            writer.abort()
        else:
            writer.commit(result, finalize)
    except IntegrityError:
        logger.warning("exercise record import refused by the database", exc_info=True)
        result.errors = ErrorList([RowError.of(
            0, "", _("数据库拒绝了写入（可能有人同时登记了相同决定文号的办件），本次未写入任何记录，请重新导入。"), code="integrity")])
        result.created, result.committed = 0, False
    except (ValidationError, ApplicationError) as e:  # a correction refused at write time (changed meanwhile)
        text = e.message if isinstance(e, ApplicationError) else "；".join(e.messages)
        result.errors = ErrorList([RowError.of(0, "", _("更正已登记的办件时被拒绝（%(reason)s），本次未写入任何记录，请重新导入。"),
                                               code="correction_refused", reason=text)])
        result.created, result.updated, result.committed = 0, 0, False
    finally:
        writer.abort()  # an exception escaped validation: roll back what was streamed (no-op after commit)
    result.timings["write"] = time.perf_counter() - mark
    result.seconds = time.perf_counter() - started
    return result


def _then(first: Callable[[], None], finalize: Finalize | None) -> Finalize:
    def run(result: ImportResult) -> None:
        first()
        if finalize is not None:
            finalize(result)
    return run


def import_exercise_records(*, file_bytes: bytes | None = None, rows: Iterable[Mapping] | None = None, fmt: str = "csv",
                            actor, dry_run: bool = False, progress: Progress | None = None,
                            finalize: Finalize | None = None, reason: str = "") -> ImportResult:
    """Exercise records from a CSV/XLSX file (``file_bytes``, ``fmt``) or ``rows`` (mappings by column
    header), all or nothing: core.importing's import service, which reads the file and hands the table
    to this kind's ``fast_import`` (``fast_import_records``), as the job pages and the task do."""
    return import_catalogue(kind="exercise_record", file_bytes=file_bytes, rows=rows, fmt=fmt, actor=actor,
                            dry_run=dry_run, progress=progress, finalize=finalize, reason=reason)


def import_catalogue(*, kind: str, file_bytes: bytes | None = None, rows: Iterable[Mapping] | None = None,
                     fmt: str = "csv", actor, dry_run: bool = False, progress: Progress | None = None,
                     finalize: Finalize | None = None, reason: str = "") -> ImportResult:
    """One of the three kinds ("item", "assignment", "exercise_record") through core.importing's
    import service (its resource, or its fast_import), all or nothing."""
    return jobs.import_file(key=KEYS[kind], file_bytes=file_bytes, rows=rows, fmt=fmt, actor=actor, dry_run=dry_run,
                            progress=progress, finalize=finalize, reason=reason)


# --- exports -------------------------------------------------------------------------------
RECORD_EXPORT_FIELDS = ("applicant", "received_on", "decided_on", "outcome", "decision_number", "filed_on", "filing_due_on",
                        "filing_due_provisional", "filing_receipt_number")


def export_queryset(kind: str, user, *, filters=None, request=None):
    """What the user may see of ``kind``, narrowed by the list page's filters (the same FilterSet;
    invalid filters give no rows, core.filtering, never the unfiltered set)."""

    def narrowed(qs, filterset_class):
        return filterset_class(filters, queryset=qs, request=request).qs if filters else qs

    kind = kind.removeprefix("delegation.")
    if kind == "item":
        return narrowed(selectors.item_list(user=user), ItemFilterSet).order_by("code")
    if kind == "assignment":
        return narrowed(selectors.assignment_list(user=user), AssignmentFilterSet).order_by(
            "item__code", "division__code", "id")
    # Only the columns the file shows: a 100,000-row export spends most of its time building
    # the related rows the list pages join in (their timestamps above all).
    return (
        narrowed(selectors.exercise_record_list(user=user), ExerciseRecordFilterSet)
        .select_related(None).select_related("division", "item", "officer")
        .only("division__code", "item__code", "officer__staff_number", *RECORD_EXPORT_FIELDS)
        .order_by("id")
    )


def export_rows(*, kind: str, queryset, fmt: str, actor=None) -> bytes:
    """The rows of ``queryset`` as CSV (UTF-8 with BOM) or XLSX, formula cells escaped (the caller scopes it)."""
    return registry.get(KEYS[kind.removeprefix("delegation.")]).resource(actor=actor).export_bytes(queryset, fmt)


# --- registration --------------------------------------------------------------------------
def may_import(user, kind: str) -> bool:
    return scoping.may_write_model(user, MODELS[kind.removeprefix("delegation.")])


def _may_export(user) -> bool:
    return bool(user.is_superuser or scoping.grants(user))


def register() -> None:
    """The three kinds on core.importing (called from ``DelegationConfig.ready()``)."""
    def exports(kind: str) -> Callable:
        return lambda *, user, filters=None, request=None: export_queryset(kind, user, filters=filters, request=request)

    for kind, resource, label, extra in (
        ("item", ItemResource, _("下放事项"), {}),
        ("assignment", AssignmentResource, _("事项承接"), {}),
        ("exercise_record", ExerciseRecordResource, _("办件记录"), {
            "fast_import": fast_import_records,
            "help_text": _("办件记录按承接主体和决定文号对应：可更正申请人、受理日期、办结日期、办理结果和承办人（备案期限随之重算，记入变更记录）；事项和备案日期不能通过导入修改。"),
        }),
    ):
        registry.register(KEYS[kind], resource, label=label, export_queryset=exports(kind),
                          may_import=lambda user, kind=kind: may_import(user, kind), may_export=_may_export, **extra)
    registry.register_app("delegation", start="delegation-import:start", nav_template="delegation/_nav.html")
