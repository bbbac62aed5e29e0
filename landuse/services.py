"""Every write of landuse's quota (DOMAIN.md §5). Keyword-only, one transaction each, attributed.

- ``allocation_create``: quota issued into a province, allocated down the hierarchy, set aside
  within a division (the pilot towns' share, the 招拍挂 part), transferred across counties;
  ``allocation_reverse`` corrects one (the quota goes back if the receiver still has it);
- ``quota_gain``: quota a town gains after acceptance (consolidation, reclamation, linkage),
  idempotent on its ``source_key`` (reclamation, l2, calls it);
- projects: ``project_create`` / ``project_update`` (while registered), ``project_submit``
  (reserves its quota: a pending posting that lapses on its expiry date), ``project_approve``
  (posts it), ``project_reject`` / ``project_withdraw`` (void it), ``project_draw`` (a project
  approved on record: its quota drawn at once), ``reservations_lapse_due`` (the daily job);
- ``quota_year_close``: a division closes a quota year; nothing of that year is recorded after.

Never below zero: every movement out of an account locks the balance rows it touches (in account
order, the ledger's own order) and refuses, with the numbers, anything above what is available
(balance minus reservations); the ledger checks again behind it and the database's CHECK holds
the same rule (core.ledger).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.deadlines import DeadlineRule
from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.ledger.models import Balance, Posting
from core.ledger.services import account_open, pending_expire_due, pending_post, pending_void, posting_create
from core.ledger.services import posting_reverse as ledger_reverse
from core.services import require_reason, save_validated
from regions import scoping
from regions.choices import Level, Role
from regions.models import Division
from regions.selectors import is_pilot_town

from . import rules
from .choices import LEDGER, GainKind, MovementKind, Pool, ProjectKind, ProjectStatus
from .models import Allocation, ClosedYear, Project, QuotaAccount, QuotaGain
from .selectors import Figures, account_figures, qualifying_waiting, year_closed

# Tests turn this off to show what the lock is for (tests/test_concurrency.py); never in production.
LOCK_ACCOUNTS = True
# How long a project's reservation holds its quota while it is under review (core.deadlines):
# six months from the day it was submitted, then it lapses unless approved.
RESERVATION_PERIOD = DeadlineRule.parse("6M")
# Who takes each step of a project: the town's clerk submits and withdraws, the county office
# decides (the pages and the API check the same, before the project's state).
STEP_ROLES = {"submit": (Role.OFFICE, Role.CLERK), "withdraw": (Role.OFFICE, Role.CLERK),
              "approve": (Role.OFFICE,), "reject": (Role.OFFICE,), "draw": (Role.OFFICE,)}


def _today() -> datetime.date:
    return timezone.localdate()


def _refuse(message: str, code: str, field: str | None = None, cls=ApplicationError):
    raise cls(message, code=code, extra={field: [message]} if field else None)


def _fmt(mu: Decimal) -> str:
    return f"{Decimal(mu).quantize(rules.MU_QUANTUM):,}"


def _require_role(actor, division: Division, roles: tuple[str, ...], what: str) -> None:
    """``actor`` (None: the system) holds one of ``roles`` over ``division``; else 403."""
    if actor is None or (getattr(actor, "is_superuser", False) and actor.is_active):
        return
    if not any(g.role in roles and division.path.startswith(g.path) for g in scoping.grants(actor)):
        raise PermissionDenied(gettext("只有%(who)s才能%(what)s。") % {
            "who": gettext("、").join(str(Role(r).label) for r in roles), "what": what})


require_role = _require_role


def _require_in_scope(actor, division: Division, field: str) -> None:
    """A write about a division outside the actor's jurisdiction is refused in words, writing nothing."""
    if actor is None or (getattr(actor, "is_superuser", False) and actor.is_active):
        return
    if not any(division.path.startswith(g.path) for g in scoping.grants(actor)):
        _refuse(gettext("“%(name)s”不在您的管辖范围内。") % {"name": division.name}, "out_of_jurisdiction", field)


def _check_year_open(division: Division, year: int, field: str = "year") -> None:
    closed = year_closed(division, year)
    if closed is not None:
        _refuse(gettext("%(division)s %(year)s年度的用地指标已于 %(date)s 关闭，不能再记入该年度。") % {
            "division": closed.division.name, "year": year, "date": f"{closed.closed_on:%Y-%m-%d}"},
            "year_closed", field)


