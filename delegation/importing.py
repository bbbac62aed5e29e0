"""Importing and exporting the catalogue: files in, every error out, then all rows or none.

Two engines behind one result type (``ImportResult``):

- items and assignments (hundreds of rows) go through django-import-export with the resources
  in ``delegation.resources``, writing through the services row by row;
- exercise records (files of 100,000 rows) take a fast path, ``import_exercise_records``: the
  file is parsed with csv/openpyxl, natural keys are resolved with one query per kind, every
  row runs ``ExerciseRecord.full_clean`` with one preloaded ``ExerciseRules``, uniqueness of
  (division, decision number) is checked for the whole file in one query, and the rows are
  written with PostgreSQL COPY in one transaction, attributed to the importing user in the
  history (the pghistory triggers still write one event per row). Outside a transaction the
  COPY runs on a second connection while the rest of the file is validated, and commits only
  if the whole file passed.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2; row 0
means the whole file. Nothing is written when any row is refused, and a dry run writes nothing.

``ImportJob`` ties it to the pages: upload → check (preview) → confirm → import. Files above
``INLINE_MAX_ROWS`` run in a Celery task (``delegation.tasks.run_import_job_task``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pghistory
import pghistory.config
import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from personnel.models import Officer
from regions import scoping
from regions.models import Division

from . import record_corrections, selectors
from .filtersets import AssignmentFilterSet, ExerciseRecordFilterSet, ItemFilterSet
from .models import Assignment, ExerciseRecord, ImportJob, Item
from .resources import (
    AssignmentResource,
    CatalogueResource,
    ExerciseRecordResource,
    ImportFileError,
    ItemResource,
    RowError,
    cell_text,
    choice_parser,
    parse_choice,
    parse_date,
)
from .rules import ExerciseRules

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
INLINE_MAX_ROWS = 2000
PROGRESS_EVERY = 5000

RESOURCES: dict[str, type[CatalogueResource]] = {
    ImportJob.Kind.ITEM: ItemResource,
    ImportJob.Kind.ASSIGNMENT: AssignmentResource,
    ImportJob.Kind.EXERCISE_RECORD: ExerciseRecordResource,
}
MODELS = {ImportJob.Kind.ITEM: Item, ImportJob.Kind.ASSIGNMENT: Assignment, ImportJob.Kind.EXERCISE_RECORD: ExerciseRecord}


@dataclass
class ImportResult:
    """What an import did or, on a dry run, would do. ``errors``: (row, column, message) tuples."""

    total: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


Progress = Callable[[int, int], None]
Finalize = Callable[[ImportResult], None]


# --- files ---------------------------------------------------------------------------------
@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells)


def detect_format(filename: str) -> str:
    """The format from the file name, or a Chinese explanation of why it is refused."""
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xls"):
        raise ImportFileError([RowError(0, "", "不支持 Excel 97-2003 工作簿（.xls），请在 Excel 中另存为 .xlsx 后上传。")])
    raise ImportFileError([RowError(0, "", "只能导入 Excel 工作簿（.xlsx）或 CSV 文件（.csv，UTF-8 编码）。")])


def check_upload(filename: str, size: int, head: bytes) -> str:
    """Validate an uploaded file's name, size and first bytes; return its format."""
    fmt = detect_format(filename)
    if size == 0:
        raise ImportFileError([RowError(0, "", "文件是空的。")])
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError([RowError(0, "", f"文件过大（{size / 1048576:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1048576} MB，请分成几个文件导入。")])
    is_zip = head.startswith(b"PK\x03\x04")
    if fmt == "xlsx" and not is_zip:
        raise ImportFileError([RowError(0, "", "文件扩展名是 .xlsx，但内容不是 Excel 工作簿，请在 Excel 中另存为“Excel 工作簿（*.xlsx）”。")])
    if fmt == "csv" and (is_zip or head.startswith(b"\xd0\xcf\x11\xe0")):
        raise ImportFileError([RowError(0, "", "文件扩展名是 .csv，但内容是 Excel 工作簿，请把扩展名改为 .xlsx，或另存为“CSV UTF-8（逗号分隔）”。")])
    return fmt


