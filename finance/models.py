"""Fiscal revenue sharing and rebates (DOMAIN.md §3): the arrangement a county sets for a pilot
town, held as data (base, term, rules), the town's revenue by month and category, what the
county owes under the arrangement (entitlements, each with its calculation trace and its ledger
posting) and the transfers that pay it (disbursements).

Nothing here is edited or deleted once it matters: a revenue record is corrected by a reversal
(a negative record linked to the one it reverses), an entitlement by a recompute (its posting
reversed on the ledger, a new one posted), a disbursement never. The money itself lives on the
core ledger (``core.ledger``, ledger code ``finance``); these rows say why it moved.
"""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.deadlines import validate_deadline_rule
from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Level, Role
from regions.models import Division

from .choices import (
    CategoryKind,
    CheckResult,
    DebtKind,
    Earmark,
    EntitlementKind,
    EntitlementStatus,
    FindingStatus,
    FundEntryKind,
    FundKind,
    IncentiveKind,
    Indicator,
    InspectionStatus,
    RuleKind,
    SettlementMethod,
    Severity,
    ShortfallRule,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


def _written_once():
    """Rows that are facts once recorded: UPDATE and DELETE refused by the database."""
    return [
        pgtrigger.Protect(name="protect_updates", operation=pgtrigger.Update),
        protect_deletes(),
    ]


@track()
class RevenueCategory(AuditedModel):
    """A revenue category (收入科目): a tax type or a fee, e.g. 增值税, 土地出让净收益, 社会扶养费.

    A catalogue shared by every county (the national budget classification), not scoped.
    """

    code = models.CharField(_("科目代码"), max_length=32, unique=True)
    name = models.CharField(_("科目名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=8, choices=CategoryKind.choices)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("收入科目")
        verbose_name_plural = _("收入科目")
        ordering = ["code"]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name


@track()
class FiscalArrangement(AuditedModel):
    """The fiscal arrangement (财政体制) of a pilot town: base year and amount, term, rules.

    临溪: base = the 2008 revenue as assessed by the county, fixed five years (一定五年不变).
    A new arrangement supersedes the old one from its ``effective_from`` (the first of a
    month); both stay readable: ``superseded_by`` points from the old to the new.
    """

    town = models.ForeignKey(Division, verbose_name=_("试点镇"), on_delete=models.PROTECT,
                             related_name="fiscal_arrangements")
    name = models.CharField(_("名称"), max_length=128)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    base_year = models.PositiveSmallIntegerField(_("基数年度"), validators=[MinValueValidator(2000),
                                                                         MaxValueValidator(2199)])
    base_amount = models.DecimalField(_("基数（元）"), **MONEY)
    term_start = models.DateField(_("体制期限起"))
    term_end = models.DateField(_("体制期限止"))
    effective_from = models.DateField(_("施行日期"), help_text=_("每月1日"))
    settlement_method = models.CharField(_("结算方式"), max_length=16, choices=SettlementMethod.choices,
                                         default=SettlementMethod.YEAR_END)
    shortfall_rule = models.CharField(_("多拨处理"), max_length=16, choices=ShortfallRule.choices,
                                      default=ShortfallRule.OWED_BACK)
    disbursement_limit = models.CharField(
        _("调拨期限"), max_length=8, default="3M", validators=[validate_deadline_rule],
        help_text=_("应返款项最迟调拨期限，自所属月份末日起算，如 3M（一个季度）"),
    )
    superseded_by = models.OneToOneField(
        "self", verbose_name=_("被替代为"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="supersedes", editable=False,
    )

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("财政体制")
        verbose_name_plural = _("财政体制")
        ordering = ["town_id", "-effective_from"]
        constraints = [
            models.CheckConstraint(name="arrangement_base_gte_0", condition=Q(base_amount__gte=0)),
            models.CheckConstraint(name="arrangement_term_order", condition=Q(term_end__gt=models.F("term_start"))),
            models.CheckConstraint(name="arrangement_effective_first_of_month", condition=Q(effective_from__day=1)),
            models.UniqueConstraint(fields=["town", "effective_from"], name="arrangement_town_effective_unique"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.town_id and self.town.level not in (Level.TOWN, Level.COUNTY):
            errors["town"] = gettext("财政体制只能为试点镇或试点县设定。")
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = gettext("体制期限止日应晚于起日。")
        if self.base_year and self.term_start and self.base_year >= self.term_start.year:
            errors["base_year"] = gettext("基数年度应早于体制期限开始的年度。")
        if self.effective_from and self.effective_from.day != 1:
            errors["effective_from"] = gettext("施行日期应为某月1日。")
        if self.base_amount is not None and self.base_amount < 0:
            errors["base_amount"] = gettext("基数不能为负数。")
        if errors:
            raise ValidationError(errors)

    def in_term(self, year: int) -> bool:
        """Whether a whole fiscal year lies within the term (一定五年不变)."""
        return self.term_start.year <= year <= self.term_end.year


def tiers_problem(tiers) -> str:
    """What is wrong with a rule's tiers (分档), in words; "" when they are sound.

    Tiers are bands of the excess over the base, from the lowest: ``{"up_to": "3000000.00",
    "share_percent": "100.00"}`` returns 100 % of the excess up to 3,000,000.00, the next band
    from there on; the last band has ``"up_to": None`` (everything above).
    """
    if not isinstance(tiers, list) or len(tiers) < 2:
        return gettext("分档返还至少要有两档（末档不设上限）。")
    previous = Decimal(0)
    for number, band in enumerate(tiers, start=1):
        if not isinstance(band, dict) or set(band) - {"up_to", "share_percent"}:
            return gettext("第 %(n)s 档的格式不对。") % {"n": number}
        try:
            share = Decimal(str(band.get("share_percent")))
        except ArithmeticError:
            return gettext("第 %(n)s 档的返还比例不是数字。") % {"n": number}
        if not share.is_finite() or not 0 <= share <= 100 or share != share.quantize(Decimal("0.01")):
            return gettext("第 %(n)s 档的返还比例应在 0 到 100 之间，最多两位小数。") % {"n": number}
        up_to = band.get("up_to")
        last = number == len(tiers)
        if last:
            if up_to not in (None, ""):
                return gettext("末档不设上限（超过上一档上限的部分都按末档比例返还）。")
            continue
        try:
            limit = Decimal(str(up_to))
        except ArithmeticError:
            return gettext("第 %(n)s 档的上限不是金额。") % {"n": number}
        if up_to in (None, "") or not limit.is_finite() or limit != limit.quantize(Decimal("0.01")):
            return gettext("第 %(n)s 档须填写上限金额（元，最多两位小数）。") % {"n": number}
        if limit <= previous:
            return gettext("第 %(n)s 档的上限 %(limit)s 元应高于上一档。") % {"n": number, "limit": up_to}
        previous = limit
    return ""


@track()
class ArrangementRule(AuditedModel):
    """One rule of an arrangement: which categories it covers, the share returned, the earmark.

    临溪: excess over base returned in full (100 %); land transfer net income returned in full,
    earmarked for the industrial zone; retained fees kept by the town; 5,000 yuan per mu
    reclaimed, earmarked for infrastructure and farmland protection.
    """

    arrangement = models.ForeignKey(FiscalArrangement, verbose_name=_("财政体制"), on_delete=models.PROTECT,
                                    related_name="rules")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("规则名称"), max_length=128)
    kind = models.CharField(_("规则类型"), max_length=8, choices=RuleKind.choices)
    categories = models.ManyToManyField(RevenueCategory, verbose_name=_("适用收入科目"), blank=True,
                                        related_name="rules")
    share_percent = models.DecimalField(
        _("返还比例（%）"), max_digits=5, decimal_places=2, default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    per_mu_amount = models.DecimalField(_("每亩补助（元）"), null=True, blank=True, **MONEY)
    earmark = models.CharField(_("指定用途"), max_length=32, choices=Earmark.choices, blank=True, default="")
    tiers = models.JSONField(
        _("分档返还"), default=list, blank=True,
        help_text=_("超收返还分档：每档 {\"up_to\": 上限金额（元，末档为 null）, \"share_percent\": 返还比例}，"
                    "按上限从低到高；不分档时为空，按返还比例计算"),
    )

    jurisdiction_field = "arrangement__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("体制规则")
        verbose_name_plural = _("体制规则")
        ordering = ["arrangement_id", "position", "id"]
        constraints = [
            models.CheckConstraint(name="rule_share_0_100", condition=Q(share_percent__gte=0, share_percent__lte=100)),
            models.CheckConstraint(
                name="rule_per_mu_amount",
                condition=(Q(kind=RuleKind.PER_MU, per_mu_amount__gt=0)
                           | (~Q(kind=RuleKind.PER_MU) & Q(per_mu_amount__isnull=True))),
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        if self.tiers:
            if self.kind != RuleKind.EXCESS:
                raise ValidationError({"tiers": gettext("只有超收返还规则可以分档。")})
            problem = tiers_problem(self.tiers)
            if problem:
                raise ValidationError({"tiers": problem})
        if self.kind == RuleKind.PER_MU and not self.per_mu_amount:
            raise ValidationError({"per_mu_amount": gettext("按亩补助规则须填写每亩补助金额。")})
        if self.kind != RuleKind.PER_MU and self.per_mu_amount is not None:
            raise ValidationError({"per_mu_amount": gettext("只有按亩补助规则才有每亩补助金额。")})


class _Reversible(AuditedModel):
    """A fact recorded once; corrected by a reversal: a row of the opposite sign linked to it."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("所属月份"))
    reason = models.CharField(_("冲销理由"), max_length=500, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


@track()
class RevenueRecord(_Reversible):
    """The revenue of one category collected in a town in one month, by a collecting body
    (临溪税务分局, 县国土局 …). Never edited: a wrong record is reversed and entered again."""

    category = models.ForeignKey(RevenueCategory, verbose_name=_("收入科目"), on_delete=models.PROTECT,
                                 related_name="records")
    collecting_body = models.CharField(_("征收机关"), max_length=128)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversal", editable=False)

    class Meta:
        verbose_name = _("财政收入记录")
        verbose_name_plural = _("财政收入记录")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(name="revenue_first_of_month", condition=Q(month__day=1)),
            models.CheckConstraint(name="revenue_amount_not_zero", condition=~Q(amount=0)),
            models.CheckConstraint(
                name="revenue_negative_iff_reversal",
                condition=Q(amount__gt=0, reverses__isnull=True) | Q(amount__lt=0, reverses__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["town", "month"], name="revenue_town_month")]
        triggers = _written_once()

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category} {self.amount}"


@track()
class ReclamationRecord(_Reversible):
    """Farmland newly made from unused or abandoned land (开发未利用地、复垦废弃地) in a month, in mu:
    the base of the per-mu subsidy. Entered by the town, or posted by landuse through the service."""

    area_mu = models.DecimalField(_("新增耕地（亩）"), max_digits=14, decimal_places=4)
    project = models.CharField(_("项目或地块"), max_length=200)
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversal", editable=False)

    class Meta:
        verbose_name = _("复垦记录")
        verbose_name_plural = _("复垦记录")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(name="reclamation_first_of_month", condition=Q(month__day=1)),
            models.CheckConstraint(
                name="reclamation_negative_iff_reversal",
                condition=Q(area_mu__gt=0, reverses__isnull=True) | Q(area_mu__lt=0, reverses__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["town", "month"], name="reclamation_town_month")]
        triggers = _written_once()

    def __str__(self):
        return f"{self.month:%Y-%m} {self.project} {self.area_mu}亩"


@track()
class Entitlement(AuditedModel):
    """What the county owes a town under one rule for one month (月度应返) or one year's
    settlement (年终结算), with its calculation trace and its ledger posting.

    ``trace`` is what an auditor follows fen by fen: the rule, its inputs (the aggregates the
    database returned), each step's amount and, for the excess rebate, the base consumed.
    A recompute marks the row replaced, reverses its posting and writes a new row.
    ``amount`` may be 0.00 (nothing owed, nothing posted) or, for a settlement whose advances
    exceeded the final rebate under "owed back", negative (the town owes it back).
    """

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
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
    replaced_by = models.ForeignKey("self", verbose_name=_("重算为"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="replaces")
    reversal_posting = models.ForeignKey("ledger.Posting", verbose_name=_("冲销凭证"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")

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
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        period = f"{self.month:%Y}年度" if self.kind == EntitlementKind.SETTLEMENT else f"{self.month:%Y-%m}"
        return f"{period} {self.rule} {self.amount}"


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
        return f"{self.paid_on:%Y-%m-%d} {self.document_number} {self.amount}"


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


# --- funds and incentives (issue 11 §5, §7; engineer f2) --------------------------------------------
# The money of a fund is a non-negative account on the finance ledger (kind "fund"): a spend
# beyond its balance is refused by the ledger's invariant. These rows say why the money moved.


def _signed_iff_reversal(name: str, field: str = "amount") -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(**{f"{field}__gt": 0, "reverses__isnull": True}) | Q(**{f"{field}__lt": 0, "reverses__isnull": False}),
    )


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


# --- targets, debt, quarterly inspection (issue 11 §6, §8; engineer f3) ------------------------------
# Targets are data the office sets per town and year (the plan's 25 % / 25 % / 20 % are the
# defaults); the actual figures of industrial output and investment are entered yearly (the
# fiscal revenue is read from the revenue records). The money of a debt lives on the ledger
# "finance_debt" (an account per town and lender, never below zero); these rows say why.

PERCENT = {"max_digits": 6, "decimal_places": 2}


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

# --- end of targets, debt, quarterly inspection (f3) -------------------------------------------------