# --- accounts ------------------------------------------------------------------------------------

def _ledger_account(division: Division, year: int, kind: str, code: str, name: str, actor):
    return account_open(ledger=LEDGER, kind=kind, owner=division, code=f"{code}:{year}",
                        name=f"{division.name}{year}年{name}", actor=actor)


@transaction.atomic
def quota_account_open(*, division: Division, year: int, pool: str = Pool.GENERAL, actor=None) -> QuotaAccount:
    """The division's account of the year and pool, opened the first time quota moves into it."""
    existing = QuotaAccount.objects.filter(division=division, year=year, pool=pool).first()
    if existing is not None:
        return existing
    label = str(Pool(pool).label)
    account = _ledger_account(division, year, "quota", pool, label, actor)
    return save_validated(QuotaAccount(division=division, year=year, pool=pool, account=account), actor)


def _used_account(town: Division, year: int, actor):
    return _ledger_account(town, year, "used", "used", "已用指标", actor)


def _lock(account_ids) -> None:
    """The balance rows a posting touches, locked in account order (the ledger's order), so the
    figures read next are the truth until this transaction ends."""
    if LOCK_ACCOUNTS:
        list(Balance.objects.select_for_update().filter(account_id__in=sorted(set(account_ids)))
             .order_by("account_id").values_list("account_id", flat=True))


def _check_available(qa: QuotaAccount, need: Decimal, what: str, field: str) -> Figures:
    """Refuse, with the numbers, taking ``need`` from ``qa`` beyond what is available."""
    f = account_figures([qa])[qa.pk]
    if need > f.available:
        _refuse(gettext(
            "%(account)s可用指标不足：已收到 %(received)s亩，新增 %(gained)s亩，已下达 %(given)s亩，已使用 %(used)s亩，"
            "预留 %(reserved)s亩，可用 %(available)s亩；%(what)s需 %(need)s亩，超出 %(over)s亩。") % {
            "account": qa, "received": _fmt(f.received), "gained": _fmt(f.gained), "given": _fmt(f.given),
            "used": _fmt(f.used), "reserved": _fmt(f.reserved), "available": _fmt(f.available), "what": what,
            "need": _fmt(need), "over": _fmt(need - f.available)}, "quota_insufficient", field)
    return f


# --- allocations ---------------------------------------------------------------------------------

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
                  gettext("下达或调剂本级的用地指标"))
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
            _check_available(source_qa, amount, gettext("本次%(kind)s") % {"kind": MovementKind(kind).label},
                             "amount_mu")
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
    _require_role(actor, giver, (Role.OFFICE, Role.SUPERIOR), gettext("冲销本级下达的用地指标"))
    _check_year_open(allocation.target.division, allocation.year)
    with actor_context(actor, reason=reason):
        legs = allocation.posting.entries.values_list("account_id", flat=True)
        _lock(legs)
        _check_available(allocation.target, allocation.amount_mu, gettext("冲销"), "reason")
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


# --- projects --------------------------------------------------------------------------------------

PROJECT_FIELDS = ("name", "kind", "year", "area_mu", "quota_mu", "farmland_mu", "in_industrial_zone",
                  "outside_zone_reason", "qualifying", "priority_reason", "application_document")