def _decode_csv(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError([RowError(0, "", "CSV 文件不是文本文件（可能是 UTF-16 编码），请另存为“CSV UTF-8（逗号分隔）”。")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel on Chinese Windows saves plain "CSV" in GBK
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError([RowError(0, "", "无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”。")]) from None


def _is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(data: bytes, fmt: str) -> Table:
    """Header row and data rows of a CSV or the first worksheet of an XLSX; blank rows skipped."""
    if fmt == "csv":
        reader = csv.reader(io.StringIO(_decode_csv(data), newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFileError([RowError(0, "", "文件是空的。")]) from None
        except csv.Error as e:
            raise ImportFileError([RowError(1, "", f"CSV 格式错误：{e}")]) from None
        rows = []
        try:
            for number, cells in enumerate(reader, start=2):
                if cells and not _is_blank(cells):
                    rows.append((number, cells))
        except csv.Error as e:
            raise ImportFileError([RowError(reader.line_num, "", f"CSV 格式错误：{e}")]) from None
    elif fmt == "xlsx":
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise ImportFileError([RowError(0, "", "文件不是有效的 Excel 工作簿（.xlsx），或已损坏。")]) from None
        try:
            sheet_rows = book.active.iter_rows(values_only=True)
            header = next(sheet_rows, None)
            if header is None:
                raise ImportFileError([RowError(0, "", "工作表是空的。")])
            rows = [(number, list(cells)) for number, cells in enumerate(sheet_rows, start=2) if not _is_blank(cells)]
        finally:
            book.close()
    else:
        raise ImportFileError([RowError(0, "", f"不支持的文件格式“{fmt}”。")])
    headers = [cell_text(h) for h in header]
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers=headers, rows=rows)


def table_from_rows(rows: Iterable[Mapping]) -> Table:
    """Rows given as mappings {column header: value}, numbered as if row 1 were the header."""
    rows = list(rows)
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    return Table(headers=headers, rows=[(i, [row.get(h) for h in headers]) for i, row in enumerate(rows, start=2)])


def estimate_rows(data: bytes, fmt: str) -> int:
    """A cheap row count, to choose between running in the request and in a task."""
    if fmt == "csv":
        return max(0, data.count(b"\n") - 1)
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            return max(0, (book.active.max_row or 0) - 1)
        finally:
            book.close()
    except Exception:  # an unreadable file is reported by the check itself
        return 0


def _load(file_bytes, rows, fmt) -> Table:
    if file_bytes is not None:
        table = read_table(file_bytes, fmt)
    elif rows is not None:
        table = table_from_rows(rows)
    else:
        raise TypeError("file_bytes or rows is required")
    if not table.rows:
        raise ImportFileError([RowError(0, "", "文件中没有数据行（第 1 行应为列名，数据从第 2 行开始）。")])
    return table


def _sorted(errors: list[RowError], order: list[str]) -> list[RowError]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(errors, key=lambda e: (e.row, rank.get(e.column, len(rank)), e.message))


# --- exercise records: the fast path -------------------------------------------------------
_COPY_COLUMNS = ("created_at", "updated_at", "created_by_id", "updated_by_id", "division_id", "item_id",
                 "applicant", "received_on", "decided_on", "outcome", "decision_number", "officer_id",
                 "filing_due_on", "filing_due_provisional", "filed_on")
# Foreign keys are resolved in bulk before validation; full_clean would check each with a query.
_RESOLVED = ("division", "item", "officer", "created_by", "updated_by")
WRITE_BATCH = 5000


class _FileRules(ExerciseRules):
    """The preloaded rules, judged against one "today" for the whole file."""

    today = None

    def check(self, record, *, today=None):
        super().check(record, today=today or self.today)


def _prepare_history(cursor) -> None:
    """Attribute the rows COPY writes: COPY bypasses pghistory's SQL wrapper, so set its context.

    Also give ``pgtrigger.ignore`` a value (an empty list unless one is set): otherwise each
    trigger call raises and catches an error in a subtransaction, and PostgreSQL rescans the
    transaction's pending after-trigger events on every such rollback, which makes a large
    insert quadratic (measured: 20,000 rows 11.5 s instead of 2.2 s).
    """
    with pghistory.context() as ctx:  # nested in actor_context: the same context, no new hook
        metadata = json.dumps(ctx.metadata, cls=pghistory.config.json_encoder())
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true), set_config('pghistory.context_metadata', %s, true),"
            " set_config('pgtrigger.ignore', coalesce(nullif(current_setting('pgtrigger.ignore', true), ''), '{}'), true)",
            [str(ctx.id), metadata],
        )


def _copy(cursor, rows) -> None:
    """One COPY of rows ordered as _COPY_COLUMNS."""
    with cursor.copy(f"COPY {ExerciseRecord._meta.db_table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            write(row)


class _StreamingWriter:
    """COPYs validated rows on its own connection while the caller validates the next ones.

    PostgreSQL runs the history triggers of one batch while Python checks the next, so the
    import costs about the larger of the two instead of their sum. Everything is written in
    one transaction of the writer's connection, committed only when the caller says the
    whole file passed (``finish(commit=True)``), rolled back otherwise. Only used when the
    caller is not inside a transaction (a second connection would not see its rows).
    """

    _STOP = object()

    def __init__(self, *, actor, reason: str, finalize: Finalize | None):
        import queue
        import threading

        self.actor, self.reason, self.finalize = actor, reason, finalize
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.commit_with: ImportResult | None = None
        self.thread = threading.Thread(target=self._run, name="exercise-record-copy", daemon=True)
        self.thread.start()

    def put(self, records: list) -> None:
        self.queue.put(records)

    def finish(self, result: ImportResult | None) -> None:
        """Commit (``result`` given, finalize runs in the transaction) or roll back (None)."""
        self.commit_with = result
        self.queue.put(self._STOP)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        batch = None
        try:
            with transaction.atomic(), actor_context(self.actor, reason=self.reason):
                with connection.cursor() as cursor:
                    _prepare_history(cursor)
                    # Check the foreign keys batch by batch, overlapped with validation, instead
                    # of all at commit after the last row (same checks, no serial tail).
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    while (batch := self.queue.get()) is not self._STOP:
                        _copy(cursor, batch)
                if self.commit_with is None:
                    transaction.set_rollback(True)
                else:
                    self.commit_with.committed = True
                    if self.finalize is not None:
                        self.finalize(self.commit_with)
        except BaseException as e:  # handed to the caller's thread by finish()
            self.error = e
            while batch is not self._STOP:  # keep the producer from blocking on a full queue
                batch = self.queue.get()
        finally:
            connection.close()


def _existing_records(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, tuple]]:
    """Records already filed under (division, decision number), for the whole file in one query:
    (id, the values of ``record_corrections.STORED``) by key."""
    if not pairs:
        return {}
    divisions, numbers = zip(*pairs, strict=True)
    table = ExerciseRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.division_id, r.decision_number, r.item_id, r.applicant, r.received_on, r.decided_on,"
            f" r.outcome, r.officer_id, r.filed_on, r.id FROM {table} r"
            f" JOIN unnest(%s::bigint[], %s::text[]) AS k(division_id, decision_number)"
            f" ON r.division_id = k.division_id AND r.decision_number = k.decision_number",
            [list(divisions), list(numbers)],
        )
        return {(row[0], row[1]): (row[-1], row[2:-1]) for row in cursor.fetchall()}


def import_exercise_records(
    *, file_bytes: bytes | None = None, rows: Iterable[Mapping] | None = None, fmt: str = "csv",
    actor, dry_run: bool = False, progress: Progress | None = None, finalize: Finalize | None = None,
    reason: str = "导入办件记录", stream: bool = True,
) -> ImportResult:
    """Import exercise records (办件记录) from a CSV/XLSX file, all or nothing.

    ``file_bytes`` (with ``fmt`` "csv" or "xlsx") or ``rows`` (mappings keyed by column header).
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
    try:
        table = _load(file_bytes, rows, fmt)
    except ImportFileError as e:
        result.errors = e.errors
        result.seconds = time.perf_counter() - started
        return result
    result.total = len(table.rows)
    header = {attr: resource.fields[attr].column_name for attr in resource.fields}
    missing = [RowError(1, header[a], f"缺少必填列“{header[a]}”。") for a in resource.required_columns
               if header[a] not in table.headers]
    if missing:
        result.errors = missing
        result.seconds = time.perf_counter() - started
        return result
    index = {attr: table.headers.index(header[attr]) for attr in header if header[attr] in table.headers}
    errors: list[RowError] = []
    result.timings["read"] = time.perf_counter() - started

    # 1. read every cell
    outcome_field = ExerciseRecord._meta.get_field("outcome")
    outcomes = choice_parser(outcome_field.choices)
    outcome_labels = [str(label) for _, label in outcome_field.choices]
    text_cols = [(attr, index.get(attr)) for attr in ("division", "item", "applicant", "decision_number", "officer")]
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
            except ValueError as e:
                values[attr] = None
                failed += (attr,)
                errors.append(RowError(line, header[attr], str(e)))
        try:
            values["outcome"] = parse_choice(cells[outcome_at] if outcome_at < width else None, outcomes, outcome_labels) or ""
        except ValueError as e:
            values["outcome"] = ""
            failed += ("outcome",)
            errors.append(RowError(line, header["outcome"], str(e)))
        parsed.append((line, values, failed))
    mark = time.perf_counter()
    result.timings["parse"] = mark - started - result.timings["read"]

    # 2. natural keys, one query per kind; the jurisdiction once per division
    division_codes = {v["division"] for _, v, _ in parsed} - {""}
    divisions = {d.code: d for d in Division.objects.filter(code__in=division_codes)}
    writable = {d.id for d in divisions.values() if scoping.can(actor, scoping.CHANGE, ExerciseRecord(division=d))}
    item_codes = {v["item"] for _, v, _ in parsed} - {""}
    items = dict(selectors.item_list(user=actor).filter(code__in=item_codes).values_list("code", "id"))
    staff = {v["officer"] for _, v, _ in parsed} - {""}
    officers = dict(Officer.objects.filter(staff_number__in=staff).values_list("staff_number", "id"))
    rules = _FileRules.preload(item_ids=items.values(), division_ids=writable, officer_ids=officers.values())
    rules.today = timezone.localdate()

    # 3. (division, decision number) once in the file, and not yet in the database
    first_line: dict[tuple, int] = {}
    duplicates: set[int] = set()
    for line, v, _ in parsed:
        if v["division"] and v["decision_number"]:
            key = (v["division"], v["decision_number"])
            if key in first_line:
                duplicates.add(line)
                errors.append(RowError(line, header["decision_number"],
                                       f"决定文号“{key[1]}”在文件中重复（第 {first_line[key]} 行和第 {line} 行）。"))
            else:
                first_line[key] = line
    pairs = {(divisions[d].id, n) for d, n in first_line if d in divisions and divisions[d].id in writable}
    existing = _existing_records(pairs)
    result.timings["lookups"] = time.perf_counter() - mark
    mark = time.perf_counter()

    # 4. every row through full_clean with the shared rules; valid rows stream to the writer
    writer = None
    if stream and not dry_run and not errors and not connection.in_atomic_block:
        writer = _StreamingWriter(actor=actor, reason=reason, finalize=finalize)
    actor_id = getattr(actor, "pk", None)
    now = timezone.now()
    # One instance, refilled for every row: building a model instance per row costs more
    # than validating it. full_clean sees exactly what a new record would hold.
    record = ExerciseRecord(created_by_id=actor_id, updated_by_id=actor_id)
    record._rules = rules
    plain = ("applicant", "received_on", "decided_on", "outcome", "decision_number", "filed_on")
    to_write: list[tuple] = []
    corrections: list[record_corrections.Correction] = []
    present = set(index)
    sent = 0
    try:
        for count, (line, v, failed) in enumerate(parsed, start=1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, result.total)
            division_id = item_id = officer_id = None
            if v["division"]:
                division = divisions.get(v["division"])
                if division is None:
                    errors.append(RowError(line, header["division"], f"未找到区划代码“{v['division']}”。"))
                elif division.id not in writable:
                    errors.append(RowError(line, header["division"], f"无权为该单位登记（{division.name}）。"))
                else:
                    division_id = division.id
            else:
                errors.append(RowError(line, header["division"], f"请填写“{header['division']}”。"))
            if v["item"]:
                item_id = items.get(v["item"])
                if item_id is None:
                    errors.append(RowError(line, header["item"], f"未找到事项编码“{v['item']}”。"))
            else:
                errors.append(RowError(line, header["item"], f"请填写“{header['item']}”。"))
            if v["officer"]:
                officer_id = officers.get(v["officer"])
                if officer_id is None:
                    errors.append(RowError(line, header["officer"], f"未找到工号为“{v['officer']}”的执法人员。"))
            record.division_id, record.item_id, record.officer_id = division_id, item_id, officer_id
            for attr in plain:
                setattr(record, attr, v[attr])
            record.filing_due_on, record.filing_due_provisional = None, False
            try:
                # uniqueness is the bulk check above; the CHECK constraints are rules too
                record.full_clean(exclude=_RESOLVED + failed, validate_unique=False, validate_constraints=False)
            except ValidationError as e:
                for name, messages in e.message_dict.items():
                    column = "" if name == NON_FIELD_ERRORS else header.get(name, "")
                    errors.extend(RowError(line, column, m) for m in messages)
                continue
            except ApplicationError as e:  # e.g. the holiday calendar of that year is not entered
                errors.append(RowError(line, header["decided_on"], e.message))
                continue
            if division_id is None or item_id is None or line in duplicates:
                continue
            found = existing.get((division_id, record.decision_number))
            if found is not None:  # the row names a registered record: a correction (record_corrections)
                correction, refusals = record_corrections.compare(*found, record, header, present)
                errors.extend(RowError(line, column, message) for column, message in refusals)
                if correction is not None:
                    corrections.append(correction)
                elif not refusals:
                    result.unchanged += 1
                continue
            to_write.append((now, now, actor_id, actor_id, division_id, item_id, record.applicant, record.received_on,
                             record.decided_on, record.outcome, record.decision_number, officer_id,
                             record.filing_due_on, record.filing_due_provisional, record.filed_on))
            if writer is not None and not errors and len(to_write) - sent >= WRITE_BATCH:
                writer.put(to_write[sent:])
                sent = len(to_write)
        if progress is not None:
            progress(result.total, result.total)
        result.timings["validate"] = time.perf_counter() - mark
        mark = time.perf_counter()
        result.errors = _sorted(errors, order)
        if result.errors:
            result.unchanged = 0
        else:
            result.created, result.updated = len(to_write), len(corrections)
        if corrections:  # in the writing transaction, before the job marks itself done
            finalize = _then(lambda: record_corrections.apply(corrections, actor=actor, reason=reason), finalize)
        if writer is not None:
            if not result.errors:
                writer.put(to_write[sent:])
            writer, pending = None, writer
            pending.finalize = finalize
            pending.finish(None if result.errors else result)
        elif not result.errors and not dry_run:
            _copy_records(to_write, actor=actor, reason=reason, result=result, finalize=finalize)
    except IntegrityError:
        logger.warning("exercise record import refused by the database", exc_info=True)
        result.errors = [RowError(0, "", "数据库拒绝了写入（可能有人同时登记了相同决定文号的办件），本次未写入任何记录，请重新导入。")]
        result.created, result.committed = 0, False
    except (ValidationError, ApplicationError) as e:  # a correction refused at write time (changed meanwhile)
        text = e.message if isinstance(e, ApplicationError) else "；".join(e.messages)
        result.errors = [RowError(0, "", f"更正已登记的办件时被拒绝（{text}），本次未写入任何记录，请重新导入。")]
        result.created, result.updated, result.committed = 0, 0, False
    finally:
        if writer is not None:  # an exception escaped validation: roll the writer back
            writer.finish(None)
    result.timings["write"] = time.perf_counter() - mark
    result.seconds = time.perf_counter() - started
    return result


def _then(first: Callable[[], None], finalize: Finalize | None) -> Finalize:
    def run(result: ImportResult) -> None:
        first()
        if finalize is not None:
            finalize(result)
    return run


def _copy_records(rows: list[tuple], *, actor, reason: str, result: ImportResult,
                  finalize: Finalize | None) -> None:
    with transaction.atomic(), actor_context(actor, reason=reason):
        with connection.cursor() as cursor:
            _prepare_history(cursor)
            _copy(cursor, rows)
        result.committed = True
        if finalize is not None:
            finalize(result)


# --- items and assignments: django-import-export -------------------------------------------
def _error_text(error) -> str:
    if isinstance(error, ImportFileError):
        return str(error)
    if isinstance(error, IntegrityError):
        return "数据库拒绝写入该行（与已有记录冲突）。"
    if isinstance(error, (ApplicationError, ConflictError)):
        return error.message
    logger.error("import row failed", exc_info=error)
    return f"处理该行时出现系统错误（{type(error).__name__}），请联系管理员。"


def import_catalogue(
    *, kind: str, file_bytes: bytes | None = None, rows: Iterable[Mapping] | None = None, fmt: str = "csv",
    actor, dry_run: bool = False, progress: Progress | None = None, finalize: Finalize | None = None,
    reason: str = "",
) -> ImportResult:
    """Import items or assignments through their resource, all or nothing (see module doc)."""
    started = time.perf_counter()
    result = ImportResult()
    resource = RESOURCES[kind](actor=actor)
    order = resource.import_columns()
    try:
        table = _load(file_bytes, rows, fmt)
    except ImportFileError as e:
        result.errors = e.errors
        result.seconds = time.perf_counter() - started
        return result
    result.total = len(table.rows)
    width = len(table.headers)
    dataset = tablib.Dataset(headers=table.headers)
    for _, cells in table.rows:
        dataset.append([cell if not isinstance(cell, str) else cell.strip() for cell in (list(cells) + [""] * width)[:width]])
    lines = [line for line, _ in table.rows]
    errors = resource.file_errors(dataset, lines)
    if any(e.row == 1 for e in errors):  # a required column is missing: rows cannot be read
        result.errors = errors
        result.seconds = time.perf_counter() - started
        return result
    if errors:  # repeated keys: check the other rows, leave the repeats out
        repeated = {e.row for e in errors}
        keep = [i for i, line in enumerate(lines) if line not in repeated]
        subset = tablib.Dataset(headers=table.headers)
        for i in keep:
            subset.append(dataset[i])
        dataset, lines = subset, [lines[i] for i in keep]
    if progress is not None:
        progress(0, result.total)
    with transaction.atomic():
        with actor_context(actor, reason=reason or f"导入{ImportJob.Kind(kind).label}"):
            outcome = resource.import_data(dataset, dry_run=dry_run or bool(errors), file_checked=True)
        for e in outcome.base_errors:
            errors.append(RowError(0, "", _error_text(e.error)))
        for row in outcome.error_rows:
            errors.extend(RowError(lines[row.number - 1], "", _error_text(e.error)) for e in row.errors)
        for row in outcome.invalid_rows:
            for key, messages in row.error_dict.items():
                column = "" if key == NON_FIELD_ERRORS else resource.column_of(key)
                errors.extend(RowError(lines[row.number - 1], column, str(m)) for m in messages)
        result.errors = _sorted(errors, order)
        if not result.errors:
            result.created = outcome.totals["new"]
            result.updated = outcome.totals["update"]
            result.unchanged = outcome.totals["skip"]
            if not dry_run:
                result.committed = True
                if finalize is not None:
                    finalize(result)
        else:
            transaction.set_rollback(True)
    if progress is not None:
        progress(result.total, result.total)
    result.seconds = time.perf_counter() - started
    return result


def import_file(*, kind: str, **kwargs) -> ImportResult:
    """Import a file of ``kind`` (an ``ImportJob.Kind``) with the engine that kind uses."""
    if kind == ImportJob.Kind.EXERCISE_RECORD:
        return import_exercise_records(**kwargs)
    return import_catalogue(kind=kind, **kwargs)


# --- exports -------------------------------------------------------------------------------
def export_rows(*, kind: str, queryset, fmt: str, actor=None) -> bytes:
    """The rows of ``queryset`` as CSV (UTF-8 with BOM, for Excel) or XLSX, formula cells escaped.

    The caller scopes the queryset; the columns are the ones the import reads.
    """
    resource = RESOURCES[kind](actor=actor)
    if fmt == "csv":
        dataset = resource.export(queryset=queryset)
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        dataset = resource.export(queryset=queryset, force_native_type=True)
        clean = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            clean.append([ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", v) if isinstance(v, str) else v for v in row])
        return clean.export("xlsx")
    raise ValueError(fmt)


RECORD_EXPORT_FIELDS = ("applicant", "received_on", "decided_on", "outcome", "decision_number", "filed_on", "filing_due_on",
                        "filing_due_provisional")


def export_queryset(kind: str, user, *, filters=None, request=None):
    """What the user may see of ``kind``, narrowed by the list page's filters (the same FilterSet;
    invalid filters give no rows, core.filtering, never the unfiltered set)."""

    def narrowed(qs, filterset_class):
        return filterset_class(filters, queryset=qs, request=request).qs if filters else qs

    if kind == ImportJob.Kind.ITEM:
        return narrowed(selectors.item_list(user=user), ItemFilterSet).order_by("code")
    if kind == ImportJob.Kind.ASSIGNMENT:
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


# --- import jobs ---------------------------------------------------------------------------
def may_import(user, kind: str) -> bool:
    return scoping.may_write_model(user, MODELS[kind])


def import_job_create(*, kind: str, upload, actor) -> ImportJob:
    """Accept an uploaded file and check it: in the request when small, else in a task.

    Raises ApplicationError with a Chinese message when the file cannot be imported at all.
    """
    if kind not in ImportJob.Kind.values:
        raise ApplicationError("请选择要导入的内容。", code="import_kind")
    if not may_import(actor, kind):
        raise ApplicationError(f"您没有导入{ImportJob.Kind(kind).label}的权限。", code="import_forbidden")
    try:
        fmt = check_upload(upload.name, upload.size, upload.read(8))
    except ImportFileError as e:
        raise ApplicationError(str(e), code="import_file") from e
    upload.seek(0)
    data = upload.read()
    job = ImportJob(kind=kind, original_name=upload.name[:255], file_format=fmt, started_by=actor)
    from django.core.files.base import ContentFile

    job.file.save(f"{kind}.{fmt}", ContentFile(data), save=False)
    job.total_rows = estimate_rows(data, fmt)
    job.run_in_background = job.total_rows > INLINE_MAX_ROWS
    job.save()
    _dispatch(job)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """The user confirms a checked file: import it (in the request when small, else in a task)."""
    if job.started_by_id != getattr(actor, "pk", None) and not getattr(actor, "is_superuser", False):
        raise ApplicationError("只有上传该文件的用户可以确认导入。", code="import_not_owner")
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(status=ImportJob.Status.QUEUED)
    if not claimed:
        job.refresh_from_db()
        raise ConflictError(f"该导入任务当前状态为“{job.get_status_display()}”，不能确认导入。", code="import_state")
    job.refresh_from_db()
    _dispatch(job)
    job.refresh_from_db()
    return job


def _dispatch(job: ImportJob) -> None:
    if job.run_in_background:
        from .tasks import run_import_job_task

        run_import_job_task.delay_on_commit(job.pk)
    else:
        import_job_run(job_id=job.pk)


_LOCK_NAMESPACE = 0x6B71_0000_0000  # "kq": keeps job locks apart from other advisory locks


def import_job_run(*, job_id: int) -> None:
    """Run whatever step the job waits for (check, or import); idempotent.

    A session advisory lock keeps two workers off one job; a finished job is left alone. The
    import and the job's "done" status commit together, so a crash in between leaves a job
    that can simply be run again.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_NAMESPACE + job_id])
        if not cursor.fetchone()[0]:
            return
    try:
        job = ImportJob.objects.select_related("started_by").filter(pk=job_id).first()
        if job is None:
            return
        if job.status in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING):
            _run(job, commit=False)
        elif job.status in (ImportJob.Status.QUEUED, ImportJob.Status.IMPORTING):
            _run(job, commit=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_NAMESPACE + job_id])


