"""Reads of the yearly appraisal (issue 14 §5): indicator sets and appraisals scoped by
regions.scoping (404 outside), the parts of one appraisal, the standings (for the dashboard and
the auditor's bundle), and the computed measures — each read from its own app's selectors
(oversight never reads another app's models), as the computing user sees the town.

A measure answers (score, trace): the score is the share in percent (0–100, two places, half
up), None when there is nothing to measure (then the office scores it by hand); the trace keeps
the inputs so the page can show how the figure came about."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from delegation import selectors as delegation_selectors
from finance import selectors as finance_selectors
from regions import scoping
from regions.choices import Level
from regions.models import Division

from .choices import FindingState
from .models import (
    Appraisal,
    AppraisalIndicator,
    AppraisalScore,
    Finding,
    IndicatorSet,
    Measure,
)
from .models.appraisal import HUNDRED, round2

# --- scoped lists ------------------------------------------------------------------------------


def indicator_set_list(*, user) -> QuerySet:
    return scoping.scope(IndicatorSet.objects.select_related("group__division"), user)


def indicator_set_get(*, user, pk) -> IndicatorSet:
    return get_object_or_404(indicator_set_list(user=user), pk=pk)


def indicator_set_writable(*, user) -> QuerySet:
    return scoping.scope(IndicatorSet.objects.select_related("group__division"), user, scoping.CHANGE)


def indicators_of(*, indicator_set: IndicatorSet) -> list[AppraisalIndicator]:
    return list(indicator_set.indicators.filter(is_active=True).order_by("position"))


def appraisal_list(*, user) -> QuerySet:
    return scoping.scope(Appraisal.objects.select_related("town", "indicator_set__group__division"), user)


def appraisal_get(*, user, pk) -> Appraisal:
    return get_object_or_404(appraisal_list(user=user), pk=pk)


def appraisal_parts(*, appraisal: Appraisal) -> dict:
    """What an appraisal's page shows: the scores with their indicators, the uses. Two queries."""
    scores = list(AppraisalScore.objects.filter(appraisal=appraisal).select_related("indicator", "scored_by")
                  .order_by("indicator__position"))
    return {"scores": scores, "uses": list(appraisal.uses.order_by("decided_on", "id"))}


def appraisal_towns(*, user) -> QuerySet:
    """The towns the user may start an appraisal for (written by the office over them)."""
    return Division.objects.filter(_writable_towns_q(user), level=Level.TOWN).order_by("code")


def _writable_towns_q(user) -> Q:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    q = Q(pk__in=[])
    for g in scoping.grants(user):
        if g.role in Appraisal.jurisdiction_writers:
            q |= Q(path__startswith=g.path)
    return q


# --- the standings -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Standing:
    """One town's appraisal of a year in the standings."""

    appraisal_id: int
    town_id: int
    town: str
    year: int
    total: Decimal | None
    grade: str
    grade_label: str
    state: str
    rank: int | None  # by total among the year's finalised appraisals (ties share a rank)


def appraisal_standings(*, user, year: int | None = None) -> list[Standing]:
    """The appraisals in scope of ``year`` (default: the latest year with one), best total first;
    finalised ones are ranked, drafts follow unranked. One query (two without ``year``)."""
    qs = appraisal_list(user=user).select_related(None).select_related("town")
    if year is None:
        year = qs.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            return []
    rows = list(qs.filter(year=year).order_by("town__code"))
    final = sorted((a for a in rows if a.is_final), key=lambda a: (-a.total, a.town.code))
    drafts = [a for a in rows if not a.is_final]
    out, rank, previous = [], 0, None
    for i, a in enumerate(final, start=1):
        if a.total != previous:
            rank, previous = i, a.total
        out.append(_standing(a, rank))
    return out + [_standing(a, None) for a in drafts]


def _standing(a: Appraisal, rank: int | None) -> Standing:
    return Standing(a.pk, a.town_id, a.town.name, a.year, a.total, a.grade, a.get_grade_display() if a.grade else "",
                    a.state, rank)


def standings_years(*, user) -> list[int]:
    return list(appraisal_list(user=user).order_by("-year").values_list("year", flat=True).distinct())


# --- the computed measures ---------------------------------------------------------------------

def _share(part: int, whole: int) -> Decimal | None:
    return None if not whole else round2(Decimal(part) * HUNDRED / Decimal(whole))


def as_of(year: int, today: datetime.date) -> datetime.date:
    """The day a year's measures are taken on: 31 December, or today while the year runs."""
    return min(datetime.date(year, 12, 31), today)


def filing_on_time(*, user, town: Division, year: int, today: datetime.date) -> tuple[Decimal | None, dict]:
    """Exercise records decided in ``year``: filed on time ÷ (on time + filed late + overdue unfiled),
    as of 31 December (delegation.selectors.filing_by_month over the year's months)."""
    day = as_of(year, today)
    months = delegation_selectors.filing_by_month(user=user, within=town, today=day, months=day.month)
    n = {k: sum(m[k] for m in months) for k in ("on_time", "late", "overdue", "pending")}
    due = n["on_time"] + n["late"] + n["overdue"]
    return _share(n["on_time"], due), {**n, "numerator": n["on_time"], "denominator": due, "as_of": day.isoformat(),
                                       "source": "delegation.selectors.filing_by_month"}


