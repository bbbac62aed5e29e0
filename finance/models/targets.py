"""Targets, debt and the quarterly inspection (issue 11 §6, §8). Targets are data the office sets per
town and year; the money of a debt lives on the ledger "finance_debt"; these rows say why."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Role
from regions.models import Division

from ..choices import (
    CheckResult,
    DebtKind,
    FindingStatus,
    Indicator,
    InspectionStatus,
    Severity,
)
from .base import MONEY, PERCENT, _written_once


@track()
class GrowthTarget(AuditedModel):
    """A town's growth target for one indicator and year (年度增长目标), in percent over the
    previous year. Set by the office; a change is kept in the row's history."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2199)])
    indicator = models.CharField(_("指标"), max_length=32, choices=Indicator.choices)
    target_percent = models.DecimalField(_("目标增长率（%）"), **PERCENT,
                                         validators=[MinValueValidator(Decimal("-100")),
                                                     MaxValueValidator(Decimal("1000"))])
    document_number = models.CharField(_("依据文号"), max_length=64, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("增长目标")
        verbose_name_plural = _("增长目标")
        ordering = ["town_id", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "indicator"], name="growth_target_unique"),
            models.CheckConstraint(name="growth_target_percent_range",
                                   condition=Q(target_percent__gte=-100, target_percent__lte=1000)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.year} {self.get_indicator_display()} ≥ {self.target_percent}%"


@track()
class YearFigure(AuditedModel):
    """A town's actual figure of one indicator for a year (年度实际数), in yuan, as entered
    (industrial output and investment from the statistics; fiscal revenue only where the
    revenue records do not hold the year, e.g. the base year). Written once: a correction is a
    new row that ``replaces`` the old one (with its reason); the current figure is the row
    nothing replaces."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2199)])
    indicator = models.CharField(_("指标"), max_length=32, choices=Indicator.choices)
    amount = models.DecimalField(_("实际数（元）"), **MONEY)
    source = models.CharField(_("数据来源"), max_length=128)
    replaces = models.OneToOneField("self", verbose_name=_("更正的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="replaced_by", editable=False)
    reason = models.CharField(_("更正理由"), max_length=500, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("年度实际数")
        verbose_name_plural = _("年度实际数")
        ordering = ["town_id", "year", "indicator", "id"]
        constraints = [
            models.CheckConstraint(name="year_figure_amount_gte_0", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="year_figure_correction_has_reason",
                                   condition=Q(replaces__isnull=True) | ~Q(reason="")),
        ]
        indexes = [models.Index(fields=["town", "year"], name="year_figure_town_year")]
        triggers = _written_once()

    def __str__(self):
        return f"{self.year} {self.get_indicator_display()} {self.amount}"


@track()
class DebtEntry(AuditedModel):
    """A borrowing (举借) or a repayment (偿还) of the town's debt to one lender, with its basis:
    the approval document and the approving body. Posted to the ledger ``finance_debt`` (the
    town's account for the lender rises on a borrowing, falls on a repayment, never below
    zero). Written once; a wrong entry is reversed (a row of the opposite amount linked to it,
    its posting reversed). Every borrowing is new debt (严控新增债务): a warning to the office."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=DebtKind.choices)
    lender = models.CharField(_("债权人"), max_length=50)
    occurred_on = models.DateField(_("发生日期"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    document_number = models.CharField(_("批准文号或合同号"), max_length=64)
    approved_by = models.CharField(_("审批机关"), max_length=128, blank=True)
    purpose = models.CharField(_("用途或摘要"), max_length=200, blank=True)
    posting = models.ForeignKey("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                related_name="+")
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversal", editable=False)
    reason = models.CharField(_("冲销理由"), max_length=500, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("债务登记")
        verbose_name_plural = _("债务登记")
        ordering = ["town_id", "-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="debt_negative_iff_reversal",
                condition=Q(amount__gt=0, reverses__isnull=True) | Q(amount__lt=0, reverses__isnull=False),
            ),
            models.CheckConstraint(name="debt_borrowing_approved",
                                   condition=~Q(kind=DebtKind.BORROWING) | ~Q(approved_by="") | Q(reverses__isnull=False)),
        ]
        indexes = [models.Index(fields=["town", "lender"], name="debt_town_lender")]
        triggers = _written_once()

    def __str__(self):
        return f"{self.occurred_on:%Y-%m-%d} {self.get_kind_display()} {self.lender} {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


@track()
class ChecklistItem(AuditedModel):
    """One item of the county finance bureau's quarterly checklist (按季检查清单), held as data:
    the bureau adds items or retires them (``is_active``); an inspection checks the items
    active when it is opened. Read by the towns below the county."""

    county = models.ForeignKey(Division, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("编号"), max_length=16)
    text = models.CharField(_("检查内容"), max_length=300)
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction_field = "county"
    jurisdiction_writers = (Role.OFFICE,)
    jurisdiction_ancestors_visible = True

    class Meta:
        verbose_name = _("检查清单项目")
        verbose_name_plural = _("检查清单项目")
        ordering = ["county_id", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["county", "code"], name="checklist_item_county_code_unique")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.code} {self.text}"


@track()
class Inspection(AuditedModel):
    """The county finance bureau's inspection of a town's finances for one quarter (按季检查):
    a result per checklist item and the findings. Completed, its results are frozen."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2199)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=200)
    summary = models.TextField(_("检查结论"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=InspectionStatus.choices,
                              default=InspectionStatus.OPEN)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("按季检查")
        verbose_name_plural = _("按季检查")
        ordering = ["-year", "-quarter", "town_id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "quarter"], name="inspection_town_quarter_unique"),
            models.CheckConstraint(name="inspection_quarter_1_4", condition=Q(quarter__gte=1, quarter__lte=4)),
            models.CheckConstraint(name="inspection_completed_on",
                                   condition=Q(status=InspectionStatus.OPEN, completed_on__isnull=True)
                                   | Q(status=InspectionStatus.COMPLETED, completed_on__isnull=False)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.town.name} {self.year}年第{self.quarter}季度财政检查"


@track()
class InspectionResult(AuditedModel):
    """The result of one checklist item in one inspection (符合 / 不符合 / 不适用), with a note."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("按季检查"), on_delete=models.PROTECT,
                                   related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查清单项目"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("检查结果"), max_length=8, choices=CheckResult.choices, default=CheckResult.PENDING)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    jurisdiction_field = "inspection__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection_id", "item__position", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_unique")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.item.code} {self.get_result_display()}"


@track()
class InspectionFinding(AuditedModel):
    """A problem an inspection found (发现问题): its text, severity and, until rectified, open.
    The oversight app reads the open ones through ``finance.selectors.inspection_findings_open``."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("按季检查"), on_delete=models.PROTECT,
                                   related_name="findings")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查清单项目"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    text = models.CharField(_("问题"), max_length=500)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    closed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closure_note = models.CharField(_("整改情况"), max_length=500, blank=True)

    jurisdiction_field = "inspection__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("检查发现问题")
        verbose_name_plural = _("检查发现问题")
        ordering = ["inspection_id", "id"]
        constraints = [
            models.CheckConstraint(name="finding_closed_on",
                                   condition=Q(status=FindingStatus.OPEN, closed_on__isnull=True)
                                   | Q(status=FindingStatus.CLOSED, closed_on__isnull=False)),
        ]
        indexes = [models.Index(fields=["status"], name="finding_open", condition=Q(status=FindingStatus.OPEN))]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.text[:60]

