"""The arrangement a county sets for a pilot town (base, term, rules as data), revenue categories,
and the facts it reads: revenue and reclamation records (written once, corrected by reversal)."""

from __future__ import annotations

from decimal import Decimal

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

from ..choices import (
    CategoryKind,
    Earmark,
    RuleKind,
    SettlementMethod,
    ShortfallRule,
)
from .base import MONEY, _written_once


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