def _project_values(fields: dict) -> dict:
    values = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    if "year" in values:
        values["year"] = rules.parse_year(values["year"])
    for name, label, zero in (("area_mu", gettext("用地面积"), False), ("quota_mu", gettext("使用指标"), False),
                              ("farmland_mu", gettext("占用耕地"), True)):
        if name in values:
            values[name] = rules.parse_mu(values[name], field=name, label=label, allow_zero=zero)
    for name in ("outside_zone_reason", "priority_reason", "name", "application_document"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


@transaction.atomic
def project_create(*, town: Division, actor=None, **fields) -> Project:
    """Register a project that uses construction land in a town (status 登记); nothing reserved yet."""
    if town.level != Level.TOWN:
        _refuse(gettext("用地项目应登记在镇：%(name)s不是镇。") % {"name": town.name}, "project_not_town", "town")
    _require_in_scope(actor, town, "town")
    values = _project_values(fields)
    values.setdefault("year", _today().year)
    _check_year_open(town, values["year"])
    return save_validated(Project(town=town, **values), actor)


@transaction.atomic
def project_update(*, project: Project, actor=None, **fields) -> Project:
    """Change a registered project (before it is submitted, or after its reservation lapsed)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.LAPSED):
        _refuse(gettext("项目“%(name)s”已%(status)s，不能再修改。") % {
            "name": project, "status": project.get_status_display()}, "project_not_editable", cls=ConflictError)
    for name, value in _project_values(fields).items():
        setattr(project, name, value)
    return save_validated(project, actor)


def _locked_project(project: Project, step: str, actor, roles: tuple[str, ...], what: str) -> Project:
    """The project, locked; the actor's role checked first (403), then the step against its state."""
    project = Project.objects.select_for_update(of=("self",)).select_related("town").get(pk=project.pk)
    _require_role(actor, project.town, roles, what)
    if not ProjectStatus.allows(step, project.status):
        declared = ProjectStatus.transition(step)
        _refuse(gettext("项目“%(name)s”当前状态为%(status)s，只有%(allowed)s的项目才能进行此操作。") % {
            "name": project, "status": project.get_status_display(),
            "allowed": gettext("、").join(ProjectStatus.label_of(s) for s in declared.source)},
            "project_bad_state", cls=ConflictError)
    return project


def _quota_for(project: Project, actor, what: str) -> tuple[QuotaAccount, object]:
    """The town's account the project draws from, locked, with the priority rule checked: quota is
    not given to a project while qualifying projects of the year wait for it."""
    _check_year_open(project.town, project.year)
    qa = QuotaAccount.objects.filter(division=project.town, year=project.year, pool=project.pool).first()
    if qa is None:
        _refuse(gettext("%(town)s %(year)s年度尚无%(pool)s，不能%(what)s。") % {
            "town": project.town.name, "year": project.year, "pool": Pool(project.pool).label, "what": what},
            "quota_insufficient", "quota_mu")
    used = _used_account(project.town, project.year, actor)
    _lock([qa.account_id, used.pk])
    figures = _check_available(qa, project.quota_mu, gettext("项目“%(name)s”") % {"name": project.name}, "quota_mu")
    if not project.qualifying:
        count, waiting = qualifying_waiting(town=project.town, year=project.year, pool=project.pool,
                                            exclude_pk=project.pk)
        if count and figures.available - project.quota_mu < waiting:
            _refuse(gettext(
                "符合优先条件的项目优先安排指标：%(town)s %(year)s年度可用 %(available)s亩，%(count)s个优先项目尚待使用 "
                "%(waiting)s亩，本项目需 %(need)s亩。请先安排优先项目。") % {
                "town": project.town.name, "year": project.year, "available": _fmt(figures.available),
                "count": count, "waiting": _fmt(waiting), "need": _fmt(project.quota_mu)},
                "quota_priority", "quota_mu")
    return qa, used


def _attempt(project: Project, step: str) -> int:
    prefix = f"project:{project.pk}:{step}:"
    return Posting.objects.filter(ledger=LEDGER, idempotency_key__startswith=prefix).count() + 1


@transaction.atomic
def project_submit(*, project: Project, actor=None, applied_on: datetime.date | None = None,
                   application_document: str = "") -> Project:
    """Submit a project for approval: its quota is reserved (a pending posting) until approval,
    rejection, withdrawal or the end of the reservation period (six months, core.deadlines)."""
    project = _locked_project(project, "submit", actor, STEP_ROLES["submit"], gettext("报批用地项目"))
    today = _today()
    applied_on = applied_on or today
    if applied_on > today:
        _refuse(gettext("报批日期不能晚于今天。"), "future_date", "applied_on")
    due = RESERVATION_PERIOD.due_provisional(applied_on)
    if due.date < today:
        _refuse(gettext("报批日期 %(date)s 的预留期（%(period)s）已于 %(due)s 届满，请按实际报批日期填写。") % {
            "date": f"{applied_on:%Y-%m-%d}", "period": RESERVATION_PERIOD, "due": f"{due.date:%Y-%m-%d}"},
            "reservation_past", "applied_on")
    with actor_context(actor):
        qa, used = _quota_for(project, actor, gettext("预留"))
        posting = posting_create(
            ledger=LEDGER, kind="reserve", pending=True, expires_on=due.date,
            legs=[(qa.account, -project.quota_mu), (used, project.quota_mu)],
            idempotency_key=f"project:{project.pk}:reserve:{_attempt(project, 'reserve')}", actor=actor,
            memo=gettext("项目预留：%(name)s") % {"name": project.name},
        )
        project.status = ProjectStatus.UNDER_REVIEW
        project.reservation = posting
        project.reservation_expires_on = due.date
        project.reservation_provisional = due.provisional
        project.applied_on = applied_on
        if application_document:
            project.application_document = application_document.strip()
        project.status_reason = ""
        return save_validated(project, actor)


def _approval(approval_document: str, approved_on: datetime.date | None, applied_on=None):
    document = (approval_document or "").strip()
    if not document:
        _refuse(gettext("请填写批准文号。"), "approval_document_required", "approval_document")
    approved_on = approved_on or _today()
    if approved_on > _today():
        _refuse(gettext("批准日期不能晚于今天。"), "future_date", "approved_on")
    if applied_on and approved_on < applied_on:
        _refuse(gettext("批准日期不能早于报批日期（%(date)s）。") % {"date": f"{applied_on:%Y-%m-%d}"},
                "approved_before_applied", "approved_on")
    return document, approved_on


@transaction.atomic
def project_approve(*, project: Project, approval_document: str, approved_on: datetime.date | None = None,
                    actor=None) -> Project:
    """Approve a project under review: its reservation is posted (the quota is used)."""
    project = _locked_project(project, "approve", actor, STEP_ROLES["approve"], gettext("批准用地项目"))
    document, approved_on = _approval(approval_document, approved_on, project.applied_on)
    _check_year_open(project.town, project.year)
    with actor_context(actor):
        if project.reservation_expires_on and project.reservation_expires_on < _today():
            _refuse(gettext("项目“%(name)s”的指标预留已于 %(date)s 到期，请重新报批。") % {
                "name": project, "date": f"{project.reservation_expires_on:%Y-%m-%d}"}, "reservation_expired",
                cls=ConflictError)
        project.draw = pending_post(pending=project.reservation, actor=actor,
                                    memo=gettext("项目批准：%(doc)s") % {"doc": document})
        project.status = ProjectStatus.APPROVED
        project.approval_document, project.approved_on = document, approved_on
        return save_validated(project, actor)


def _void(project: Project, actor, reason: str, status: str) -> Project:
    with actor_context(actor, reason=reason):
        if project.reservation_id and project.status == ProjectStatus.UNDER_REVIEW:
            pending_void(pending=project.reservation, actor=actor, memo=reason[:500])
        project.status = status
        project.status_reason = reason
        return save_validated(project, actor)


@transaction.atomic
def project_reject(*, project: Project, reason: str, actor=None) -> Project:
    """Refuse a project under review: its reservation is voided, the quota available again."""
    reason = require_reason(reason)
    project = _locked_project(project, "reject", actor, STEP_ROLES["reject"], gettext("退回用地项目"))
    return _void(project, actor, reason, ProjectStatus.REJECTED)


@transaction.atomic
def project_withdraw(*, project: Project, reason: str, actor=None) -> Project:
    """Withdraw a project (registered or under review); a reservation is voided."""
    reason = require_reason(reason)
    project = _locked_project(project, "withdraw", actor, STEP_ROLES["withdraw"], gettext("撤回用地项目"))
    return _void(project, actor, reason, ProjectStatus.WITHDRAWN)


@transaction.atomic
def project_draw(*, project: Project, approval_document: str, approved_on: datetime.date | None = None,
                 actor=None) -> Project:
    """Record a project approved outside the reservation step (批准后补录): its quota is drawn at once,
    refused with the numbers when it exceeds what is available."""
    project = _locked_project(project, "draw", actor, STEP_ROLES["draw"], gettext("登记已批准的用地项目"))
    document, approved_on = _approval(approval_document, approved_on, project.applied_on)
    with actor_context(actor):
        qa, used = _quota_for(project, actor, gettext("使用"))
        project.draw = posting_create(
            ledger=LEDGER, kind="draw", legs=[(qa.account, -project.quota_mu), (used, project.quota_mu)],
            idempotency_key=f"project:{project.pk}:draw:1", actor=actor, booked_on=approved_on,
            memo=gettext("项目用地：%(name)s %(doc)s") % {"name": project.name, "doc": document},
        )
        project.status = ProjectStatus.APPROVED
        project.approval_document, project.approved_on = document, approved_on
        project.applied_on = project.applied_on or approved_on
        return save_validated(project, actor)


def reservations_lapse_due(*, today: datetime.date | None = None) -> int:
    """The daily job: reservations past their expiry date are released on the ledger and their
    projects marked lapsed. Safe to run twice (and beside the ledger's own expiry job): a
    reservation is released once, a project lapses once; the second run changes nothing."""
    today = today or _today()
    pending_expire_due(today=today)
    due = list(Project.objects.filter(status=ProjectStatus.UNDER_REVIEW, reservation_expires_on__lt=today)
               .values_list("pk", flat=True))
    lapsed = 0
    for pk in due:
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=pk)
            if project.status != ProjectStatus.UNDER_REVIEW:
                continue
            resolution = Posting.objects.filter(resolves_id=project.reservation_id).first()
            if resolution is None or resolution.type != "expire":
                continue  # the ledger did not expire it (posted or voided meanwhile)
            with actor_context(None, reason="reservation_lapsed"):
                project.status = ProjectStatus.LAPSED
                project.status_reason = gettext("指标预留已于 %(date)s 到期。") % {
                    "date": f"{project.reservation_expires_on:%Y-%m-%d}"}
                save_validated(project, None)
            lapsed += 1
    return lapsed


