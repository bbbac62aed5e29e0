"""Spreadsheet columns of the catalogue: items, assignments, exercise records (on core.importing).

Headers are the models' Chinese verbose names; related rows are named by natural keys (a
department by its code or, within the importer's jurisdiction, its name; a division by its
code; an item by its code; an agreement by its number; an officer by staff number); choices
by their Chinese labels. What an export writes, an import reads back unchanged.

The generic parts (cells, formula escaping, all-or-nothing imports through the services, file
checks) are ``core.importing``'s; the resources are registered in ``DelegationConfig.ready()``.
Exercise records are imported by the fast path in ``delegation.importing``; their resource
gives the columns and the export.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.instance_loaders import BaseInstanceLoader, CachedInstanceLoader

from core.importing.cells import (
    BoolCellWidget,
    ChoiceCellWidget,
    DateCellWidget,
    IntCellWidget,
    NaturalKeyWidget,
    TextWidget,
    cell_text,
)
from core.importing.errors import shorten
from core.importing.resources import ServiceResource, column
from personnel.models import Officer
from regions import scoping
from regions.models import Department, Division

from . import services
from .choices import Category, ItemStatus, LimitUnit, Mode, Outcome, TakeOverStatus
from .models import Agreement, Assignment, ExerciseRecord, Item

CatalogueResource = ServiceResource  # the name the admin and older code know


# --- natural keys ----------------------------------------------------------------------------
class DivisionWidget(NaturalKeyWidget):
    not_found = _("未找到区划代码“%(key)s”。")

    def __init__(self):
        super().__init__(Division, "code")


class ItemWidget(NaturalKeyWidget):
    """Items the importer can see (its own and the published catalogues above it)."""

    not_found = _("未找到事项编码“%(key)s”。")

    def __init__(self):
        super().__init__(Item, "code")

    def queryset(self):
        if self.actor is None:
            return Item.objects.select_related("department__division")
        from .selectors import item_list  # drafts only for those who write the catalogue

        return item_list(user=self.actor)


class AgreementWidget(NaturalKeyWidget):
    not_found = _("未找到协议编号“%(key)s”。")

    def __init__(self):
        super().__init__(Agreement, "number")

    def queryset(self):
        qs = Agreement.objects.all()
        return scoping.scope(qs, self.actor) if self.actor is not None else qs


class OfficerWidget(NaturalKeyWidget):
    not_found = _("未找到工号为“%(key)s”的执法人员。")

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
                self._cache[key] = dept if dept.pk in writable else self.refusal(
                    _("无权为“%(department)s”登记或修改事项。"), department=str(dept))
            elif len(by_name.get(key, ())) == 1:
                self._cache[key] = by_name[key][0]
            elif by_name.get(key):
                self._cache[key] = self.refusal(_("部门名称“%(key)s”对应多个部门，请改填部门代码（%(codes)s）。"),
                                                key=shorten(key), codes="、".join(d.code for d in by_name[key]))
            else:
                self._cache[key] = self.refusal(_("未找到部门“%(key)s”（可填写部门代码或本辖区内的部门名称）。"), key=shorten(key))

    def _may_publish(self, department) -> bool:
        if self.actor is None:
            return True
        return scoping.can(self.actor, scoping.CHANGE, Item(department=department))


# --- resources -----------------------------------------------------------------------------
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


class ItemResource(ServiceResource):
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

    class Meta(ServiceResource.Meta):
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
            raise ValidationError({"code": ValidationError(_("无权修改事项“%(code)s”：该事项不在您的管辖范围内。"),
                                                           code="out_of_scope", params={"code": instance.code})})

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


class AssignmentResource(ServiceResource):
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

    class Meta(ServiceResource.Meta):
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
            errors["division"].append(ValidationError(_("无权为该单位登记。"), code="out_of_scope"))
        original = getattr(self, "_original", None)
        if original is not None:
            changed = [name for name in self.frozen if getattr(instance, name) != original[name]]
            if instance.takeover_status == TakeOverStatus.REVOKED and (changed or instance.agreement_id != original["agreement_id"]):
                errors[NON_FIELD_ERRORS].append(ValidationError(_("该承接已收回，不能通过导入修改。"), code="revoked"))
            for name in changed:
                errors[name].append(ValidationError(_("已交办的承接不能通过导入修改“%(column)s”。"), code="frozen",
                                                    params={"column": self.fields[name].column_name}))
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
                raise ValidationError({"agreement": ValidationError(_("不能通过导入撤下已附的协议书。"), code="agreement_removed")})
            return services.assignment_attach_agreement(assignment=instance, agreement=instance.agreement, actor=self.actor)
        return instance


RECORD_COLUMNS = ("division", "item", "applicant", "received_on", "decided_on", "outcome",
                  "decision_number", "officer", "filed_on", "filing_receipt_number", "filing_due_on",
                  "filing_due_provisional")


class ExerciseRecordResource(ServiceResource):
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
    # Required for a late entry (补录): a filing dated on or before its due date, imported after it.
    filing_receipt_number = column(ExerciseRecord, "filing_receipt_number", TextWidget())
    filing_due_on = column(ExerciseRecord, "filing_due_on", DateCellWidget(), readonly=True)
    # 是 when 备案期限 counted through a year whose holidays are not entered yet (暂定).
    filing_due_provisional = column(ExerciseRecord, "filing_due_provisional", BoolCellWidget(), readonly=True)

    required_columns = ("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number")
    key_fields = ("division", "decision_number")

    class Meta(ServiceResource.Meta):
        model = ExerciseRecord
        fields = RECORD_COLUMNS
        import_order = RECORD_COLUMNS
        export_order = RECORD_COLUMNS

    def get_queryset(self):
        return ExerciseRecord.objects.select_related("division", "item", "officer")

    def import_data(self, *args, **kwargs):
        raise NotImplementedError("办件记录请通过 delegation.importing.import_exercise_records 导入。")
