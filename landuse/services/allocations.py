"""Quota moving down the hierarchy (allocation, set-aside, cross-county transfer, their
reversal), the quota a town gains after acceptance, and closing a quota year."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from core.errors import ConflictError
from core.history import actor_context
from core.ledger.services import posting_create
from core.ledger.services import posting_reverse as ledger_reverse
from core.services import require_reason, save_validated
from regions.choices import Level, Role
from regions.models import Division
from regions.selectors import is_pilot_town

from .. import rules
from ..choices import (
    LEDGER,
    GainKind,
    MovementKind,
    Pool,
    ProjectStatus,
)
from ..models import (
    Allocation,
    ClosedYear,
    Project,
    QuotaAccount,
    QuotaGain,
)
from .base import (
    _check_available,
    _check_year_open,
    _ledger_account,
    _lock,
    _refuse,
    _require_in_scope,
    _require_role,
    _today,
    quota_account_open,
)

# --- allocations ---------------------------------------------------------------------------------

# Quota short for a movement: the kind's own sentence (%(need)s, %(over)s). ISSUE takes from the plan.
SHORTFALLS = {MovementKind.ALLOCATE: gettext_lazy("本次逐级下达需 %(need)s亩，超出 %(over)s亩。"),
              MovementKind.SET_ASIDE: gettext_lazy("本次切块安排需 %(need)s亩，超出 %(over)s亩。"),
              MovementKind.TRANSFER: gettext_lazy("本次跨县调剂需 %(need)s亩，超出 %(over)s亩。")}


def _is_pilot(town: Division) -> bool:
    return Division.objects.filter(pk=town.pk).filter(is_pilot_town()).exists()


def _validate_movement(kind: str, source: Division | None, target: Division, source_pool: str, target_pool: str):
    if kind == MovementKind.ISSUE:
        if target.level != Level.PROVINCE or target_pool != Pool.GENERAL:
            _refuse(gettext("国家下达的计划指标只能记入省的一般指标。"), "movement_bad_target", "target")
        return
    if source is None:
        _refuse(gettext("请选择调出指标的区划。"), "movement_no_source", "source")
    if kind == MovementKind.ALLOCATE:
        if target.parent_id != source.pk:
            _refuse(gettext("指标只能逐级下达：%(target)s不是%(source)s的直接下级。") % {
                "target": target.name, "source": source.name}, "movement_not_child", "target")
        if source_pool == Pool.COMMERCIAL:
            _refuse(gettext("招拍挂经营性用地指标只能由本级经营性用地项目使用，不能下达。"), "movement_bad_pool", "source_pool")
        if source_pool == Pool.PILOT and not (target.level == Level.TOWN and _is_pilot(target)):
            _refuse(gettext("试点镇专项指标只能下达给试点镇，%(target)s不是试点镇。") % {"target": target.name},
                    "movement_not_pilot", "target")
        if target_pool != Pool.GENERAL:
            _refuse(gettext("下达的指标记入下级的一般指标。"), "movement_bad_pool", "target_pool")
    elif kind == MovementKind.SET_ASIDE:
        if target.pk != source.pk:
            _refuse(gettext("切块安排在同一区划内进行。"), "movement_not_same", "target")
        if source_pool != Pool.GENERAL or target_pool == Pool.GENERAL:
            _refuse(gettext("切块安排从一般指标中划出试点镇专项或招拍挂经营性用地指标。"), "movement_bad_pool", "target_pool")
        if target_pool == Pool.PILOT and source.level not in (Level.CITY, Level.COUNTY, Level.PROVINCE):
            _refuse(gettext("试点镇专项指标由县（市）安排。"), "movement_bad_pool", "target_pool")
    elif kind == MovementKind.TRANSFER:
        if source.level != Level.COUNTY or target.level != Level.COUNTY or source.pk == target.pk:
            _refuse(gettext("跨县调剂在两个不同的县之间进行。"), "movement_not_counties", "target")
        if source_pool != Pool.GENERAL or target_pool != Pool.GENERAL:
            _refuse(gettext("跨县调剂只调剂一般指标。"), "movement_bad_pool", "source_pool")
    else:
        _refuse(gettext("未知的指标调整类型“%(kind)s”。") % {"kind": kind}, "movement_bad_kind", "kind")


@transaction.atomic
def allocation_create(
    *, kind: str, year: int, target: Division, amount_mu, source: Division | None = None,
    source_pool: str = Pool.GENERAL, target_pool: str = Pool.GENERAL, document_number: str = "",
    allocated_on: datetime.date | None = None, memo: str = "", actor=None,
) -> Allocation:
    """Move quota of ``year``: issue it into a province (``source`` None), allocate it from a
    division to one directly below, set part of a division's general quota aside (pilot towns,
    招拍挂), or transfer it between counties. The giving division's office records it; a division
    never gives more than it has available, refused with its figures."""
    year = rules.parse_year(year)
    amount = rules.parse_mu(amount_mu, field="amount_mu", label=gettext("下达指标"))
    allocated_on = allocated_on or _today()
    if allocated_on > _today():
        _refuse(gettext("下达日期不能晚于今天。"), "future_date", "allocated_on")
    _validate_movement(kind, source, target, source_pool, target_pool)
    giver = target if source is None else source
    _require_role(actor, giver if kind != MovementKind.ISSUE else target, (Role.OFFICE, Role.SUPERIOR),
                  gettext("只有%(who)s才能下达或调剂本级的用地指标。"))
    _check_year_open(giver, year)
    _check_year_open(target, year)
    with actor_context(actor):
        target_qa = quota_account_open(division=target, year=year, pool=target_pool, actor=actor)
        if kind == MovementKind.ISSUE:
            from_account = _ledger_account(target, year, "source", "source", "国家下达计划", actor)
            source_qa = None
            _lock([from_account.pk, target_qa.account_id])
        else:
            source_qa = QuotaAccount.objects.filter(division=source, year=year, pool=source_pool).first()
            if source_qa is None:
                _refuse(gettext("%(source)s %(year)s年度尚无%(pool)s，不能下达。") % {
                    "source": source.name, "year": year, "pool": Pool(source_pool).label}, "quota_insufficient",
                    "amount_mu")
            from_account = source_qa.account
            _lock([from_account.pk, target_qa.account_id])
            _check_available(source_qa, amount, SHORTFALLS[kind], "amount_mu")
        key = f"allocation:{kind}:{year}:{uuid.uuid4().hex}"
        posting = posting_create(
            ledger=LEDGER, kind=kind, legs=[(from_account, -amount), (target_qa.account, amount)],
            idempotency_key=key, booked_on=allocated_on, actor=actor,
            memo=f"{MovementKind(kind).label} {document_number}".strip(),
        )
        return save_validated(Allocation(
            kind=kind, year=year, source=source_qa, target=target_qa, amount_mu=amount,
            document_number=document_number, allocated_on=allocated_on, memo=memo, posting=posting,
        ), actor)


@transaction.atomic
def allocation_reverse(*, allocation: Allocation, reason: str, actor=None) -> Allocation:
    """Reverse a movement (red-letter correction): the receiver gives the quota back, if it still
    has it available; the movement stays, marked reversed."""
    reason = require_reason(reason)
    allocation = Allocation.objects.select_for_update(of=("self",)).select_related("target__division", "source__division").get(
        pk=allocation.pk)
    if allocation.reversal_posting_id:
        _refuse(gettext("该指标下达已冲销。"), "allocation_reversed", cls=ConflictError)
    giver = allocation.source.division if allocation.source_id else allocation.target.division
    _require_role(actor, giver, (Role.OFFICE, Role.SUPERIOR), gettext("只有%(who)s才能冲销本级下达的用地指标。"))
    _check_year_open(allocation.target.division, allocation.year)
    with actor_context(actor, reason=reason):
        legs = allocation.posting.entries.values_list("account_id", flat=True)
        _lock(legs)
        _check_available(allocation.target, allocation.amount_mu,
                         gettext("冲销需收回 %(need)s亩，超出 %(over)s亩。"), "reason")
        allocation.reversal_posting = ledger_reverse(posting=allocation.posting, reason=reason, actor=actor)
        allocation.reversal_reason = reason
        return save_validated(allocation, actor)


# --- gains -----------------------------------------------------------------------------------------

@transaction.atomic
def quota_gain(
    *, town: Division, year: int, kind: str, amount_mu, accepted_on: datetime.date, basis: str,
    source_key: str, document_number: str = "", actor=None,
) -> QuotaGain:
    """Add quota a town gained, after acceptance (验收): land consolidation, reclamation, or
    rural construction land returned to farming under linkage (增减挂钩). The quota is kept by the
    town (its general pool of ``year``). ``source_key`` names the acceptance ("reclamation:12");
    a second call with the same key returns the first gain and adds nothing.

    Called by the reclamation service (l2) and by the gain form and API.
    """
    existing = QuotaGain.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    if not source_key:
        _refuse(gettext("缺少新增指标的来源标识。"), "gain_no_source_key", "source_key")
    year = rules.parse_year(year)
    amount = rules.parse_mu(amount_mu, field="amount_mu", label=gettext("新增指标"))
    if kind not in GainKind.values:
        _refuse(gettext("未知的新增指标来源“%(kind)s”。") % {"kind": kind}, "gain_bad_kind", "kind")
    if town.level != Level.TOWN:
        _refuse(gettext("新增指标归镇所有：%(name)s不是镇。") % {"name": town.name}, "gain_not_town", "town")
    if accepted_on is None or accepted_on > _today():
        _refuse(gettext("请填写不晚于今天的验收日期。"), "gain_bad_date", "accepted_on")
    if not (basis or "").strip():
        _refuse(gettext("请填写新增指标的依据（验收的项目或地块）。"), "gain_no_basis", "basis")
    _require_in_scope(actor, town, "town")
    _check_year_open(town, year)
    with actor_context(actor):
        qa = quota_account_open(division=town, year=year, pool=Pool.GENERAL, actor=actor)
        source = _ledger_account(town, year, "gain_source", "gain", "新增指标来源", actor)
        posting = posting_create(
            ledger=LEDGER, kind="gain", legs=[(source, -amount), (qa.account, amount)],
            idempotency_key=f"gain:{source_key}", booked_on=accepted_on, actor=actor,
            memo=f"{GainKind(kind).label} {basis.strip()}"[:500],
        )
        return save_validated(QuotaGain(
            town=town, year=year, kind=kind, amount_mu=amount, accepted_on=accepted_on,
            document_number=document_number, basis=basis.strip(), source_key=source_key, posting=posting,
        ), actor)


# --- years -----------------------------------------------------------------------------------------

@transaction.atomic
def quota_year_close(*, division: Division, year: int, closed_on: datetime.date | None = None,
                     document_number: str = "", actor=None) -> ClosedYear:
    """Close a quota year for a division and everything below it; closing it again returns it."""
    year = rules.parse_year(year)
    _require_role(actor, division, (Role.OFFICE,), gettext("只有%(who)s才能关闭指标年度。"))
    existing = ClosedYear.objects.filter(division=division, year=year).first()
    if existing is not None:
        return existing
    if year >= _today().year:
        _refuse(gettext("%(year)s年度尚未结束，不能关闭。") % {"year": year}, "year_not_ended", "year")
    if Project.objects.filter(town__path__startswith=division.path, year=year,
                              status=ProjectStatus.UNDER_REVIEW).exists():
        _refuse(gettext("%(year)s年度仍有报批中的项目，请先审批或撤回。") % {"year": year}, "year_has_reservations", "year")
    return save_validated(ClosedYear(division=division, year=year, closed_on=closed_on or _today(),
                                     document_number=document_number), actor)
