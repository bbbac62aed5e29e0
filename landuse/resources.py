"""Import and export of landuse's projects and allocations (core.importing's ServiceResource):
Chinese columns, every error of a file at once, all or nothing, every row written through the
service (project_create / project_update, allocation_create), so a file is refused with the same
words as the pages and the API (a negative area, five decimals, a town outside the importer's
jurisdiction, quota the giver does not have, a closed year).

- projects, matched by (镇, 指标年度, 项目名称): a new one is registered (登记); an existing one is
  changed while it is still registered; its state and documents are exported for reading only
  (submitting and approving are workflow steps, never imported);
- allocations (指标下达): each row one movement; a row an export already holds (same kind, year,
  giver, receiver, pools, area and document number) is left as it is, so an exported file imports
  again without moving quota twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.errors import ApplicationError
from core.importing.cells import (
    BoolCellWidget,
    CellError,
    ChoiceCellWidget,
    DateCellWidget,
    IntCellWidget,
    NaturalKeyWidget,
    TextWidget,
    cell_text,
)
from core.importing.resources import ServiceResource, column
from regions import scoping
from regions.models import Division

from . import rules, services
from .choices import MovementKind, Pool, ProjectKind, ProjectStatus
from .models import Allocation, Project

PROJECT_COLUMNS = ("town", "year", "name", "kind", "area_mu", "quota_mu", "farmland_mu", "in_industrial_zone",
                   "outside_zone_reason", "qualifying", "priority_reason", "application_document", "status",
                   "approval_document", "approved_on")
ALLOCATION_COLUMNS = ("kind", "year", "source_division", "source_pool", "target_division", "target_pool", "amount_mu",
                      "document_number", "allocated_on", "memo")


class DivisionWidget(NaturalKeyWidget):
    not_found = _("未找到区划代码“%(key)s”。")

    def __init__(self):
        super().__init__(Division, "code")


class MuWidget(TextWidget):
    """An area in mu as typed (read by landuse.rules in the service: the same words everywhere);
    exported with its four decimals."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        try:
            return rules.parse_mu(text, allow_zero=True) if text else None
        except ApplicationError as e:
            raise CellError(e.message, e.code) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{Decimal(value):.4f}"


class ProjectResource(ServiceResource):
    town = column(Project, "town", DivisionWidget())
    year = column(Project, "year", IntCellWidget())
    name = column(Project, "name", TextWidget())
    kind = column(Project, "kind", ChoiceCellWidget(ProjectKind.choices))
    area_mu = column(Project, "area_mu", MuWidget())
    quota_mu = column(Project, "quota_mu", MuWidget())
    farmland_mu = column(Project, "farmland_mu", MuWidget())
    in_industrial_zone = column(Project, "in_industrial_zone", BoolCellWidget())
    outside_zone_reason = column(Project, "outside_zone_reason", TextWidget())
    qualifying = column(Project, "qualifying", BoolCellWidget())
    priority_reason = column(Project, "priority_reason", TextWidget())
    application_document = column(Project, "application_document", TextWidget())
    status = column(Project, "status", ChoiceCellWidget(ProjectStatus.choices), readonly=True)
    approval_document = column(Project, "approval_document", TextWidget(), readonly=True)
    approved_on = column(Project, "approved_on", DateCellWidget(), readonly=True)

    required_columns = ("town", "year", "name", "kind", "area_mu", "quota_mu")
    key_fields = ("town", "year", "name")

    class Meta(ServiceResource.Meta):
        model = Project
        fields = PROJECT_COLUMNS
        import_order = PROJECT_COLUMNS
        export_order = PROJECT_COLUMNS
        import_id_fields = ["town", "year", "name"]

    def get_queryset(self):
        return Project.objects.select_related("town")

    def row_errors(self, instance) -> dict[str, list]:
        town = getattr(instance, "town", None)
        if town is not None and self.actor is not None and not scoping.can(self.actor, scoping.CHANGE, instance):
            return {"town": [ValidationError(_("“%(name)s”不在您的管辖范围内，不能导入其用地项目。"),
                                             code="out_of_scope", params={"name": town.name})]}
        return {}

    def save_through_service(self, instance, is_create):
        values = {name: getattr(instance, name) for name in services.PROJECT_FIELDS}
        if values.get("farmland_mu") is None:
            values["farmland_mu"] = Decimal(0)
        if is_create:
            return services.project_create(town=instance.town, actor=self.actor, **values)
        return services.project_update(project=instance, actor=self.actor, **values)