# --- years -----------------------------------------------------------------------------------------

@transaction.atomic
def quota_year_close(*, division: Division, year: int, closed_on: datetime.date | None = None,
                     document_number: str = "", actor=None) -> ClosedYear:
    """Close a quota year for a division and everything below it; closing it again returns it."""
    year = rules.parse_year(year)
    _require_role(actor, division, (Role.OFFICE,), gettext("关闭指标年度"))
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


__all__ = [
    "GainKind", "MovementKind", "Pool", "ProjectKind", "allocation_create", "allocation_reverse", "project_approve",
    "project_create", "project_draw", "project_reject", "project_submit", "project_update", "project_withdraw",
    "quota_account_open", "quota_gain", "quota_year_close", "reservations_lapse_due",
]


# --- farmland balance and reclamation (l2) --------------------------------------------------------
# A reclamation is registered while pending; the county office accepts it (验收) or refuses it.
# Accepting writes, in one transaction: the quota gain of the town (quota_gain), finance's
# reclamation record (the base of the per-mu subsidy, with this acceptance as its basis), the
# month's entitlements recomputed in finance (the subsidy posted to the finance ledger), and the
# acceptance row, one per reclamation. The reclamation's row is locked first, so a second
# acceptance waits and is refused; if the lock were ever bypassed, the acceptance's unique
# reclamation, finance's one-to-one record and the gain's unique source key refuse it in the database.
from django.db import IntegrityError  # noqa: E402 - l2's block keeps its imports with it

