"""Every write of the yearly appraisal (issue 14 §5): keyword-only, atomic, validated, attributed,
nothing deleted. The office writes (rules.require_office: 403 for everyone else).

indicator_set_create / indicator_set_update (the set and its indicators at once: the weights
must sum to 100) → appraisal_start (one per town and year; computes what it can) →
appraisal_compute (again, while a draft) | appraisal_score (a hand score with its reason) →
appraisal_finalise (定档: the total and the grade frozen) → appraisal_use_record (奖惩, 干部任用).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError
from core.services import require_reason, save_validated
from regions.models import Division

from . import rules, selectors_appraisal
from .choices import GroupKind
from .models import (
    Appraisal,
    AppraisalIndicator,
    AppraisalScore,
    AppraisalState,
    AppraisalUse,
    IndicatorKind,
    IndicatorSet,
    LeadingGroup,
    Measure,
)
from .models.appraisal import HUNDRED, round2

# --- indicator sets ------------------------------------------------------------------------------


def _decimal(value, *, label: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("%(label)s请填写数字。") % {"label": label}, code="invalid_number",
                               extra={field: [_("请填写数字。")]}) from None
    if not number.is_finite():
        raise ApplicationError(_("%(label)s请填写数字。") % {"label": label}, code="invalid_number",
                               extra={field: [_("请填写数字。")]})
    return number


def _clean_indicators(indicators: list[dict]) -> list[dict]:
    """The indicators as given (name, weight, measure — "" for a hand-scored one —, rule), checked:
    at least one, names and measures not repeated, each weight above 0, the weights summing to 100."""
    rows = []
    for i, row in enumerate(indicators, start=1):
        name = (row.get("name") or "").strip()
        if not name:
            raise ApplicationError(_("第%(n)s项指标没有名称。") % {"n": i}, code="indicator_name_required")
        weight = _decimal(row.get("weight"), label=_("“%(name)s”的权重") % {"name": name}, field="indicators")
        if weight <= 0 or weight > HUNDRED or weight != weight.quantize(Decimal("0.01")):
            raise ApplicationError(_("“%(name)s”的权重应大于0、不超过100，最多两位小数。") % {"name": name},
                                   code="weight_out_of_range", extra={"indicators": [_("权重不正确。")]})
        measure = (row.get("measure") or "").strip()
        if measure and measure not in Measure.values:
            raise ApplicationError(_("“%(name)s”的计算口径“%(measure)s”不存在。") % {"name": name, "measure": measure},
                                   code="unknown_measure")
        rows.append({"name": name, "weight": weight, "measure": measure, "rule": (row.get("rule") or "").strip(),
                     "kind": IndicatorKind.COMPUTED if measure else IndicatorKind.MANUAL})
    if not rows:
        raise ApplicationError(_("请至少设置一项考核指标。"), code="no_indicators", extra={"indicators": [_("请至少设置一项考核指标。")]})
    names = [r["name"] for r in rows]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ApplicationError(_("指标名称重复：%(names)s。") % {"names": _("、").join(repeated)}, code="indicator_repeated")
    measures = [r["measure"] for r in rows if r["measure"]]
    twice = sorted({m for m in measures if measures.count(m) > 1})
    if twice:
        raise ApplicationError(_("同一计算口径只能用于一项指标：%(m)s。") % {
            "m": _("、").join(str(Measure(m).label) for m in twice)}, code="measure_repeated")
    total = sum((r["weight"] for r in rows), Decimal("0"))
    if total != HUNDRED:
        message = _("各项指标的权重之和应为100，现为%(total)s。") % {"total": f"{total:.2f}"}
        raise ApplicationError(message, code="weights_not_100", extra={"indicators": [message]})
    return rows


def _write_indicators(indicator_set: IndicatorSet, rows: list[dict], actor) -> None:
    for position, row in enumerate(rows, start=1):
        save_validated(AppraisalIndicator(indicator_set=indicator_set, position=position, **row), actor)


def _thresholds(excellent_from, good_from, pass_from) -> dict:
    return {"excellent_from": _decimal(excellent_from, label=_("优秀分数线"), field="excellent_from"),
            "good_from": _decimal(good_from, label=_("良好分数线"), field="good_from"),
            "pass_from": _decimal(pass_from, label=_("合格分数线"), field="pass_from")}


@transaction.atomic
def indicator_set_create(*, group: LeadingGroup, year: int, name: str, indicators: list[dict],
                         excellent_from=Decimal("90"), good_from=Decimal("80"), pass_from=Decimal("60"),
                         document_number: str = "", actor) -> IndicatorSet:
    """The group's indicator set for ``year`` with its indicators (weights summing to 100) and
    the grade thresholds; one set per group and year."""
    if group.kind != GroupKind.LEADING:
        raise ApplicationError(_("考核指标体系由领导小组制定。"), code="not_leading_group", extra={"group": [_("请选择领导小组。")]})
    indicator_set = IndicatorSet(group=group, year=year, name=name.strip(), document_number=document_number.strip(),
                                 **_thresholds(excellent_from, good_from, pass_from))
    rules.require_office(actor, indicator_set)
    rows = _clean_indicators(indicators)
    if IndicatorSet.objects.filter(group=group, year=year).exists():
        raise ConflictError(_("%(group)s%(year)s年度的考核指标体系已经存在。") % {"group": group.name, "year": year},
                            code="indicator_set_exists", extra={"year": [_("该年度已有指标体系。")]})
    save_validated(indicator_set, actor)
    _write_indicators(indicator_set, rows, actor)
    return indicator_set


@transaction.atomic
def indicator_set_update(*, indicator_set: IndicatorSet, name: str, indicators: list[dict],
                         excellent_from, good_from, pass_from, document_number: str = "", actor) -> IndicatorSet:
    """Change a set's name, thresholds and indicators — only while no town has been appraised
    under it (the old indicators are kept, inactive, in the history)."""
    indicator_set = IndicatorSet.objects.select_for_update().select_related("group__division").get(pk=indicator_set.pk)
    rules.require_office(actor, indicator_set)
    if indicator_set.appraisals.exists():
        raise ConflictError(_("已有试点镇按“%(set)s”考核，指标和分数线不能再修改。") % {"set": indicator_set.name},
                            code="indicator_set_in_use")
    rows = _clean_indicators(indicators)
    indicator_set.name, indicator_set.document_number = name.strip(), document_number.strip()
    for key, value in _thresholds(excellent_from, good_from, pass_from).items():
        setattr(indicator_set, key, value)
    save_validated(indicator_set, actor)
    for old in indicator_set.indicators.filter(is_active=True):
        old.is_active = False
        save_validated(old, actor)
    _write_indicators(indicator_set, rows, actor)
    return indicator_set


# --- appraisals ----------------------------------------------------------------------------------

def _locked(appraisal: Appraisal) -> Appraisal:
    return (Appraisal.objects.select_for_update(of=("self",)).select_related("town", "indicator_set__group__division")
            .get(pk=appraisal.pk))


def _require_draft(appraisal: Appraisal) -> None:
    if appraisal.state != AppraisalState.DRAFT:
        raise ConflictError(_("%(appraisal)s已于%(day)s定档，不能再修改。") % {
            "appraisal": appraisal, "day": appraisal.finalised_on.isoformat() if appraisal.finalised_on else ""},
            code="appraisal_finalised")


def _retotal(appraisal: Appraisal, actor) -> Appraisal:
    """The weighted total (Σ weight × score ÷ 100, two places half up) and its grade once every
    indicator has a score; None and no grade while one is missing."""
    scores = list(AppraisalScore.objects.filter(appraisal=appraisal).select_related("indicator"))
    if scores and all(s.score is not None for s in scores):
        appraisal.total = round2(sum((s.indicator.weight * s.score for s in scores), Decimal("0")) / HUNDRED)
        appraisal.grade = appraisal.indicator_set.grade_for(appraisal.total)
    else:
        appraisal.total, appraisal.grade = None, ""
    return save_validated(appraisal, actor)


def _compute(appraisal: Appraisal, actor, today: datetime.date) -> None:
    for score in AppraisalScore.objects.filter(appraisal=appraisal).select_related("indicator"):
        indicator = score.indicator
        if indicator.kind != IndicatorKind.COMPUTED:
            continue
        value, trace = selectors_appraisal.measure_value(measure=indicator.measure, user=actor, town=appraisal.town,
                                                         year=appraisal.year, today=today)
        score.computed_score, score.trace = value, trace
        if not score.by_hand:  # a hand score given in its place stands; the computed one is kept beside it
            score.score = value
        save_validated(score, actor)
    appraisal.computed_at = timezone.now()


@transaction.atomic
def appraisal_start(*, indicator_set: IndicatorSet, town: Division, actor, today: datetime.date | None = None
                    ) -> Appraisal:
    """Open the appraisal of ``town`` for the set's year (one per town and year) with a score row
    per indicator, the computed ones computed."""
    today = today or timezone.localdate()
    appraisal = Appraisal(indicator_set=indicator_set, town=town, year=indicator_set.year)
    rules.require_office(actor, appraisal)
    rules.require_office(actor, indicator_set)
    if indicator_set.year > today.year:
        raise ApplicationError(_("%(year)s年度尚未开始，不能考核。") % {"year": indicator_set.year}, code="future_year")
    if Appraisal.objects.filter(town=town, year=indicator_set.year).exists():
        raise ConflictError(_("%(town)s%(year)s年度的考核已经存在。") % {"town": town.name, "year": indicator_set.year},
                            code="appraisal_exists", extra={"town": [_("该镇本年度已有考核。")]})
    save_validated(appraisal, actor)
    for indicator in selectors_appraisal.indicators_of(indicator_set=indicator_set):
        save_validated(AppraisalScore(appraisal=appraisal, indicator=indicator), actor)
    _compute(appraisal, actor, today)
    return _retotal(appraisal, actor)


@transaction.atomic
def appraisal_compute(*, appraisal: Appraisal, actor, today: datetime.date | None = None) -> Appraisal:
    """Compute the computed indicators again from the apps (a draft only)."""
    appraisal = _locked(appraisal)
    rules.require_office(actor, appraisal)
    _require_draft(appraisal)
    _compute(appraisal, actor, today or timezone.localdate())
    return _retotal(appraisal, actor)


@transaction.atomic
def appraisal_score(*, appraisal: Appraisal, indicator: AppraisalIndicator, score, reason: str, actor) -> Appraisal:
    """A hand score (0–100) of one indicator with who gave it and why; on a computed indicator it
    replaces the computed score (which stays beside it in the trace)."""
    appraisal = _locked(appraisal)
    rules.require_office(actor, appraisal)
    _require_draft(appraisal)
    reason = require_reason(reason)
    row = AppraisalScore.objects.select_for_update().filter(appraisal=appraisal, indicator=indicator).first()
    if row is None:
        raise ApplicationError(_("“%(indicator)s”不是本次考核的指标。") % {"indicator": indicator.name},
                               code="indicator_not_in_appraisal", extra={"indicator": [_("请选择本次考核的指标。")]})
    value = _decimal(score, label=_("得分"), field="score")
    if value < 0 or value > HUNDRED or value != value.quantize(Decimal("0.01")):
        raise ApplicationError(_("得分应在0至100之间，最多两位小数。"), code="score_out_of_range",
                               extra={"score": [_("得分应在0至100之间，最多两位小数。")]})
    row.score, row.by_hand, row.reason = value, True, reason
    row.scored_by = actor if getattr(actor, "pk", None) else None
    save_validated(row, actor)
    return _retotal(appraisal, actor)


@transaction.atomic
def appraisal_finalise(*, appraisal: Appraisal, on: datetime.date, conclusion: str = "", actor) -> Appraisal:
    """定档: every indicator scored, the total and grade fixed; nothing of it changes afterwards."""
    appraisal = _locked(appraisal)
    rules.require_office(actor, appraisal)
    _require_draft(appraisal)
    missing = [s.indicator.name for s in AppraisalScore.objects.filter(appraisal=appraisal, score__isnull=True)
               .select_related("indicator").order_by("indicator__position")]
    if missing:
        raise ConflictError(_("以下指标尚未评分，不能定档：%(names)s。") % {"names": _("、").join(missing)},
                            code="scores_missing")
    if on.year <= appraisal.year - 1:
        raise ApplicationError(_("定档日期不能早于考核年度。"), code="finalised_too_early", extra={"on": [_("日期不正确。")]})
    appraisal = _retotal(appraisal, actor)
    appraisal.state, appraisal.finalised_on = AppraisalState.FINALISED, on
    appraisal.finalised_by = actor if getattr(actor, "pk", None) else None
    appraisal.conclusion = (conclusion or "").strip()
    return save_validated(appraisal, actor)


@transaction.atomic
def appraisal_use_record(*, appraisal: Appraisal, kind: str, text: str, decided_on: datetime.date,
                         document_number: str = "", actor) -> AppraisalUse:
    """Record a use made of a finalised appraisal's result: a reward, a penalty, a cadre decision."""
    appraisal = _locked(appraisal)
    rules.require_office(actor, appraisal)
    if not appraisal.is_final:
        raise ConflictError(_("考核定档后才能登记结果运用。"), code="appraisal_not_finalised")
    if appraisal.finalised_on and decided_on < appraisal.finalised_on:
        raise ApplicationError(_("决定日期不能早于定档日期（%(day)s）。") % {"day": appraisal.finalised_on.isoformat()},
                               code="use_before_finalised", extra={"decided_on": [_("日期早于定档日期。")]})
    return save_validated(AppraisalUse(appraisal=appraisal, kind=kind, text=(text or "").strip(),
                                       document_number=(document_number or "").strip(), decided_on=decided_on), actor)
