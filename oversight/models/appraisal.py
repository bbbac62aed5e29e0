"""The yearly appraisal of the pilot towns (考核, DOMAIN.md §6, issue 14 §5).

The office sets, per leading group and year, an indicator set (考核指标体系): indicators as
data — a name, a weight (the weights sum to 100) and whether the score is computed from the
apps (filing on time, take-over rate, growth targets met, rectifications closed) or given by
hand — and the thresholds of the four grades. Each pilot town then has one appraisal a year:
a score of 0–100 per indicator (computed, with its inputs kept as the trace, or a hand score
with who gave it and why), the weighted total and the grade; finalising (定档) freezes it. The
use made of the result (奖惩, 干部任用) is recorded against the finalised appraisal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import nonmember

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from core.states import StatusChoices, Transition
from regions.choices import Level, Role
from regions.models import Division

from .meetings import LeadingGroup

__all__ = [
    "AppraisalGrade",
    "AppraisalState",
    "IndicatorKind",
    "Measure",
    "UseKind",
    "IndicatorSet",
    "AppraisalIndicator",
    "Appraisal",
    "AppraisalScore",
    "AppraisalUse",
]

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
SCORE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)]


def round2(value: Decimal) -> Decimal:
    """Two places, half up (考核得分保留两位小数，四舍五入)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    MANUAL = "manual", _("人工评分")


class Measure(models.TextChoices):
    """What a computed indicator measures, each read from its app's selectors."""

    FILING_ON_TIME = "filing_on_time", _("按时备案率")
    TAKEOVER_RATE = "takeover_rate", _("事项承接率")
    TARGETS_MET = "targets_met", _("发展目标完成率")
    RECTIFICATIONS_CLOSED = "rectifications_closed", _("督查问题整改销号率")


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class AppraisalState(StatusChoices):
    DRAFT = "draft", _("评分中")
    FINALISED = "finalised", _("已定档")

    colours = nonmember({"draft": "warning", "finalised": "success"})
    transitions = nonmember({
        "compute": Transition(source=("draft",)),
        "score": Transition(source=("draft",)),
        "finalise": Transition(source=("draft",), target="finalised"),
        "use": Transition(source=("finalised",)),
    })


class UseKind(models.TextChoices):
    REWARD = "reward", _("奖励")
    PENALTY = "penalty", _("惩戒")
    CADRE = "cadre", _("干部任用")


@track()
class IndicatorSet(AuditedModel):
    """A leading group's indicator set for one year, with the grade thresholds (totals at or
    above ``excellent_from`` are 优秀, at or above ``good_from`` 良好, at or above ``pass_from``
    合格, below it 不合格)."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("领导小组"), on_delete=models.PROTECT,
                              related_name="indicator_sets")
    year = models.PositiveSmallIntegerField(_("考核年度"), validators=[MinValueValidator(2000),
                                                                  MaxValueValidator(2100)])
    name = models.CharField(_("名称"), max_length=128)
    excellent_from = models.DecimalField(_("优秀分数线"), max_digits=5, decimal_places=2, default=Decimal("90"),
                                         validators=SCORE_VALIDATORS)
    good_from = models.DecimalField(_("良好分数线"), max_digits=5, decimal_places=2, default=Decimal("80"),
                                    validators=SCORE_VALIDATORS)
    pass_from = models.DecimalField(_("合格分数线"), max_digits=5, decimal_places=2, default=Decimal("60"),
                                    validators=SCORE_VALIDATORS)
    document_number = models.CharField(_("印发文号"), max_length=64, blank=True)

    jurisdiction_field = "group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("考核指标体系")
        verbose_name_plural = _("考核指标体系")
        ordering = ["-year", "group_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="indicator_set_once_per_year"),
            models.CheckConstraint(name="indicator_set_thresholds_ordered",
                                   condition=Q(excellent_from__gt=models.F("good_from"),
                                               good_from__gt=models.F("pass_from"), pass_from__gt=0)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        if None in (self.excellent_from, self.good_from, self.pass_from):
            return
        if not (self.excellent_from > self.good_from > self.pass_from > 0):
            raise ValidationError({"good_from": gettext("分数线应满足：优秀 > 良好 > 合格 > 0。")})

    def grade_for(self, total: Decimal) -> str:
        """The grade a total earns under this set's thresholds."""
        if total >= self.excellent_from:
            return AppraisalGrade.EXCELLENT
        if total >= self.good_from:
            return AppraisalGrade.GOOD
        if total >= self.pass_from:
            return AppraisalGrade.PASS
        return AppraisalGrade.FAIL


