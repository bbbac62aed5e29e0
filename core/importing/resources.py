"""``ServiceResource``: the base of every import resource (django-import-export), and the engine
that imports a table through it, all or nothing.

An app declares a resource per model: its columns (headed by the model's verbose names, see
``column``), the columns a file must have, the fields whose values identify a row, and how a
row is written (``save_through_service``: the app's service, which records who did it). Rows
end in ``full_clean`` like every other way in, so the importer shares the model's rules.

Three defaults of django-import-export are not trusted here:
- a row that fails validation does not stop the others from being written: ``import_data``
  rolls the whole file back when any row is refused (all or nothing);
- a key repeated inside one file silently updates the earlier row: ``file_errors`` refuses it,
  naming both rows;
- a widget that cannot read a cell raises whatever its parser raises: the widgets of
  ``core.importing.cells`` say what is wrong, and keep the message's template and params.

Exports escape formula cells (``cells.escape_formula``); the columns are the ones the import reads.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from core.errors import ApplicationError

from .cells import CellError, NaturalKeyWidget, cell_text, escape_formula
from .errors import ErrorList, ImportFileError, RowError, from_validation_error, shorten
from .files import Table

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did or, on a dry run, would do. ``errors``: RowError (row, column, message)."""

    total: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=ErrorList)
    seconds: float = 0.0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        """Every problem found, also those past the ErrorList's limit."""
        return getattr(self.errors, "total", len(self.errors))

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


Finalize = Callable[[ImportResult], None]


def sort_errors(errors: list[RowError], order: list[str]) -> ErrorList:
    """By row, then in the order of the resource's columns; keeps the count of dropped ones."""
    rank = {name: i for i, name in enumerate(order)}
    ordered = ErrorList(sorted(errors, key=lambda e: (e.row, rank.get(e.column, len(rank)), e.message)),
                        limit=getattr(errors, "limit", 10_000))
    ordered.dropped = getattr(errors, "dropped", 0)
    return ordered


def table_columns(resource: ServiceResource, table: Table) -> tuple[dict[str, str], dict[str, int], ErrorList]:
    """For a ``fast_import`` hook reading ``table`` itself: (header by field, column index by field for the
    columns the file has, the errors of the required columns it lacks, on row 1)."""
    header = {name: f.column_name for name, f in resource.fields.items()}
    missing = ErrorList([RowError.of(1, header[name], _("缺少必填列“%(column)s”。"), code="missing_column",
                                     column=header[name])
                         for name in resource.required_columns if header[name] not in table.headers])
    index = {name: table.headers.index(column) for name, column in header.items() if column in table.headers}
    return header, index, missing


def column(model, name: str, widget, *, readonly: bool = False) -> fields.Field:
    """A resource field headed by the model field's verbose name (Chinese, as files are written)."""
    from .errors import msgid

    verbose = msgid(model._meta.get_field(name).verbose_name)
    return fields.Field(attribute=name, column_name=verbose, widget=widget, readonly=readonly)


