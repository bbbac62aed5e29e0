"""What the county owes (entitlements, each with its calculation trace and ledger posting) and the
transfers that pay it (disbursements, covering several entitlements, partially)."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Role
from regions.models import Division

from ..choices import (
    Earmark,
    EntitlementKind,
    EntitlementStatus,
)
from .base import MONEY, ZERO, _written_once
from .revenue import ArrangementRule, FiscalArrangement


@track(exclude=["trace"])
class Entitlement(AuditedModel):
    """What the county owes a town under one rule for one month (月度应返) or one year's
    settlement (年终结算), with its calculation trace and its ledger posting.

    ``trace`` is what an auditor follows fen by fen: the rule, its inputs (the aggregates the
    database returned), each step's amount and, for the excess rebate, the base consumed.
    A recompute marks the row replaced, reverses its posting and writes a new row.
    ``trace`` is written once (the database refuses to change it) and, as it never changes, it is
    not copied into the history events (whose row stays the record of who wrote it and when):
    a year of 300 towns is 18,000 traces, 12.9 MB of JSON that every insert event would store again.
    ``amount`` may be 0.00 (nothing owed, nothing posted) or, for a settlement whose advances
    exceeded the final rebate under "owed back", negative (the town owes it back).
    """

    # town: no index of its own (entitlement_town_month and the one-active-per-rule index begin with it)
    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    kind = models.CharField(_("类型"), max_length=12, choices=EntitlementKind.choices)
    month = models.DateField(_("所属月份"), help_text=_("年终结算为该年12月"))
    arrangement = models.ForeignKey(FiscalArrangement, verbose_name=_("财政体制"), on_delete=models.PROTECT,
                                    related_name="entitlements")
    rule = models.ForeignKey(ArrangementRule, verbose_name=_("规则"), on_delete=models.PROTECT,
                             related_name="entitlements")
    earmark = models.CharField(_("指定用途"), max_length=32, choices=Earmark.choices, blank=True, default="")
    amount = models.DecimalField(_("应返金额（元）"), **MONEY)
    carried_forward = models.DecimalField(_("结转下年抵扣（元）"), default=ZERO, **MONEY)
    trace = models.JSONField(_("计算过程"))
    due_on = models.DateField(_("最迟调拨日"))
    due_provisional = models.BooleanField(_("调拨期限暂定"), default=False)
    posting = models.ForeignKey("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=EntitlementStatus.choices,
                              default=EntitlementStatus.ACTIVE)
    # replaced_by, reversal_posting: NULL on every active row, so indexed only where set (Meta.indexes)
    replaced_by = models.ForeignKey("self", verbose_name=_("重算为"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="replaces", db_index=False)
    reversal_posting = models.ForeignKey("ledger.Posting", verbose_name=_("冲销凭证"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+", db_index=False)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("应返款项")
        verbose_name_plural = _("应返款项")
        ordering = ["-month", "rule_id"]
        constraints = [
            models.CheckConstraint(name="entitlement_first_of_month", condition=Q(month__day=1)),
            models.UniqueConstraint(
                fields=["town", "kind", "month", "rule"], condition=Q(status=EntitlementStatus.ACTIVE),
                name="entitlement_one_active_per_rule",
            ),
            models.CheckConstraint(
                name="entitlement_active_not_replaced",
                condition=~Q(status=EntitlementStatus.ACTIVE) | Q(replaced_by__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["town", "month"], name="entitlement_town_month"),
            models.Index(fields=["due_on"], name="entitlement_active_due",
                         condition=Q(status=EntitlementStatus.ACTIVE, amount__gt=0)),
            models.Index(fields=["replaced_by"], name="entitlement_replaced_by",
                         condition=Q(replaced_by__isnull=False)),
            models.Index(fields=["reversal_posting"], name="entitlement_reversal_posting",
                         condition=Q(reversal_posting__isnull=False)),
        ]
        triggers = [
            protect_deletes(),
            # What an auditor follows is what was computed: never edited, so the row's own trace
            # is the only copy needed (the history events leave it out).
            pgtrigger.Protect(name="trace_written_once", operation=pgtrigger.Update,
                              condition=pgtrigger.Q(old__trace__df=pgtrigger.F("new__trace"))),
        ]

    def __str__(self):
        period = f"{self.month:%Y}年度" if self.kind == EntitlementKind.SETTLEMENT else f"{self.month:%Y-%m}"
        return f"{period} {self.rule} {self.amount:,}"


@track()
class Disbursement(AuditedModel):
    """A transfer (调拨) from the county to a town, covering one or more entitlements, in part or
    in full (``lines``); posted to the ledger (the town's amounts owed → received)."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(_("调拨日期"))
    amount = models.DecimalField(_("调拨金额（元）"), **MONEY)
    document_number = models.CharField(_("拨款凭证号"), max_length=64)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    posting = models.ForeignKey("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                related_name="+")

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("调拨")
        verbose_name_plural = _("调拨")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(name="disbursement_amount_gt_0", condition=Q(amount__gt=0)),
            models.UniqueConstraint(fields=["town", "document_number"], name="disbursement_town_document_unique"),
        ]
        triggers = _written_once()

    def __str__(self):
        return f"{self.paid_on:%Y-%m-%d} {self.document_number} {self.amount:,}"


@track()
class DisbursementLine(models.Model):  # noqa: DJ008 - shown only inside its disbursement
    """The part of a disbursement that pays one entitlement."""

    disbursement = models.ForeignKey(Disbursement, verbose_name=_("调拨"), on_delete=models.PROTECT,
                                     related_name="lines")
    entitlement = models.ForeignKey(Entitlement, verbose_name=_("应返款项"), on_delete=models.PROTECT,
                                    related_name="lines")
    amount = models.DecimalField(_("本次调拨（元）"), **MONEY)

    jurisdiction_field = "disbursement__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("调拨明细")
        verbose_name_plural = _("调拨明细")
        ordering = ["disbursement_id", "id"]
        constraints = [
            models.CheckConstraint(name="disbursement_line_amount_gt_0", condition=Q(amount__gt=0)),
            models.UniqueConstraint(fields=["disbursement", "entitlement"], name="disbursement_line_unique"),
        ]
        triggers = _written_once()