from finance import selectors as finance_selectors  # noqa: E402
from finance import services as finance_services  # noqa: E402
from finance.choices import RuleKind  # noqa: E402

from .choices import BalancingSource, ReclamationKind, ReclamationStatus  # noqa: E402
from .models import ZERO_MU, FarmlandBalancing, Reclamation, ReclamationAcceptance  # noqa: E402
from .selectors import farmland_balance  # noqa: E402

YUAN = Decimal("0.01")


def _require_office(actor, town) -> None:
    """Acceptance and county balancing are the county office's (领导小组办公室) word, not the
    town's: 403 for anyone else. ``actor=None`` is the system (demo data, commands)."""
    _require_role(actor, town, (Role.OFFICE,), gettext("办理复垦验收和占补平衡统筹"))


def _not_future(day, field: str, label: str):
    if day > timezone.localdate():
        raise ApplicationError(gettext("%(label)s不能晚于今天。") % {"label": label}, code="future_date",
                               extra={field: [gettext("%(label)s不能晚于今天。") % {"label": label}]})


@transaction.atomic
def reclamation_create(*, town, name: str, kind: str, area_mu, applied_on, location: str = "",
                       actor=None) -> Reclamation:
    """Register a reclamation project of ``town`` waiting for acceptance (待验收)."""
    if getattr(town, "level", None) != Level.TOWN:
        raise ApplicationError(gettext("复垦项目按镇登记。"), code="not_a_town", extra={"town": [gettext("请选择镇。")]})
    _require_in_scope(actor, town, "town")
    area = rules.parse_mu(area_mu, field="area_mu", label=gettext("申报新增耕地面积"))
    _not_future(applied_on, "applied_on", gettext("申请验收日期"))
    return save_validated(Reclamation(town=town, name=name.strip(), kind=kind, location=location.strip(),
                                      area_mu=area, applied_on=applied_on), actor)


