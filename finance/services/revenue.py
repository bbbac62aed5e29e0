"""Revenue and reclamation records: written once, corrected by a reversal."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ConflictError
from core.history import actor_context
from core.services import require_reason, save_validated
from regions.choices import Level

from .. import rules as r
from ..choices import RuleKind
from ..models import (
    FiscalArrangement,
    ReclamationRecord,
    RevenueCategory,
    RevenueRecord,
)
from ..selectors import arrangement_in_force, month_closed
from .base import _refuse, _today

# --- revenue and reclamation: written once, corrected by reversal ---------------------------------


def _check_month(town, month: datetime.date) -> None:
    if town.level != Level.TOWN:
        _refuse(gettext("财政收入按镇登记，“%(name)s”不是镇。") % {"name": town.name}, "not_a_town", "town")
    if month > _today().replace(day=1):
        _refuse(gettext("所属月份 %(month)s 尚未到来。") % {"month": f"{month:%Y-%m}"}, "future_month", "month")
    if month_closed(town=town, month=month):
        _refuse(gettext("%(month)s已结账，不能再登记或冲销该月的记录。") % {"month": f"{month:%Y年%m月}"},
                "period_closed", "month")


def _arrangement_for(town, month: datetime.date) -> FiscalArrangement:
    arrangement = arrangement_in_force(town=town, month=month)
    if arrangement is None:
        _refuse(gettext("%(town)s在%(month)s没有施行中的财政体制，请先由领导小组办公室设定。")
                % {"town": town.name, "month": f"{month:%Y年%m月}"}, "no_arrangement", "month")
    return arrangement


def revenue_problems(*, town, month: datetime.date, category, amount: Decimal) -> list[tuple[str, str, dict, str]]:
    """Why a revenue record of ``town``, ``month``, ``category``, ``amount`` (already read) may
    not be recorded: (field, gettext_lazy template, params, code), first problem first; [] when
    it may. The one set of checks of the service and the importer (which keeps each template, to
    show a row's error in its reader's language)."""
    from django.utils.translation import gettext_lazy as _

    if amount <= 0:
        return [("amount", _("收入金额须大于零；更正已登记的收入请冲销原记录后重新登记。"), {}, "revenue_not_positive")]
    if town.level != Level.TOWN:
        return [("town", _("财政收入按镇登记，“%(name)s”不是镇。"), {"name": town.name}, "not_a_town")]
    if month > _today().replace(day=1):
        return [("month", _("所属月份 %(month)s 尚未到来。"), {"month": f"{month:%Y-%m}"}, "future_month")]
    if month_closed(town=town, month=month):
        return [("month", _("%(month)s已结账，不能再登记或冲销该月的记录。"), {"month": f"{month:%Y年%m月}"},
                 "period_closed")]
    arrangement = arrangement_in_force(town=town, month=month)
    if arrangement is None:
        return [("month", _("%(town)s在%(month)s没有施行中的财政体制，请先由领导小组办公室设定。"),
                 {"town": town.name, "month": f"{month:%Y年%m月}"}, "no_arrangement")]
    if category is None:
        return [("category", _("收入科目不存在。"), {}, "unknown_category")]
    if not arrangement.rules.filter(categories=category).exists():
        return [("category", _("财政体制“%(arrangement)s”没有“%(category)s”这一收入科目，不能登记；如需纳入，请先调整财政体制。"),
                 {"arrangement": arrangement.name, "category": category.name}, "category_not_in_arrangement")]
    return []


@transaction.atomic
def revenue_record_create(*, town, month, category, collecting_body: str, amount, actor=None) -> RevenueRecord:
    """Record a month's revenue of one category in a town. Refused, writing nothing: an amount
    that is not a number, has three decimals or is not positive (a correction is a reversal),
    a closed month, a category the arrangement in force does not know."""
    amount = r.parse_money(amount)
    month = r.parse_month(month)
    category = category if isinstance(category, RevenueCategory) else RevenueCategory.objects.filter(
        code=category).first()
    for field, template, params, code in revenue_problems(town=town, month=month, category=category, amount=amount):
        _refuse(str(template) % params if params else str(template), code, field)
    return save_validated(RevenueRecord(
        town=town, month=month, category=category, collecting_body=collecting_body, amount=amount,
    ), actor)


def _reverse(record, *, reason: str, actor, copy: dict):
    reason = require_reason(reason)
    model = type(record)
    record = model.objects.select_for_update().get(pk=record.pk)
    if record.reverses_id is not None:
        raise ConflictError(gettext("这是一条冲销记录，不能再冲销；请重新登记正确的数据。"), code="reverse_a_reversal")
    if model.objects.filter(reverses=record).exists():
        raise ConflictError(gettext("该记录已被冲销。"), code="already_reversed")
    _check_month(record.town, record.month)
    return save_validated(model(town=record.town, month=record.month, reverses=record, reason=reason, **copy), actor)


@transaction.atomic
def revenue_record_reverse(*, record: RevenueRecord, reason: str, actor=None) -> RevenueRecord:
    """Reverse a revenue record (红字冲销): a record of the opposite amount, linked to it."""
    return _reverse(record, reason=reason, actor=actor, copy={
        "category_id": record.category_id, "collecting_body": record.collecting_body, "amount": -record.amount,
    })


@transaction.atomic
def reclamation_record_create(*, town, month, area_mu, project: str, basis: str = "", actor=None) -> ReclamationRecord:
    """Record farmland newly made in a month (mu): the base of the per-mu subsidy. ``basis``: the
    row it rests on ("landuse.reclamation_acceptance:7"), kept in the record's history context."""
    area = r.parse_area(area_mu)
    month = r.parse_month(month)
    if area <= 0:
        _refuse(gettext("新增耕地面积须大于零；更正请冲销原记录。"), "area_not_positive", "area_mu")
    _check_month(town, month)
    arrangement = _arrangement_for(town, month)
    if not arrangement.rules.filter(kind=RuleKind.PER_MU).exists():
        _refuse(gettext("财政体制“%(arrangement)s”没有复垦补助规则。") % {"arrangement": arrangement.name},
                "no_per_mu_rule", "area_mu")
    with actor_context(actor, **({"basis": basis} if basis else {})):
        return save_validated(ReclamationRecord(town=town, month=month, area_mu=area, project=project), actor)


@transaction.atomic
def reclamation_record_reverse(*, record: ReclamationRecord, reason: str, actor=None) -> ReclamationRecord:
    return _reverse(record, reason=reason, actor=actor, copy={"area_mu": -record.area_mu, "project": record.project})