class ServiceResource(resources.ModelResource):
    """Chinese columns, escaped exports, file checks, all-or-nothing imports through a service.

    ``actor`` is the user importing or exporting. Subclasses set ``required_columns`` and
    ``key_fields`` and implement ``save_through_service``; ``row_errors`` adds the import's own
    rules (jurisdiction, what an import may change).
    """

    #: columns that must be present in an imported file
    required_columns: tuple[str, ...] = ()
    #: fields whose values identify a row; repeated inside one file is an error
    key_fields: tuple[str, ...] = ()

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        for f in self.fields.values():
            if isinstance(f.widget, NaturalKeyWidget):
                f.widget.actor = actor

    # columns
    def column_of(self, attribute: str) -> str:
        """The header of the column that sets ``attribute`` ("" for the whole row)."""
        for f in self.fields.values():
            if f.attribute == attribute or f.attribute == attribute.removesuffix("_id"):
                return f.column_name
        return ""

    def header(self, name: str) -> str:
        return self.fields[name].column_name

    def import_columns(self) -> list[str]:
        return [f.column_name for f in self.get_import_fields() if not f.readonly]

    # exports
    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_formula(value) if isinstance(value, str) else value

    def export_resource(self, instance, selected_fields=None, **kwargs):
        if selected_fields:  # the admin's column picker: the library's own path
            return super().export_resource(instance, selected_fields, **kwargs)
        # No dehydrate methods here: read and render each field directly (the library looks up
        # every field's name and dehydrate method again for every cell, a third of the time).
        if getattr(self, "_export_fields", None) is None:
            self._export_fields = self.get_export_fields()
        row = []
        for f in self._export_fields:
            value = f.widget.render(f.get_value(instance), **kwargs)
            row.append(escape_formula(value) if isinstance(value, str) else value)
        return row

    def export_bytes(self, rows, fmt: str) -> bytes:
        """``rows`` (a queryset or a list) as CSV (UTF-8 with BOM, for Excel) or XLSX."""
        if fmt == "csv":
            dataset = self.export(queryset=rows)
            return ("\ufeff" + dataset.export("csv")).encode("utf-8")
        if fmt == "xlsx":
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            dataset = self.export(queryset=rows, force_native_type=True)
            clean = tablib.Dataset(headers=dataset.headers)
            for row in dataset:
                clean.append([ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", v) if isinstance(v, str) else v
                              for v in row])
            return clean.export("xlsx")
        raise ValueError(fmt)

    # file checks
    def file_errors(self, dataset, line_numbers=None) -> list[RowError]:
        """Missing columns and keys repeated inside the file, with every row number involved."""
        headers = list(dataset.headers or [])
        errors = []
        for name in self.required_columns:
            header = self.header(name)
            if header not in headers:
                errors.append(RowError.of(1, header, _("缺少必填列“%(column)s”。"), code="missing_column",
                                          column=self.fields[name].column_name))
        if errors or not self.key_fields:
            return errors
        key_columns = [self.header(name) for name in self.key_fields]
        index = [headers.index(c) for c in key_columns]
        seen: dict[tuple, list[int]] = defaultdict(list)
        for i, row in enumerate(dataset):
            key = tuple(cell_text(row[j]) if j < len(row) else "" for j in index)
            if any(key):
                seen[key].append(line_numbers[i] if line_numbers else i + 2)
        for key, rows in seen.items():
            if len(rows) > 1:
                for row in rows[1:]:
                    errors.append(RowError.of(
                        row, key_columns[-1] if len(key_columns) > 1 else key_columns[0],
                        _("%(columns)s“%(key)s”在文件中重复出现（第 %(rows)s 行）。"), code="duplicate_key",
                        columns="+".join(key_columns), key=shorten("、".join(k for k in key if k)),
                        rows="、".join(map(str, rows[:20])),
                    ))
        return errors

    def before_import(self, dataset, **kwargs):
        if not kwargs.get("file_checked"):
            errors = self.file_errors(dataset)
            if errors:
                raise ImportFileError(errors)
        headers = list(dataset.headers or [])
        for f in self.fields.values():
            if isinstance(f.widget, NaturalKeyWidget) and f.column_name in headers:
                f.widget.preload({cell_text(v) for v in dataset.get_col(headers.index(f.column_name))})

    # reading cells: keep the widget's message template and params
    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for f in self.get_import_fields():
            try:
                self.import_field(f, instance, row, **kwargs)
            except CellError as e:
                errors[f.attribute] = e.validation_error()
            except ValueError as e:
                errors[f.attribute] = ValidationError(str(e), code="invalid")
        if errors:
            raise ValidationError(errors)

    # validation: every row ends in full_clean; constraints are the services' and the database's
    def row_errors(self, instance) -> dict[str, list]:
        """Extra rules of the import (jurisdiction, what an import may change)."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {k: (v.error_list if isinstance(v, ValidationError) else list(v))
                  for k, v in (import_validation_errors or {}).items()}
        for name in self.required_columns:
            attribute = self.fields[name].attribute
            if attribute not in errors and getattr(instance, attribute, None) in (None, ""):
                errors[attribute] = [ValidationError(_("请填写“%(column)s”。"), code="required",
                                                     params={"column": self.fields[name].column_name})]
        for key, messages in self.row_errors(instance).items():
            errors.setdefault(key, []).extend(messages)
        try:
            instance.full_clean(exclude=list(errors), validate_unique=validate_unique, validate_constraints=False)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_through_service(self, instance, is_create):
        raise NotImplementedError

    def do_instance_save(self, instance, is_create):
        try:
            saved = self.save_through_service(instance, is_create)
        except ApplicationError as e:  # a service refused the row: report it like a validation error
            raise ValidationError(e.message, code=e.code) from e
        if saved is not None and saved is not instance:
            instance.pk = saved.pk
            instance._state.adding = False

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        """All or nothing: whatever the caller asks, one refused row rolls the whole file back."""
        using = self.get_db_connection_name()
        with transaction.atomic(using=using):
            result = super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs,
            )
            if dry_run or result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True, using=using)
        return result

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True
        chunk_size = 2000  # rows fetched per round trip when exporting


def _error_of(row: int, error) -> RowError:
    if isinstance(error, ImportFileError):
        return RowError.text(row, "", str(error))
    if isinstance(error, IntegrityError):
        return RowError.of(row, "", _("数据库拒绝写入该行（与已有记录冲突）。"), code="integrity")
    if isinstance(error, ApplicationError):
        return RowError.text(row, "", error.message, code=error.code)
    logger.error("import row failed", exc_info=error)
    return RowError.of(row, "", _("处理该行时出现系统错误（%(error)s），请联系管理员。"), code="system",
                       error=type(error).__name__)


def import_table(resource: ServiceResource, table: Table, *, dry_run: bool = False, progress: Progress | None = None,
                 finalize: Finalize | None = None, reason: str = "") -> ImportResult:
    """Import ``table`` through ``resource``, all or nothing (see module doc).

    ``finalize`` runs inside the writing transaction (a job marks itself done there).
    """
    from core.history import actor_context

    started = time.perf_counter()
    result = ImportResult()
    order = resource.import_columns()
    result.total = len(table.rows)
    width = len(table.headers)
    dataset = tablib.Dataset(headers=table.headers)
    for _line, cells in table.rows:
        dataset.append([c if not isinstance(c, str) else c.strip() for c in (list(cells) + [""] * width)[:width]])
    lines = [line for line, _cells in table.rows]
    errors = ErrorList(resource.file_errors(dataset, lines))
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
        with actor_context(resource.actor, reason=reason):
            outcome = resource.import_data(dataset, dry_run=dry_run or bool(errors), file_checked=True)
        for e in outcome.base_errors:
            errors.append(_error_of(0, e.error))
        for row in outcome.error_rows:
            errors.extend(_error_of(lines[row.number - 1], e.error) for e in row.errors)
        for row in outcome.invalid_rows:
            errors.extend(from_validation_error(lines[row.number - 1], row.error, resource.column_of))
        result.errors = sort_errors(errors, order)
        if not result.errors:
            result.created = outcome.totals["new"]
            result.updated = outcome.totals["update"]
            result.unchanged = outcome.totals["skip"]
            if not dry_run:
                result.committed = True
                result.seconds = time.perf_counter() - started
                if finalize is not None:
                    finalize(result)
        else:
            transaction.set_rollback(True)
    if progress is not None:
        progress(result.total, result.total)
    result.seconds = time.perf_counter() - started
    return result