@track()
class AppraisalIndicator(AuditedModel):
    """One indicator of a set: name, weight (of 100), computed (which measure) or scored by hand."""

    indicator_set = models.ForeignKey(IndicatorSet, verbose_name=_("指标体系"), on_delete=models.PROTECT,
                                      related_name="indicators")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("指标名称"), max_length=128)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(CENT), MaxValueValidator(HUNDRED)])
    kind = models.CharField(_("评分方式"), max_length=16, choices=IndicatorKind.choices)
    measure = models.CharField(_("计算口径"), max_length=32, choices=Measure.choices, blank=True)
    rule = models.CharField(_("评分标准"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction_field = "indicator_set__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["indicator_set_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "position"], condition=Q(is_active=True),
                                    name="appraisal_indicator_position_once"),
            models.CheckConstraint(name="appraisal_indicator_measure_iff_computed",
                                   condition=(Q(kind="computed") & ~Q(measure="")) | (Q(kind="manual") & Q(measure=""))),
            models.CheckConstraint(name="appraisal_indicator_weight_range",
                                   condition=Q(weight__gt=0, weight__lte=100)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.name} ({self.weight})"

    def clean(self):
        if self.kind == IndicatorKind.COMPUTED and not self.measure:
            raise ValidationError({"measure": gettext("系统计算的指标须选择计算口径。")})
        if self.kind == IndicatorKind.MANUAL and self.measure:
            raise ValidationError({"measure": gettext("人工评分的指标不选计算口径。")})


@track()
class Appraisal(AuditedModel):
    """The yearly appraisal of one pilot town (one a year): its total and grade, draft until
    finalised (定档), then frozen."""

    indicator_set = models.ForeignKey(IndicatorSet, verbose_name=_("指标体系"), on_delete=models.PROTECT,
                                      related_name="appraisals")
    town = models.ForeignKey(Division, verbose_name=_("试点镇"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    state = models.CharField(_("状态"), max_length=16, choices=AppraisalState.choices, default=AppraisalState.DRAFT)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=16, choices=AppraisalGrade.choices, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    finalised_on = models.DateField(_("定档日期"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("定档人"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    conclusion = models.TextField(_("考核意见"), blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "town__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="appraisal_once_per_town_year"),
            models.CheckConstraint(name="appraisal_finalised_complete",
                                   condition=~Q(state="finalised") | (Q(total__isnull=False) & ~Q(grade="")
                                                                      & Q(finalised_on__isnull=False))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(town)s%(year)s年度考核") % {"town": self.town.name, "year": self.year}

    def clean(self):
        if self.town_id and self.town.level != Level.TOWN:
            raise ValidationError({"town": gettext("请选择一个镇（乡、街道）。")})
        if self.indicator_set_id and self.year and self.year != self.indicator_set.year:
            raise ValidationError({"year": gettext("考核年度应与指标体系的年度一致。")})
        if self.town_id and self.indicator_set_id:
            county = self.indicator_set.group.division
            if not self.town.path.startswith(county.path):
                raise ValidationError({"town": gettext("%(town)s不在%(division)s辖区内。") % {
                    "town": self.town.name, "division": county.name}})

    @property
    def is_final(self) -> bool:
        return self.state == AppraisalState.FINALISED


@track()
class AppraisalScore(AuditedModel):
    """An indicator's score (0–100) in one appraisal: computed from the apps with its inputs as
    ``trace``, or given by hand (who, why) — a hand score may also replace a computed one."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("年度考核"), on_delete=models.PROTECT,
                                  related_name="scores")
    indicator = models.ForeignKey(AppraisalIndicator, verbose_name=_("考核指标"), on_delete=models.PROTECT,
                                  related_name="+")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True,
                                validators=SCORE_VALIDATORS)
    computed_score = models.DecimalField(_("计算得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    trace = models.JSONField(_("计算依据"), default=dict, blank=True)
    by_hand = models.BooleanField(_("人工评分"), default=False)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评分人"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    reason = models.TextField(_("评分理由"), blank=True)

    jurisdiction_field = "appraisal__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["appraisal_id", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "indicator"], name="appraisal_score_once"),
            models.CheckConstraint(name="appraisal_score_hand_has_reason", condition=~Q(by_hand=True) | ~Q(reason="")),
            models.CheckConstraint(name="appraisal_score_range",
                                   condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.indicator.name}: {self.score if self.score is not None else '—'}"

    def clean(self):
        if self.appraisal_id and self.appraisal.is_final:
            raise ValidationError(gettext("考核已定档，得分不能再修改。"))

    @property
    def weighted(self) -> Decimal | None:
        """What the score adds to the total: weight × score / 100 (not rounded)."""
        return None if self.score is None else self.indicator.weight * self.score / HUNDRED


@track()
class AppraisalUse(AuditedModel):
    """A use made of a finalised appraisal's result: a reward or penalty, a cadre decision."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("年度考核"), on_delete=models.PROTECT, related_name="uses")
    kind = models.CharField(_("运用类型"), max_length=16, choices=UseKind.choices)
    text = models.TextField(_("内容"))
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    decided_on = models.DateField(_("决定日期"))

    jurisdiction_field = "appraisal__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("考核结果运用")
        verbose_name_plural = _("考核结果运用")
        ordering = ["appraisal_id", "decided_on", "id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:30]}"
