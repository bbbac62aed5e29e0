"""Funds and incentives (issue 11 §5, §7). The money of a fund is a non-negative account on the
finance_funds ledger: a spend beyond its balance is refused by the ledger's invariant. These rows say why the money moved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Level, Role
from regions.models import Division

from ..choices import (
    FundEntryKind,
    FundKind,
    IncentiveKind,
)
from .base import MONEY, _signed_iff_reversal, _written_once


@track()
class Fund(AuditedModel):
    """A fund (资金) held for a town: the start-up fund (临溪 2009: 3,000,000 元), a year's
    development fund in the budget (列入年初财政预算), or a special fund (专项资金) a department
    pools for the town. Its balance lives on the ledger account ``account`` (never below zero)."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="funds")
    kind = models.CharField(_("资金类型"), max_length=16, choices=FundKind.choices)
    name = models.CharField(_("资金名称"), max_length=128)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2199)])
    department = models.ForeignKey("regions.Department", verbose_name=_("来源部门"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    document_number = models.CharField(_("设立文号"), max_length=64, blank=True)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    account = models.OneToOneField("ledger.Account", verbose_name=_("台账账户"), on_delete=models.PROTECT,
                                   related_name="+", editable=False)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("资金")
        verbose_name_plural = _("资金")
        ordering = ["town_id", "-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="fund_town_name_unique"),
            models.UniqueConstraint(fields=["town", "year"], condition=Q(kind=FundKind.DEVELOPMENT),
                                    name="fund_one_development_per_year"),
            models.UniqueConstraint(fields=["town"], condition=Q(kind=FundKind.STARTUP), name="fund_one_startup"),
            models.CheckConstraint(name="fund_special_has_department",
                                   condition=~Q(kind=FundKind.SPECIAL) | Q(department__isnull=False)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == FundKind.SPECIAL and not self.department_id:
            raise ValidationError({"department": gettext("专项资金须写明整合资金的来源部门。")})
        if self.town_id and self.town.level != Level.TOWN:
            raise ValidationError({"town": gettext("资金按试点镇设立，“%(name)s”不是镇。") % {"name": self.town.name}})


@track()
class FundEntry(AuditedModel):
    """A grant into a fund (拨入) or spending from it (支出), with its basis: the document number,
    the purpose and, for spending, the project. Written once with its ledger posting; a wrong
    entry is reversed (a row of the opposite amount linked to it, its posting reversed)."""

    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=8, choices=FundEntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    booked_on = models.DateField(_("记账日期"))
    document_number = models.CharField(_("文号或凭证号"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=200)
    project = models.CharField(_("项目"), max_length=200, blank=True)
    department = models.ForeignKey("regions.Department", verbose_name=_("拨款部门"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    posting = models.OneToOneField("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                   related_name="+")
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversal", editable=False)
    reason = models.CharField(_("冲销理由"), max_length=500, blank=True)

    jurisdiction_field = "fund__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("资金收支")
        verbose_name_plural = _("资金收支")
        ordering = ["fund_id", "booked_on", "id"]
        constraints = [
            _signed_iff_reversal("fund_entry_negative_iff_reversal"),
            models.CheckConstraint(name="fund_entry_spend_has_project",
                                   condition=~Q(kind=FundEntryKind.SPEND) | ~Q(project="")),
        ]
        triggers = _written_once()

    def __str__(self):
        return f"{self.booked_on:%Y-%m-%d} {self.get_kind_display()} {self.amount} {self.document_number}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


@track()
class IncentivePolicy(AuditedModel):
    """An incentive policy a county sets (激励政策): county-level fee preferences (规费优惠) for
    projects whose investment reaches ``investment_threshold``, or 以奖代补 subsidies to
    enterprises (a threshold of 0 means any project). Data the office sets, never code."""

    county = models.ForeignKey(Division, verbose_name=_("制定区划"), on_delete=models.PROTECT,
                               related_name="incentive_policies")
    kind = models.CharField(_("政策类型"), max_length=16, choices=IncentiveKind.choices)
    name = models.CharField(_("政策名称"), max_length=128)
    document_number = models.CharField(_("文号"), max_length=64)
    investment_threshold = models.DecimalField(_("项目投资额门槛（元）"), **MONEY)
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)

    jurisdiction_field = "county"
    jurisdiction_writers = (Role.OFFICE,)
    jurisdiction_ancestors_visible = True  # a town's clerk reads the county's policies

    class Meta:
        verbose_name = _("激励政策")
        verbose_name_plural = _("激励政策")
        ordering = ["county_id", "-effective_from", "id"]
        constraints = [
            models.CheckConstraint(name="incentive_policy_threshold_gte_0", condition=Q(investment_threshold__gte=0)),
            models.CheckConstraint(name="incentive_policy_dates",
                                   condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from"))),
            models.UniqueConstraint(fields=["county", "name"], name="incentive_policy_county_name_unique"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        if self.county_id and self.county.level not in (Level.COUNTY, Level.CITY, Level.PROVINCE):
            raise ValidationError({"county": gettext("激励政策由县级及以上制定。")})
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": gettext("截止日期不能早于施行日期。")})

    def in_force(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@track()
class Incentive(AuditedModel):
    """One incentive granted under a policy, a ledger entry with its basis: the approving
    document, the project and its investment, the enterprise. A fee preference is booked from
    the county's fee relief account; a 以奖代补 subsidy is paid from one of the town's funds
    (``fund``, which cannot go below zero). Corrected by reversal."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(IncentivePolicy, verbose_name=_("激励政策"), on_delete=models.PROTECT,
                               related_name="incentives")
    kind = models.CharField(_("类型"), max_length=16, choices=IncentiveKind.choices)
    enterprise = models.CharField(_("企业"), max_length=128)
    project = models.CharField(_("项目"), max_length=200)
    investment = models.DecimalField(_("项目投资额（元）"), **MONEY)
    amount = models.DecimalField(_("优惠或补助金额（元）"), **MONEY)
    booked_on = models.DateField(_("记账日期"))
    document_number = models.CharField(_("批准文号"), max_length=64)
    fund = models.ForeignKey(Fund, verbose_name=_("支出资金"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="incentives")
    posting = models.OneToOneField("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                   related_name="+")
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversal", editable=False)
    reason = models.CharField(_("冲销理由"), max_length=500, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("激励兑现")
        verbose_name_plural = _("激励兑现")
        ordering = ["town_id", "-booked_on", "-id"]
        constraints = [
            _signed_iff_reversal("incentive_negative_iff_reversal"),
            models.CheckConstraint(name="incentive_investment_gte_0", condition=Q(investment__gte=0)),
            models.CheckConstraint(
                name="incentive_fund_iff_subsidy",
                condition=Q(kind=IncentiveKind.AWARD_SUBSIDY, fund__isnull=False)
                | Q(kind=IncentiveKind.FEE_PREFERENCE, fund__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["town", "booked_on"], name="incentive_town_booked")]
        triggers = _written_once()

    def __str__(self):
        return f"{self.get_kind_display()} {self.enterprise} {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