def takeover_rate(*, user, town: Division, year: int, today: datetime.date) -> tuple[Decimal | None, dict]:
    """Items assigned to the town (not revoked) that it has taken over, as they stand on the day
    of computing (delegation.selectors.takeover_by_town)."""
    rows = [r for r in delegation_selectors.takeover_by_town(user=user, within=town) if r["id"] == town.pk]
    assigned = rows[0]["assigned"] if rows else 0
    taken = rows[0]["taken_over"] if rows else 0
    return _share(taken, assigned), {"taken_over": taken, "assigned": assigned, "numerator": taken,
                                     "denominator": assigned, "as_of": today.isoformat(),
                                     "source": "delegation.selectors.takeover_by_town"}


def targets_met(*, user, town: Division, year: int, today: datetime.date) -> tuple[Decimal | None, dict]:
    """The plan's growth targets of ``year`` met ÷ those that can be judged (both years' figures
    known) (finance.selectors.targets_for). Only a town the user sees is read."""
    if not scoping.can(user, scoping.VIEW, town):
        return None, {"numerator": 0, "denominator": 0, "indicators": [], "source": "finance.selectors.targets_for"}
    rows = finance_selectors.targets_for(town_ids=[town.pk], years=[year], today=today)[(town.pk, year)]
    judged = [r for r in rows if r.met is not None]
    met = sum(1 for r in judged if r.met)
    indicators = [{"indicator": r.indicator, "label": str(r.label), "target_percent": str(r.target_percent),
                   "growth": None if r.growth is None else str(r.growth), "met": r.met, "note": r.note} for r in rows]
    return _share(met, len(judged)), {"numerator": met, "denominator": len(judged), "indicators": indicators,
                                      "source": "finance.selectors.targets_for"}


def rectifications_closed(*, user, town: Division, year: int, today: datetime.date) -> tuple[Decimal | None, dict]:
    """Findings of the town found in ``year``: closed out (销号) ÷ all, on the day of computing."""
    counts = scoping.scope(Finding.objects.filter(town=town, found_on__year=year), user).aggregate(
        total=Count("id"), closed=Count("id", filter=Q(state=FindingState.CLOSED)))
    return _share(counts["closed"], counts["total"]), {
        "closed": counts["closed"], "found": counts["total"], "numerator": counts["closed"],
        "denominator": counts["total"], "as_of": today.isoformat(), "source": "oversight.Finding"}


MEASURES = {
    Measure.FILING_ON_TIME: filing_on_time,
    Measure.TAKEOVER_RATE: takeover_rate,
    Measure.TARGETS_MET: targets_met,
    Measure.RECTIFICATIONS_CLOSED: rectifications_closed,
}


def measure_value(*, measure: str, user, town: Division, year: int, today: datetime.date
                  ) -> tuple[Decimal | None, dict]:
    score, trace = MEASURES[Measure(measure)](user=user, town=town, year=year, today=today)
    trace["measure"] = str(measure)
    if score is None:
        trace["note"] = gettext("没有可计算的数据（分母为0），请人工评分。")
    return score, trace


def trace_text(trace: dict) -> str:
    """The inputs of a computed score in one line, for the page and the PDF."""
    if not trace:
        return ""
    measure = trace.get("measure")
    n, d = trace.get("numerator", 0), trace.get("denominator", 0)
    if measure == Measure.FILING_ON_TIME:
        text = gettext("按时备案%(n)s件 ÷ 应备案%(d)s件（逾期备案%(late)s件，逾期未备案%(overdue)s件，截至%(day)s）") % {
            "n": n, "d": d, "late": trace.get("late", 0), "overdue": trace.get("overdue", 0), "day": trace.get("as_of")}
    elif measure == Measure.TAKEOVER_RATE:
        text = gettext("已承接%(n)s项 ÷ 已交办%(d)s项（截至%(day)s）") % {"n": n, "d": d, "day": trace.get("as_of")}
    elif measure == Measure.TARGETS_MET:
        text = gettext("完成目标%(n)s项 ÷ 可评价目标%(d)s项") % {"n": n, "d": d}
    elif measure == Measure.RECTIFICATIONS_CLOSED:
        text = gettext("已销号%(n)s个 ÷ 本年度发现问题%(d)s个（截至%(day)s）") % {"n": n, "d": d, "day": trace.get("as_of")}
    else:
        text = ""
    return text


# --- what a set's appraisals look like (the set's page) ---------------------------------------

def set_appraisals(*, user, indicator_set: IndicatorSet) -> list[Appraisal]:
    return list(appraisal_list(user=user).filter(indicator_set=indicator_set).order_by("town__code"))