class AllocationResource(ServiceResource):
    """指标下达: the giving and receiving divisions by code, their pools by label."""

    kind = column(Allocation, "kind", ChoiceCellWidget(MovementKind.choices))
    year = column(Allocation, "year", IntCellWidget())
    source_division = fields.Field(attribute="source__division", column_name="调出区划代码", widget=DivisionWidget())
    source_pool = fields.Field(attribute="source__pool", column_name="调出指标类别",
                               widget=ChoiceCellWidget(Pool.choices, Pool.GENERAL))
    target_division = fields.Field(attribute="target__division", column_name="调入区划代码", widget=DivisionWidget())
    target_pool = fields.Field(attribute="target__pool", column_name="调入指标类别",
                               widget=ChoiceCellWidget(Pool.choices, Pool.GENERAL))
    amount_mu = column(Allocation, "amount_mu", MuWidget())
    document_number = column(Allocation, "document_number", TextWidget())
    allocated_on = column(Allocation, "allocated_on", DateCellWidget())
    memo = column(Allocation, "memo", TextWidget())

    required_columns = ("kind", "year", "target_division", "amount_mu", "allocated_on")

    class Meta(ServiceResource.Meta):
        model = Allocation
        fields = ALLOCATION_COLUMNS
        import_order = ALLOCATION_COLUMNS
        export_order = ALLOCATION_COLUMNS
        import_id_fields = []

    def get_queryset(self):
        return Allocation.objects.select_related("source__division", "target__division")

    def get_instance(self, instance_loader, row):
        return None  # every row is a new movement (an exported one is recognised in skip_row)

    _NESTED = {"source_division", "source_pool", "target_division", "target_pool"}

    def import_instance(self, instance, row, **kwargs):
        """The giver and receiver are read into ``instance.movement`` (the service opens the
        accounts); the other columns as usual."""
        errors, movement = {}, {}
        for name, f in self.fields.items():
            if f.readonly or f.column_name not in row:
                continue
            try:
                if name in self._NESTED:
                    movement[name] = f.clean(row, **kwargs)
                else:
                    self.import_field(f, instance, row, **kwargs)
            except CellError as e:
                errors[f.attribute if name not in self._NESTED else name] = e.validation_error()
        instance.movement = movement
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {k: (v.error_list if isinstance(v, ValidationError) else list(v))
                  for k, v in (import_validation_errors or {}).items()}
        movement = getattr(instance, "movement", {})
        for name in self.required_columns:
            value = movement.get(name) if name in self._NESTED else getattr(instance, self.fields[name].attribute, None)
            if name not in errors and value in (None, ""):
                errors[name] = [ValidationError(_("请填写“%(column)s”。"), code="required",
                                                params={"column": self.fields[name].column_name})]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        movement = getattr(instance, "movement", {})
        if import_validation_errors or movement.get("target_division") is None:
            return False
        return Allocation.objects.filter(
            reversal_posting__isnull=True, kind=instance.kind, year=instance.year, amount_mu=instance.amount_mu,
            document_number=instance.document_number or "", target__division=movement["target_division"],
            target__pool=movement.get("target_pool") or Pool.GENERAL,
            source__division=movement.get("source_division"),
        ).exists()

    def save_through_service(self, instance, is_create):
        m = instance.movement
        return services.allocation_create(
            kind=instance.kind, year=instance.year, target=m["target_division"], amount_mu=instance.amount_mu,
            source=m.get("source_division"), source_pool=m.get("source_pool") or Pool.GENERAL,
            target_pool=m.get("target_pool") or Pool.GENERAL, document_number=instance.document_number or "",
            allocated_on=instance.allocated_on, memo=instance.memo or "", actor=self.actor)
