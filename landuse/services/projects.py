"""Projects that use construction land: registered, submitted (their quota reserved, a pending
posting that lapses by itself), approved (posted), rejected or withdrawn (voided), or drawn
at once when approved on record; the daily lapse of expired reservations."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from core.deadlines import DeadlineRule
from core.errors import ConflictError
from core.history import actor_context
from core.ledger.models import Posting
from core.ledger.services import pending_expire_due, pending_post, pending_void, posting_create
from core.services import require_reason, save_validated
from regions.choices import Level, Role
from regions.models import Division

from .. import rules
from ..choices import (
    LEDGER,
    Pool,
    ProjectStatus,
)
from ..models import (
    Project,
    QuotaAccount,
)
from ..selectors import qualifying_waiting
from .base import (
    _check_available,
    _check_year_open,
    _fmt,
    _lock,
    _refuse,
    _require_in_scope,
    _require_role,
    _today,
    _used_account,
)

# How long a project's reservation holds its quota while it is under review (core.deadlines):
# six months from the day it was submitted, then it lapses unless approved.
RESERVATION_PERIOD = DeadlineRule.parse("6M")
# Who takes each step of a project: the town's clerk submits and withdraws, the county office
# decides (the pages and the API check the same, before the project's state).
STEP_ROLES = {"submit": (Role.OFFICE, Role.CLERK), "withdraw": (Role.OFFICE, Role.CLERK),
              "approve": (Role.OFFICE,), "reject": (Role.OFFICE,), "draw": (Role.OFFICE,)}
# Each step's refusal without the role, one whole sentence each (%(who)s: the roles that may).
STEP_REFUSALS = {"submit": gettext_lazy("只有%(who)s才能报批用地项目。"),
                 "withdraw": gettext_lazy("只有%(who)s才能撤回用地项目。"),
                 "approve": gettext_lazy("只有%(who)s才能批准用地项目。"),
                 "reject": gettext_lazy("只有%(who)s才能退回用地项目。"),
                 "draw": gettext_lazy("只有%(who)s才能登记已批准的用地项目。")}


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


def _locked_project(project: Project, step: str, actor) -> Project:
    """The project, locked; the actor's role checked first (403), then the step against its state."""
    project = Project.objects.select_for_update(of=("self",)).select_related("town").get(pk=project.pk)
    _require_role(actor, project.town, STEP_ROLES[step], STEP_REFUSALS[step])
    if not ProjectStatus.allows(step, project.status):
        declared = ProjectStatus.transition(step)
        _refuse(gettext("项目“%(name)s”当前状态为%(status)s，只有%(allowed)s的项目才能进行此操作。") % {
            "name": project, "status": project.get_status_display(),
            "allowed": gettext("、").join(ProjectStatus.label_of(s) for s in declared.source)},
            "project_bad_state", cls=ConflictError)
    return project


def _quota_for(project: Project, actor, step: str) -> tuple[QuotaAccount, object]:
    """The town's account the project draws from, locked, with the priority rule checked: quota is
    not given to a project while qualifying projects of the year wait for it."""
    _check_year_open(project.town, project.year)
    qa = QuotaAccount.objects.filter(division=project.town, year=project.year, pool=project.pool).first()
    if qa is None:
        no_account = (gettext("%(town)s %(year)s年度尚无%(pool)s，不能预留。") if step == "submit"
                      else gettext("%(town)s %(year)s年度尚无%(pool)s，不能使用。"))
        _refuse(no_account % {"town": project.town.name, "year": project.year, "pool": Pool(project.pool).label},
                "quota_insufficient", "quota_mu")
    used = _used_account(project.town, project.year, actor)
    _lock([qa.account_id, used.pk])
    figures = _check_available(qa, project.quota_mu, gettext("项目“%(name)s”需 %(need)s亩，超出 %(over)s亩。"),
                               "quota_mu", name=project.name)
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
    project = _locked_project(project, "submit", actor)
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
        qa, used = _quota_for(project, actor, "submit")
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
        return save_validated(project, actor, validate_constraints=False)


# A step of the workflow (submit, approve, reject, withdraw, draw, lapse) changes the project's state
# and its postings, never its areas or zone: the CHECK constraints on those were validated when the
# project was registered or changed (project_create/project_update), and the database holds them on
# every write. The steps skip re-asking them (seven round trips a draw) with validate_constraints=False.


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
    project = _locked_project(project, "approve", actor)
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
        return save_validated(project, actor, validate_constraints=False)


def _void(project: Project, actor, reason: str, status: str) -> Project:
    with actor_context(actor, reason=reason):
        if project.reservation_id and project.status == ProjectStatus.UNDER_REVIEW:
            pending_void(pending=project.reservation, actor=actor, memo=reason[:500])
        project.status = status
        project.status_reason = reason
        return save_validated(project, actor, validate_constraints=False)


@transaction.atomic
def project_reject(*, project: Project, reason: str, actor=None) -> Project:
    """Refuse a project under review: its reservation is voided, the quota available again."""
    reason = require_reason(reason)
    project = _locked_project(project, "reject", actor)
    return _void(project, actor, reason, ProjectStatus.REJECTED)


@transaction.atomic
def project_withdraw(*, project: Project, reason: str, actor=None) -> Project:
    """Withdraw a project (registered or under review); a reservation is voided."""
    reason = require_reason(reason)
    project = _locked_project(project, "withdraw", actor)
    return _void(project, actor, reason, ProjectStatus.WITHDRAWN)


@transaction.atomic
def project_draw(*, project: Project, approval_document: str, approved_on: datetime.date | None = None,
                 actor=None) -> Project:
    """Record a project approved outside the reservation step (批准后补录): its quota is drawn at once,
    refused with the numbers when it exceeds what is available."""
    project = _locked_project(project, "draw", actor)
    document, approved_on = _approval(approval_document, approved_on, project.applied_on)
    with actor_context(actor):
        qa, used = _quota_for(project, actor, "draw")
        project.draw = posting_create(
            ledger=LEDGER, kind="draw", legs=[(qa.account, -project.quota_mu), (used, project.quota_mu)],
            idempotency_key=f"project:{project.pk}:draw:1", actor=actor, booked_on=approved_on,
            memo=gettext("项目用地：%(name)s %(doc)s") % {"name": project.name, "doc": document},
        )
        project.status = ProjectStatus.APPROVED
        project.approval_document, project.approved_on = document, approved_on
        project.applied_on = project.applied_on or approved_on
        return save_validated(project, actor, validate_constraints=False)


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
                save_validated(project, None, validate_constraints=False)
            lapsed += 1
    return lapsed
