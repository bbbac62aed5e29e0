"""Spreadsheet columns of the catalogue (django-import-export): items, assignments, exercise records.

Headers are the models' Chinese verbose names; related rows are named by natural keys (a
department by its code or, within the importer's jurisdiction, its name; a division by its
code; an item by its code; an agreement by its number; an officer by staff number); choices
by their Chinese labels. What an export writes, an import reads back unchanged.

Three defaults of django-import-export are not trusted here:
- a row that fails validation does not stop the others from being written: ``import_data``
  here rolls the whole file back when any row is refused (all or nothing);
- a key repeated inside one file silently updates the earlier row: ``file_errors`` refuses it,
  naming both rows;
- a widget that cannot read a cell raises whatever its parser raises (a decimal says
  ``[<class 'decimal.ConversionSyntax'>]``): the widgets here say what is wrong, in Chinese.

Exports escape cells that a spreadsheet would run as a formula (OWASP "CSV injection"): a text
cell starting with = + - @ (also full-width), a tab or a carriage return gets a leading
apostrophe. django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a
leading "=" (data loss, and no + - @), so it stays off. Imports remove that apostrophe again,
so an export re-imports unchanged.

Exercise records are imported by the fast path in ``delegation.importing``; their resource
gives the columns and the export.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader, CachedInstanceLoader

from core.errors import ApplicationError
from personnel.models import Officer
from regions import scoping
from regions.models import Department, Division

from . import services
from .choices import Category, ItemStatus, LimitUnit, Mode, Outcome, TakeOverStatus
from .models import Agreement, Assignment, ExerciseRecord, Item


class RowError(NamedTuple):
    """One problem in an imported file: spreadsheet row (1 = header row, 0 = whole file), column header, message."""

    row: int
    column: str
    message: str


class ImportFileError(Exception):
    """The file cannot be imported at all (wrong format, missing columns, repeated keys)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("；".join(e.message for e in errors))
        self.errors = errors


# --- cells ---------------------------------------------------------------------------------
FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")


def escape_formula(value: str) -> str:
    """Make a text cell inert in Excel/WPS: prefix an apostrophe (reversible, see unescape_formula)."""
    if value and (value[0] in FORMULA_TRIGGERS or value[0] == "'"):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and (value[1] in FORMULA_TRIGGERS or value[1] == "'"):
        return value[1:]
    return value


def cell_text(value) -> str:
    """A cell as text: strip blanks, undo the export's formula escape, read Excel numbers as digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_formula(value.strip())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATETIME_MIDNIGHT_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?")
_INT_RE = re.compile(r"[+-]?\d+(\.0*)?")


def parse_date(value) -> datetime.date | None:
    """2026-01-31, 2026/1/31, 2026.1.31, 2026年1月31日, or an Excel date cell."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = value.strip() if isinstance(value, str) else str(value)
    if not text:
        return None
    if len(text) == 10:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    match = _DATE_RE.fullmatch(text) or None
    if match is None and _DATETIME_MIDNIGHT_RE.fullmatch(text):
        match = _DATE_RE.fullmatch(text[:10])
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValueError(f"“{text}”不是存在的日期。") from None
    raise ValueError(f"“{text}”不是有效的日期，请按 2026-01-31 的格式填写。")