def _subsidy(town, month, area) -> Decimal:
    """The per-mu subsidy the town's fiscal arrangement gives for ``area`` (5,000 yuan per mu)."""
    arrangement = finance_selectors.arrangement_in_force(town=town, month=month)
    rule = arrangement.rules.filter(kind=RuleKind.PER_MU).first() if arrangement else None
    return (area * rule.per_mu_amount).quantize(YUAN) if rule else Decimal("0.00")


@transaction.atomic
def reclamation_accept(*, reclamation: Reclamation, accepted_on, document_number: str, area_mu=None,
                       actor=None) -> Reclamation:
    """Accept a reclamation (验收): the town gains the accepted area as quota, finance records it as
    new farmland (the subsidy, 5,000 yuan per mu, posted with the month's entitlements). Once: a
    second acceptance, concurrent or later, is refused and adds nothing."""
    reclamation = Reclamation.objects.select_for_update(of=("self",)).select_related("town").get(pk=reclamation.pk)
    town = reclamation.town
    _require_office(actor, town)
    done = ReclamationAcceptance.objects.filter(reclamation=reclamation).first()
    if done is not None:
        raise ConflictError(gettext("“%(name)s”已于%(day)s验收（%(number)s），新增指标和复垦补助已入账，不会重复。")
                            % {"name": reclamation.name, "day": f"{done.accepted_on:%Y-%m-%d}",
                               "number": done.document_number}, code="reclamation_already_accepted")
    if reclamation.status != ReclamationStatus.PENDING:
        raise ConflictError(gettext("“%(name)s”当前状态为%(status)s，只有待验收的复垦项目才能验收。")
                            % {"name": reclamation.name, "status": reclamation.get_status_display()},
                            code="reclamation_not_pending")
    document_number = (document_number or "").strip()
    if not document_number:
        raise ApplicationError(gettext("请填写验收文号。"), code="required",
                               extra={"document_number": [gettext("请填写验收文号。")]})
    _not_future(accepted_on, "accepted_on", gettext("验收日期"))
    if accepted_on < reclamation.applied_on:
        message = gettext("验收日期不能早于申请验收日期（%(day)s）。") % {"day": f"{reclamation.applied_on:%Y-%m-%d}"}
        raise ApplicationError(message, code="accepted_before_applied", extra={"accepted_on": [message]})
    area = reclamation.area_mu if area_mu in (None, "") else rules.parse_mu(
        area_mu, field="area_mu", label=gettext("核定新增耕地面积"))
    if area > reclamation.area_mu:
        message = gettext("核定面积（%(area)s亩）不能大于申报面积（%(applied)s亩）。") % {
            "area": area, "applied": reclamation.area_mu}
        raise ApplicationError(message, code="accepted_over_applied", extra={"area_mu": [message]})
    kind = GainKind.CONSOLIDATION if reclamation.kind == ReclamationKind.CONSOLIDATION else GainKind.RECLAMATION
    with actor_context(actor):
        gain = quota_gain(town=town, year=accepted_on.year, kind=kind, amount_mu=area, accepted_on=accepted_on,
                          document_number=document_number, basis=gettext("复垦项目“%(name)s”验收") % {
                              "name": reclamation.name}, source_key=f"reclamation:{reclamation.pk}", actor=actor)
        record = finance_services.reclamation_record_create(
            town=town, month=accepted_on, area_mu=area, project=f"{reclamation.name}（{document_number}）",
            basis=f"landuse.reclamation:{reclamation.pk}", actor=actor)
        finance_services.entitlement_compute(town=town, month=accepted_on, actor=actor)
        try:
            with transaction.atomic():
                save_validated(ReclamationAcceptance(
                    reclamation=reclamation, accepted_on=accepted_on, document_number=document_number, area_mu=area,
                    gain=gain, subsidy_record=record, subsidy_amount=_subsidy(town, accepted_on.replace(day=1), area),
                ), actor, validate_unique=False)
        except IntegrityError:  # a racing acceptance got there first (only without the row lock)
            raise ConflictError(gettext("该复垦项目已验收，不会重复。"), code="reclamation_already_accepted") from None
        reclamation.status = ReclamationStatus.ACCEPTED
        save_validated(reclamation, actor)
    return reclamation