def _store(job: ImportJob, result: ImportResult, *, status: str) -> None:
    job.status = status
    job.total_rows = result.total
    job.processed_rows = result.total
    job.created_count, job.updated_count, job.unchanged_count = result.created, result.updated, result.unchanged
    job.error_count = len(result.errors)
    job.errors = [list(e) for e in result.errors]
    job.seconds = round(result.seconds, 3)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total_rows", "processed_rows", "created_count", "updated_count",
                            "unchanged_count", "error_count", "errors", "seconds", "finished_at"])


def _run(job: ImportJob, *, commit: bool) -> None:
    running = ImportJob.Status.IMPORTING if commit else ImportJob.Status.VALIDATING
    ImportJob.objects.filter(pk=job.pk).update(status=running, processed_rows=0, message="")

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    def finalize(result: ImportResult) -> None:
        _store(job, result, status=ImportJob.Status.DONE)

    try:
        with job.file.open("rb") as f:
            data = f.read()
        result = import_file(
            kind=job.kind, file_bytes=data, fmt=job.file_format, actor=job.started_by, dry_run=not commit,
            progress=progress, finalize=finalize if commit else None,
            reason=f"导入{job.get_kind_display()}：{job.original_name}（导入任务 {job.pk}）",
        )
    except Exception as e:  # the job's boundary: record the failure, never leave it "running"
        logger.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, message=f"导入时出现系统错误（{type(e).__name__}），未写入任何记录。",
            finished_at=timezone.now(),
        )
        return
    if commit:
        if not result.committed:
            _store(job, result, status=ImportJob.Status.FAILED)
    else:
        _store(job, result, status=ImportJob.Status.INVALID if result.errors else ImportJob.Status.VALID)