def parse_int(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{cell_text(value)}”不是有效的整数。")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    if _INT_RE.fullmatch(text):
        return int(text.split(".")[0])
    raise ValueError(f"“{str(value).strip()}”不是有效的整数，请只填写数字。")


TRUE_TEXTS = {"是", "1", "true", "yes", "y", "√"}
FALSE_TEXTS = {"否", "0", "false", "no", "n", "×", ""}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise ValueError(f"“{cell_text(value)}”应填写“是”或“否”。")


def choice_parser(choices) -> dict[str, str]:
    """Label → value and value → value, for reading a choice cell."""
    table = {}
    for value, label in choices:
        table[str(label)] = value
        table[value] = value
    return table


def parse_choice(value, table: dict[str, str], labels: list[str]) -> str | None:
    text = cell_text(value)
    if not text:
        return None
    if text in table:
        return table[text]
    raise ValueError(f"“{text}”不是可选的值，请填写：{'、'.join(labels)}。")


# --- widgets -------------------------------------------------------------------------------
class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class DateCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class IntCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_int(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class BoolCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_bool(value)

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class ChoiceCellWidget(widgets.Widget):
    """A choice written as its Chinese label (the stored value is accepted too)."""

    def __init__(self, choices, default=None):
        super().__init__()
        self.table = choice_parser(choices)
        self.labels = [str(label) for _, label in choices]
        self.display = {value: str(label) for value, label in choices}
        self.default = default

    def clean(self, value, row=None, **kwargs):
        parsed = parse_choice(value, self.table, self.labels)
        return self.default if parsed is None else parsed

    def render(self, value, obj=None, **kwargs):
        return self.display.get(value, value or "")


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related row named by a natural key. ``preload`` reads every key of a file in one query."""

    not_found = "未找到“{key}”。"

    def __init__(self, model, field):
        super().__init__(model, field)
        self.actor = None
        self._cache: dict[str, object] = {}

    def queryset(self):
        return self.model.objects.all()

    def preload(self, keys) -> None:
        keys = {k for k in keys if k} - set(self._cache)
        if keys:
            found = {getattr(o, self.field): o for o in self.queryset().filter(**{f"{self.field}__in": keys})}
            for key in keys:
                self._cache[key] = found.get(key) or self.not_found.format(key=key)

    def resolve(self, key: str):
        if key not in self._cache:
            self.preload({key})
        return self._cache[key]

    def clean(self, value, row=None, **kwargs):
        key = cell_text(value)
        if not key:
            return None
        found = self.resolve(key)
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class DivisionWidget(NaturalKeyWidget):
    not_found = "未找到区划代码“{key}”。"

    def __init__(self):
        super().__init__(Division, "code")


class ItemWidget(NaturalKeyWidget):
    """Items the importer can see (its own and the published catalogues above it)."""

    not_found = "未找到事项编码“{key}”。"

    def __init__(self):
        super().__init__(Item, "code")

    def queryset(self):
        if self.actor is None:
            return Item.objects.select_related("department__division")
        from .selectors import item_list  # drafts only for those who write the catalogue

        return item_list(user=self.actor)


class AgreementWidget(NaturalKeyWidget):
    not_found = "未找到协议编号“{key}”。"

    def __init__(self):
        super().__init__(Agreement, "number")

    def queryset(self):
        qs = Agreement.objects.all()
        return scoping.scope(qs, self.actor) if self.actor is not None else qs


class OfficerWidget(NaturalKeyWidget):
    not_found = "未找到工号为“{key}”的执法人员。"

    def __init__(self):
        super().__init__(Officer, "staff_number")


class DepartmentWidget(NaturalKeyWidget):
    """A department by code, or by name among the departments the importer may publish items for."""

    def __init__(self):
        super().__init__(Department, "code")

    def preload(self, keys) -> None:
        keys = {k for k in keys if k} - set(self._cache)
        if not keys:
            return
        candidates = list(Department.objects.select_related("division").filter(Q(code__in=keys) | Q(name__in=keys)))
        writable = {d.pk for d in candidates if self._may_publish(d)}
        by_code = {d.code: d for d in candidates}
        by_name = defaultdict(list)
        for d in candidates:
            if d.pk in writable:
                by_name[d.name].append(d)
        for key in keys:
            dept = by_code.get(key)
            if dept is not None:
                self._cache[key] = dept if dept.pk in writable else f"无权为“{dept}”登记或修改事项。"
            elif len(by_name.get(key, ())) == 1:
                self._cache[key] = by_name[key][0]
            elif by_name.get(key):
                codes = "、".join(d.code for d in by_name[key])
                self._cache[key] = f"部门名称“{key}”对应多个部门，请改填部门代码（{codes}）。"
            else:
                self._cache[key] = f"未找到部门“{key}”（可填写部门代码或本辖区内的部门名称）。"

    def _may_publish(self, department) -> bool:
        if self.actor is None:
            return True
        return scoping.can(self.actor, scoping.CHANGE, Item(department=department))


def column(model, name: str, widget, *, readonly: bool = False) -> fields.Field:
    """A resource field headed by the model field's verbose name."""
    verbose = str(model._meta.get_field(name).verbose_name)
    return fields.Field(attribute=name, column_name=verbose, widget=widget, readonly=readonly)


# --- resources -----------------------------------------------------------------------------
class CatalogueResource(resources.ModelResource):
    """Shared behaviour: Chinese columns, escaped exports, file checks, all-or-nothing imports.

    ``actor`` is the user importing or exporting; imports write through ``delegation.services``.
    """

    #: columns that must be present in an imported file
    required_columns: tuple[str, ...] = ()
    #: fields whose values identify a row; repeated inside one file is an error
    key_fields: tuple[str, ...] = ()

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        for field in self.fields.values():
            if isinstance(field.widget, NaturalKeyWidget):
                field.widget.actor = actor

    # columns
    def column_of(self, attribute: str) -> str:
        """The header of the column that sets ``attribute`` ("" for the whole row)."""
        for field in self.fields.values():
            if field.attribute == attribute or field.attribute == attribute.removesuffix("_id"):
                return field.column_name
        return ""

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
        for field in self._export_fields:
            value = field.widget.render(field.get_value(instance), **kwargs)
            row.append(escape_formula(value) if isinstance(value, str) else value)
        return row

    # file checks
    def file_errors(self, dataset, line_numbers=None) -> list[RowError]:
        """Missing columns and keys repeated inside the file, with every row number involved."""
        headers = list(dataset.headers or [])
        errors = []
        for name in self.required_columns:
            header = self.fields[name].column_name
            if header not in headers:
                errors.append(RowError(1, header, f"缺少必填列“{header}”。"))
        if errors or not self.key_fields:
            return errors
        key_columns = [self.fields[name].column_name for name in self.key_fields]
        index = [headers.index(c) for c in key_columns]
        seen: dict[tuple, list[int]] = defaultdict(list)
        for i, row in enumerate(dataset):
            key = tuple(cell_text(row[j]) if j < len(row) else "" for j in index)
            if any(key):
                seen[key].append(line_numbers[i] if line_numbers else i + 2)
        for key, rows in seen.items():
            if len(rows) > 1:
                shown = "、".join(k for k in key if k)
                for row in rows[1:]:
                    errors.append(RowError(
                        row, key_columns[-1] if len(key_columns) > 1 else key_columns[0],
                        f"{'+'.join(key_columns)}“{shown}”在文件中重复出现（第 {'、'.join(map(str, rows))} 行）。",
                    ))
        return errors

    def before_import(self, dataset, **kwargs):
        if not kwargs.get("file_checked"):
            errors = self.file_errors(dataset)
            if errors:
                raise ImportFileError(errors)
        headers = list(dataset.headers or [])
        for field in self.fields.values():
            if isinstance(field.widget, NaturalKeyWidget) and field.column_name in headers:
                field.widget.preload({cell_text(v) for v in dataset.get_col(headers.index(field.column_name))})

    # validation: every row ends in full_clean; constraints are the services' and the database's
    def row_errors(self, instance) -> dict[str, list[str]]:
        """Extra rules of the import (jurisdiction, what an import may change)."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {k: list(v) for k, v in (import_validation_errors or {}).items()}
        for name in self.required_columns:
            attribute = self.fields[name].attribute
            if attribute not in errors and getattr(instance, attribute, None) in (None, ""):
                errors[attribute] = [f"请填写“{self.fields[name].column_name}”。"]
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
            raise ValidationError(e.message) from e
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


ITEM_COLUMNS = (
    "code", "name", "category", "department", "legal_basis", "legal_article",
    "route_before_review", "route_before_approval", "route_before_filing",
    "route_after_review", "route_after_approval", "route_after_filing",
    "filing_body", "filing_deadline", "statutory_limit", "statutory_limit_unit",
    "promised_limit", "promised_limit_unit", "spans_several_towns", "batch", "status",
)


class BatchCodeWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code


class ItemResource(CatalogueResource):
    """Items (下放事项), matched by 事项编码: an existing code updates the item, a new one adds a draft.

    Batch and status are exported for reading; they change only through publishing and the
    life-cycle services, never by import.
    """

    code = column(Item, "code", TextWidget())
    name = column(Item, "name", TextWidget())
    category = column(Item, "category", ChoiceCellWidget(Category.choices))
    department = column(Item, "department", DepartmentWidget())
    legal_basis = column(Item, "legal_basis", TextWidget())
    legal_article = column(Item, "legal_article", TextWidget())
    route_before_review = column(Item, "route_before_review", TextWidget())
    route_before_approval = column(Item, "route_before_approval", TextWidget())
    route_before_filing = column(Item, "route_before_filing", TextWidget())
    route_after_review = column(Item, "route_after_review", TextWidget())
    route_after_approval = column(Item, "route_after_approval", TextWidget())
    route_after_filing = column(Item, "route_after_filing", TextWidget())
    filing_body = column(Item, "filing_body", TextWidget())
    filing_deadline = column(Item, "filing_deadline", TextWidget())
    statutory_limit = column(Item, "statutory_limit", IntCellWidget())
    statutory_limit_unit = column(Item, "statutory_limit_unit", ChoiceCellWidget(LimitUnit.choices, LimitUnit.WORKING_DAYS))
    promised_limit = column(Item, "promised_limit", IntCellWidget())
    promised_limit_unit = column(Item, "promised_limit_unit", ChoiceCellWidget(LimitUnit.choices, LimitUnit.WORKING_DAYS))
    spans_several_towns = column(Item, "spans_several_towns", BoolCellWidget())
    batch = column(Item, "batch", BatchCodeWidget(), readonly=True)
    status = column(Item, "status", ChoiceCellWidget(ItemStatus.choices), readonly=True)

    required_columns = ("code", "name", "category", "department", "legal_basis",
                        "route_before_approval", "route_after_approval")
    key_fields = ("code",)

    class Meta(CatalogueResource.Meta):
        model = Item
        fields = ITEM_COLUMNS
        import_order = ITEM_COLUMNS
        export_order = ITEM_COLUMNS
        import_id_fields = ["code"]
        instance_loader_class = CachedInstanceLoader

    def get_queryset(self):
        # All codes, not only visible ones: a code is unique across the country, and a code
        # outside the jurisdiction must be refused, not created a second time.
        return Item.objects.select_related("department__division", "batch")

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and self.actor is not None and not scoping.can(self.actor, scoping.CHANGE, instance):
            raise ValidationError({"code": f"无权修改事项“{instance.code}”：该事项不在您的管辖范围内。"})

    def save_through_service(self, instance, is_create):
        values = {name: getattr(instance, name) for name in services.ITEM_FIELDS}
        if is_create:
            return services.item_create(actor=self.actor, **values)
        return services.item_update(item=instance, actor=self.actor, **values)


class AssignmentLoader(BaseInstanceLoader):
    """Finds the assignment a row describes by (item, division, assigned_on), in one query per file.

    The assignment date is part of the key so that an exported revoked assignment re-imports
    as itself, and a new assignment after a revocation is a new row.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        headers = list(dataset.headers or []) if dataset is not None else []
        columns = {name: resource.fields[name].column_name for name in ("item", "division")}
        self.cache: dict[tuple, Assignment] = {}
        if dataset is None or not all(c in headers for c in columns.values()):
            return
        items = {cell_text(v) for v in dataset.get_col(headers.index(columns["item"]))} - {""}
        divisions = {cell_text(v) for v in dataset.get_col(headers.index(columns["division"]))} - {""}
        rows = Assignment.objects.select_related("item__department__division", "division", "agreement").filter(
            item__code__in=items, division__code__in=divisions,
        ).order_by("id")
        for assignment in rows:
            key = (assignment.item_id, assignment.division_id, assignment.assigned_on)
            current = self.cache.get(key)
            if current is None or current.takeover_status == TakeOverStatus.REVOKED:
                self.cache[key] = assignment

    def get_instance(self, row):
        try:
            item = self.resource.fields["item"].clean(row)
            division = self.resource.fields["division"].clean(row)
            assigned_on = self.resource.fields["assigned_on"].clean(row)
        except (ValueError, KeyError):
            return None  # reported when the row's fields are read
        if item is None or division is None or assigned_on is None:
            return None
        return self.cache.get((item.pk, division.pk, assigned_on))


ASSIGNMENT_COLUMNS = ("item", "division", "mode", "receiving_unit", "agreement", "assigned_on",
                      "takeover_status", "taken_over_on", "revoked_on")


class AssignmentResource(CatalogueResource):
    """Assignments (事项承接): new rows assign an item to a pilot town through ``assignment_create``.

    An existing assignment (same item, division and date) may only gain or change its
    agreement; take-over and revocation are workflow steps, shown here but never imported.
    """

    item = column(Assignment, "item", ItemWidget())
    division = column(Assignment, "division", DivisionWidget())
    mode = column(Assignment, "mode", ChoiceCellWidget(Mode.choices))
    receiving_unit = column(Assignment, "receiving_unit", TextWidget())
    agreement = column(Assignment, "agreement", AgreementWidget())
    assigned_on = column(Assignment, "assigned_on", DateCellWidget())
    takeover_status = column(Assignment, "takeover_status", ChoiceCellWidget(TakeOverStatus.choices), readonly=True)
    taken_over_on = column(Assignment, "taken_over_on", DateCellWidget(), readonly=True)
    revoked_on = column(Assignment, "revoked_on", DateCellWidget(), readonly=True)

    required_columns = ("item", "division", "mode", "assigned_on")
    key_fields = ("item", "division", "assigned_on")
    frozen = ("mode", "receiving_unit")

    class Meta(CatalogueResource.Meta):
        model = Assignment
        fields = ASSIGNMENT_COLUMNS
        import_order = ASSIGNMENT_COLUMNS
        export_order = ASSIGNMENT_COLUMNS
        import_id_fields = ["item", "division", "assigned_on"]
        instance_loader_class = AssignmentLoader

    def get_queryset(self):
        return Assignment.objects.select_related("item", "division", "agreement")

    def after_init_instance(self, instance, new, row, **kwargs):
        self._original = None if new else {
            "mode": instance.mode, "receiving_unit": instance.receiving_unit, "agreement_id": instance.agreement_id,
        }

    def row_errors(self, instance):
        errors = defaultdict(list)
        if instance.division_id and self.actor is not None and not scoping.can(self.actor, scoping.CHANGE, instance):
            errors["division"].append("无权为该单位登记。")
        original = getattr(self, "_original", None)
        if original is not None:
            changed = [name for name in self.frozen if getattr(instance, name) != original[name]]
            if instance.takeover_status == TakeOverStatus.REVOKED and (changed or instance.agreement_id != original["agreement_id"]):
                errors[NON_FIELD_ERRORS].append("该承接已收回，不能通过导入修改。")
            for name in changed:
                errors[name].append(f"已交办的承接不能通过导入修改“{self.fields[name].column_name}”。")
        return errors

    def save_through_service(self, instance, is_create):
        if is_create:
            return services.assignment_create(
                item=instance.item, division=instance.division, mode=instance.mode,
                assigned_on=instance.assigned_on, receiving_unit=instance.receiving_unit or "便民服务中心",
                agreement=instance.agreement, actor=self.actor,
            )
        if instance.agreement_id != self._original["agreement_id"]:
            if instance.agreement is None:
                raise ValidationError({"agreement": "不能通过导入撤下已附的协议书。"})
            return services.assignment_attach_agreement(assignment=instance, agreement=instance.agreement, actor=self.actor)
        return instance


RECORD_COLUMNS = ("division", "item", "applicant", "received_on", "decided_on", "outcome",
                  "decision_number", "officer", "filed_on", "filing_due_on", "filing_due_provisional")


class ExerciseRecordResource(CatalogueResource):
    """Exercise records (办件记录): the columns and the export.

    Imports go through ``delegation.importing.import_exercise_records`` (bulk natural keys,
    preloaded rules, COPY), which reads these same columns; 备案期限 is derived, export only.
    """

    division = column(ExerciseRecord, "division", DivisionWidget())
    item = column(ExerciseRecord, "item", ItemWidget())
    applicant = column(ExerciseRecord, "applicant", TextWidget())
    received_on = column(ExerciseRecord, "received_on", DateCellWidget())
    decided_on = column(ExerciseRecord, "decided_on", DateCellWidget())
    outcome = column(ExerciseRecord, "outcome", ChoiceCellWidget(Outcome.choices))
    decision_number = column(ExerciseRecord, "decision_number", TextWidget())
    officer = column(ExerciseRecord, "officer", OfficerWidget())
    filed_on = column(ExerciseRecord, "filed_on", DateCellWidget())
    filing_due_on = column(ExerciseRecord, "filing_due_on", DateCellWidget(), readonly=True)
    # 是 when 备案期限 counted through a year whose holidays are not entered yet (暂定).
    filing_due_provisional = column(ExerciseRecord, "filing_due_provisional", BoolCellWidget(), readonly=True)

    required_columns = ("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number")
    key_fields = ("division", "decision_number")

    class Meta(CatalogueResource.Meta):
        model = ExerciseRecord
        fields = RECORD_COLUMNS
        import_order = RECORD_COLUMNS
        export_order = RECORD_COLUMNS

    def get_queryset(self):
        return ExerciseRecord.objects.select_related("division", "item", "officer")

    def import_data(self, *args, **kwargs):
        raise NotImplementedError("办件记录请通过 delegation.importing.import_exercise_records 导入。")