@transaction.atomic
def reclamation_reject(*, reclamation: Reclamation, reason: str, actor=None) -> Reclamation:
    """Refuse a reclamation's acceptance (验收未通过), with the reason; nothing is gained or paid."""
    reason = require_reason(reason)
    reclamation = Reclamation.objects.select_for_update(of=("self",)).select_related("town").get(pk=reclamation.pk)
    _require_office(actor, reclamation.town)
    if reclamation.status != ReclamationStatus.PENDING:
        raise ConflictError(gettext("“%(name)s”当前状态为%(status)s，只有待验收的复垦项目才能退回。")
                            % {"name": reclamation.name, "status": reclamation.get_status_display()},
                            code="reclamation_not_pending")
    reclamation.status, reclamation.status_reason = ReclamationStatus.REJECTED, reason
    with actor_context(actor, reason=reason):
        return save_validated(reclamation, actor)


@transaction.atomic
def farmland_balancing_create(*, town, year, area_mu, source: str, document_number: str, source_town=None,
                              recorded_on=None, note: str = "", actor=None) -> FarmlandBalancing:
    """A county-level balancing entry (占补平衡县级统筹) for a town that cannot replace the farmland
    its projects occupied: from the county's reserve, another town of the county (its surplus,
    which must be there) or another county."""
    if getattr(town, "level", None) != Level.TOWN:
        raise ApplicationError(gettext("统筹平衡按镇登记。"), code="not_a_town", extra={"town": [gettext("请选择镇。")]})
    _require_office(actor, town)
    year = rules.parse_year(year)
    area = rules.parse_mu(area_mu, field="area_mu", label=gettext("统筹平衡耕地面积"))
    recorded_on = recorded_on or timezone.localdate()
    if not (document_number or "").strip():
        raise ApplicationError(gettext("请填写统筹平衡的文号。"), code="required",
                               extra={"document_number": [gettext("请填写统筹平衡的文号。")]})
    if source == BalancingSource.OTHER_TOWN:
        if source_town is None:
            raise ApplicationError(gettext("请选择调出耕地的镇。"), code="required",
                                   extra={"source_town": [gettext("请选择调出耕地的镇。")]})
        if source_town.parent_id != town.parent_id:
            message = gettext("县内调剂只能在同一县的镇之间进行；跨县请选“跨县调剂”。")
            raise ApplicationError(message, code="source_town_other_county", extra={"source_town": [message]})
        Division.objects.select_for_update().get(pk=source_town.pk)  # one writer of a town's surplus at a time
        surplus = farmland_balance(towns=[source_town], until_year=year)[source_town.pk].get(year)
        left = surplus.balance if surplus else ZERO_MU
        if area > left:
            message = gettext("%(town)s至%(year)s年末可调出的耕地为 %(left)s 亩，本次调剂 %(area)s 亩超出。") % {
                "town": source_town.name, "year": year, "left": f"{max(left, ZERO_MU):,}", "area": f"{area:,}"}
            raise ApplicationError(message, code="source_town_short", extra={"area_mu": [message]})
    else:
        source_town = None
    return save_validated(FarmlandBalancing(
        town=town, year=year, area_mu=area, source=source, source_town=source_town,
        document_number=document_number.strip(), recorded_on=recorded_on, note=note.strip()), actor)


@transaction.atomic
def farmland_balancing_reverse(*, balancing: FarmlandBalancing, reason: str, actor=None) -> FarmlandBalancing:
    """Reverse a balancing entry (红字冲销): an entry of the opposite area, linked to it."""
    reason = require_reason(reason)
    balancing = FarmlandBalancing.objects.select_for_update(of=("self",)).select_related("town").get(pk=balancing.pk)
    _require_office(actor, balancing.town)
    if balancing.reverses_id is not None:
        raise ConflictError(gettext("这是一条冲销记录，不能再冲销。"), code="reverse_a_reversal")
    if FarmlandBalancing.objects.filter(reverses=balancing).exists():
        raise ConflictError(gettext("该统筹平衡记录已被冲销。"), code="already_reversed")
    with actor_context(actor, reason=reason):
        return save_validated(FarmlandBalancing(
            town=balancing.town, year=balancing.year, area_mu=-balancing.area_mu, source=balancing.source,
            source_town=balancing.source_town, document_number=balancing.document_number,
            recorded_on=timezone.localdate(), note=balancing.note, reverses=balancing, reason=reason), actor)
# --- end of l2's block ----------------------------------------------------------------------------
