"""Every write of the half-yearly supervision (综合督查), its written report and the item
inspections: keyword-only, atomic, validated, attributed (core.services.save_validated), nothing
deleted. Findings are made by oversight.services.finding_create and linked to where they came from
(FindingSource); the town's rectification is then the findings' own flow.

Exactly once in effect (issue 14 §7):
- ``supervision_open``: the unique key (group, year, half) decides; a second run, or two at
  once, leave one supervision;
- ``report_request`` takes the next version number under a lock on the supervision and enqueues
  the job after commit; ``report_complete`` fills in that same row once (a redelivered job, or a
  second worker, finds it done and changes nothing);
- ``finance_findings_take``: a finance finding is taken over once (a unique key on its id)."""

from __future__ import annotations

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events as domain_events
from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.services import save_validated
from finance import selectors as finance_selectors
from regions.models import Department, Division

from . import rules, selectors, services
from .choices import (
    FindingCategory,
    FindingOccasion,
    GroupKind,
    Half,
    ReportState,
    Severity,
    SupervisionState,
)
from .models import (
    Finding,
    FindingSource,
    ItemInspection,
    LeadingGroup,
    Supervision,
    SupervisionParticipant,
    SupervisionReport,
)

logger = logging.getLogger(__name__)

REPORT_TASK = "oversight.tasks_supervision.generate_supervision_report_task"
REPORT_STALE_AFTER = datetime.timedelta(hours=1)  # a version still 生成中 after this: its job was lost
FINANCE_RECTIFY_MONTHS = 3  # a quarterly inspection's finding: rectified within the next quarter
FINANCE_SEVERITY = {"minor": Severity.GENERAL, "major": Severity.SERIOUS, "serious": Severity.GRAVE}


def supervision_title(group: LeadingGroup, year: int, half: int) -> str:
    return _("%(group)s%(year)s年%(half)s综合督查") % {"group": group.name, "year": year,
                                                   "half": Half(half).label}


# --- the supervision ---------------------------------------------------------------------------

def supervision_open(*, group: LeadingGroup, year: int, half: int, opened_on: datetime.date | None = None,
                     actor=None) -> tuple[Supervision, bool]:
    """The supervision of ``group`` for the half year: (supervision, created). Idempotent: the
    unique key (group, year, half) decides, so two concurrent calls leave one supervision."""
    if group.kind != GroupKind.LEADING:
        raise ApplicationError(_("综合督查由领导小组组织。"), code="not_leading_group")
    if half not in (1, 2):
        raise ApplicationError(_("请选择上半年或下半年。"), code="invalid_half", extra={"half": [_("请选择上半年或下半年。")]})
    candidate = Supervision(group=group, year=year, half=half, title=supervision_title(group, year, half),
                            opened_on=opened_on or timezone.localdate())
    rules.require_office(actor, candidate)
    existing = Supervision.objects.filter(group=group, year=year, half=half).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            with actor_context(actor, reason=_("开启督查")):
                candidate.stamp(actor)
                candidate.full_clean(validate_constraints=False)  # the INSERT itself decides the race
                candidate.save()
        return candidate, True
    except IntegrityError:
        return Supervision.objects.get(group=group, year=year, half=half), False


def supervisions_open_for(*, day: datetime.date) -> list[Supervision]:
    """The half-yearly job: the supervision of ``day``'s half year for every active leading group
    (run daily, the first run of the half opens them and the others find them)."""
    half = Half.of(day)
    return [supervision_open(group=g, year=day.year, half=half, opened_on=day)[0]
            for g in selectors.active_groups().order_by("id")]


def _locked(supervision: Supervision) -> Supervision:
    return (Supervision.objects.select_for_update(of=("self",)).select_related("group__division")
            .get(pk=supervision.pk))


def _require_writable(supervision: Supervision) -> None:
    if supervision.state not in SupervisionState.WRITABLE:
        raise ConflictError(_("该综合督查已结束，不能再登记。"), code="supervision_closed")


@transaction.atomic
def participant_add(*, supervision: Supervision, department: Department, role: str, actor) -> SupervisionParticipant:
    """A body taking part (a department of the group's government, in its role); added again:
    the existing row."""
    supervision = _locked(supervision)
    rules.require_office(actor, supervision)
    _require_writable(supervision)
    existing = SupervisionParticipant.objects.filter(supervision=supervision, department=department).first()
    return existing or save_validated(SupervisionParticipant(supervision=supervision, department=department,
                                                             role=role), actor)


@transaction.atomic
def supervision_finding_add(*, supervision: Supervision, town: Division, category: str, severity: str,
                            description: str, rule_breached: str, found_on: datetime.date, rectify_months: int,
                            actor) -> Finding:
    """A finding of the supervision in ``town`` (oversight.services.finding_create, then linked)."""
    supervision = _locked(supervision)
    rules.require_office(actor, supervision)
    _require_writable(supervision)
    finding = services.finding_create(group=supervision.group, town=town, occasion=FindingOccasion.SUPERVISION,
                                      category=category, severity=severity, description=description,
                                      rule_breached=rule_breached, found_on=found_on, rectify_months=rectify_months,
                                      actor=actor)
    save_validated(FindingSource(finding=finding, supervision=supervision), actor)
    return finding


@transaction.atomic
def supervision_finding_link(*, supervision: Supervision, finding: Finding, actor) -> FindingSource:
    """Link a supervision finding recorded before (e.g. on the findings page) to the supervision;
    a finding already linked to it: the existing link; to another: refused."""
    supervision = _locked(supervision)
    rules.require_office(actor, supervision)
    existing = FindingSource.objects.filter(finding=finding).first()
    if existing is not None:
        if existing.supervision_id == supervision.pk:
            return existing
        raise ConflictError(_("该问题已归入其他督查或检查。"), code="finding_linked")
    return save_validated(FindingSource(finding=finding, supervision=supervision), actor)


@transaction.atomic
def supervision_close(*, supervision: Supervision, on: datetime.date, actor) -> Supervision:
    """The office closes a reported supervision (its findings go on through their rectification)."""
    supervision = _locked(supervision)
    rules.require_office(actor, supervision)
    if not SupervisionState.allows("close", supervision.state):
        raise ConflictError(_("只有已形成书面报告的综合督查才能结束。"), code="wrong_state")
    if on < supervision.opened_on:
        raise ApplicationError(_("结束日期不能早于开始日期。"), code="closed_before_opened")
    supervision.state, supervision.closed_on = SupervisionState.CLOSED, on
    return save_validated(supervision, actor)


# --- the written report ------------------------------------------------------------------------

def _enqueue_report(report_id: int) -> None:
    """Send the job by name (the services never import the task module)."""
    from celery import current_app

    current_app.signature(REPORT_TASK, args=(report_id,)).apply_async(ignore_result=True)


@transaction.atomic
def report_request(*, supervision: Supervision, actor, as_of: datetime.date | None = None,
                   enqueue: bool = True) -> SupervisionReport:
    """Ask for a new version of the written report: the next version number is taken now (one row,
    生成中) and the job that renders it is enqueued after commit (``enqueue=False``: the caller
    renders it, e.g. the demo)."""
    supervision = _locked(supervision)
    rules.require_office(actor, supervision)
    _require_writable(supervision)
    pending = SupervisionReport.objects.filter(supervision=supervision, state=ReportState.PENDING).first()
    if pending is not None:
        if timezone.now() - pending.created_at < REPORT_STALE_AFTER:
            raise ConflictError(_("上一版报告正在生成，请稍后再试。"), code="report_pending")
        # Its job never came back (the broker lost the message): that version failed, a new one starts.
        report_fail(report=pending, error="stale: no job completed it")
    version = (SupervisionReport.objects.filter(supervision=supervision).aggregate(v=Max("version"))["v"] or 0) + 1
    report = save_validated(SupervisionReport(supervision=supervision, version=version, requested_by=actor,
                                              as_of=as_of or timezone.localdate()), actor)
    if enqueue:
        transaction.on_commit(lambda pk=report.pk: _enqueue_report(pk))
    return report


def report_attempt(*, report_id: int) -> SupervisionReport | None:
    """A job starts on the report: counted (committed at once, so a worker killed mid-task leaves
    the trace); None when the report is done already (nothing to do)."""
    with transaction.atomic():
        report = SupervisionReport.objects.select_for_update().select_related("supervision__group__division").get(
            pk=report_id)
        if report.state == ReportState.DONE:
            return None
        report.attempts += 1
        with actor_context(None, reason=_("生成督查报告")):
            report.save(update_fields=["attempts", "updated_at"])
    return report


@transaction.atomic
def report_complete(*, report: SupervisionReport, pdf: bytes, figures: dict, pages: int | None) -> SupervisionReport:
    """Store the rendered report in its own row, once: a report already done is returned as it is
    (the second delivery's PDF is dropped, no second version, no second file). The supervision is
    then 已报告."""
    report = SupervisionReport.objects.select_for_update().select_related("supervision").get(pk=report.pk)
    if report.state == ReportState.DONE:
        return report
    if not pdf.startswith(b"%PDF-"):
        raise ApplicationError(_("报告文件不是有效的PDF。"), code="not_pdf")
    supervision = _locked(report.supervision)
    with actor_context(None, reason=_("督查报告已生成")):  # the job's write (who asked: requested_by)
        report.pdf.save(report.filename, ContentFile(pdf), save=False)
        report.state, report.generated_at, report.error = ReportState.DONE, timezone.now(), ""
        report.figures, report.pages = figures, pages
        save_validated(report, None)
        domain_events.publish(domain_events.REPORT_PUBLISHED, report=report)
        if supervision.state == SupervisionState.OPEN:
            supervision.state, supervision.reported_on = SupervisionState.REPORTED, timezone.localdate()
            save_validated(supervision, None)
    return report


@transaction.atomic
def report_fail(*, report: SupervisionReport, error: str) -> SupervisionReport:
    """The job gave up: the version is marked failed (a new request takes the next number)."""
    report = SupervisionReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.PENDING:
        return report
    report.state, report.error = ReportState.FAILED, error[:500]
    with actor_context(None, reason=_("督查报告生成失败")):
        report.save(update_fields=["state", "error", "updated_at"])
    return report


# --- item inspections --------------------------------------------------------------------------

@transaction.atomic
def inspection_create(*, group: LeadingGroup, subject: str, inspected_on: datetime.date,
                      participants: list[Department] | tuple = (), note: str = "", actor) -> ItemInspection:
    """An item inspection (有关事项检查) with the bodies taking part (departments of the group's government)."""
    inspection = ItemInspection(group=group, subject=(subject or "").strip(), inspected_on=inspected_on,
                                note=(note or "").strip())
    rules.require_office(actor, inspection)
    if group.kind != GroupKind.LEADING or not group.is_active:
        # The form offers the active leading groups only; the API is held to the same.
        message = _("有关事项检查由领导小组组织，请选择在用的领导小组。")
        raise ApplicationError(message, code="not_leading_group", extra={"group": [message]})
    if not inspection.subject:
        raise ApplicationError(_("请填写检查事项。"), code="subject_required", extra={"subject": [_("请填写检查事项。")]})
    wrong = [d.name for d in participants if d.division_id != group.division_id]
    if wrong:
        message = _("参加单位必须是本级政府的部门：%(names)s") % {"names": "、".join(wrong)}
        raise ApplicationError(message, code="participant_elsewhere", extra={"participants": [message]})
    inspection = save_validated(inspection, actor)
    inspection.participants.set(participants)
    return inspection


@transaction.atomic
def inspection_finding_add(*, inspection: ItemInspection, town: Division, category: str, severity: str,
                           description: str, rule_breached: str, found_on: datetime.date, rectify_months: int,
                           actor) -> Finding:
    """A finding of an item inspection (the same rectification flow as the supervision's)."""
    ItemInspection.objects.select_for_update().get(pk=inspection.pk)
    rules.require_office(actor, inspection)
    if found_on < inspection.inspected_on:
        raise ApplicationError(_("发现日期不能早于检查日期。"), code="found_before_inspection",
                               extra={"found_on": [_("发现日期不能早于检查日期。")]})
    finding = services.finding_create(group=inspection.group, town=town, occasion=FindingOccasion.ITEM_INSPECTION,
                                      category=category, severity=severity, description=description,
                                      rule_breached=rule_breached, found_on=found_on, rectify_months=rectify_months,
                                      actor=actor)
    save_validated(FindingSource(finding=finding, inspection=inspection), actor)
    return finding


# --- the finance bureau's quarterly inspection ------------------------------------------------

@transaction.atomic
def finance_findings_take(*, group: LeadingGroup, actor=None) -> list[Finding]:
    """Take the open findings of the finance bureau's quarterly inspections in the towns the group
    steers into the rectification flow (occasion 财政季度检查, category 资金管理), each once: a
    finding already taken is left alone (its id in finance is a unique key). The new findings."""
    group = LeadingGroup.objects.select_for_update().select_related("division").get(pk=group.pk)
    rules.require_office(actor, group)
    towns = {t.pk: t for t in selectors.group_towns(group)}
    if not towns:
        return []
    opened = finance_selectors.inspection_findings_open(town_ids=list(towns))
    taken = set(FindingSource.objects.filter(finance_finding_id__in=[f.finding_id for f in opened])
                .values_list("finance_finding_id", flat=True))
    made = []
    for f in opened:
        if f.finding_id in taken:
            continue
        found_on = f.inspected_on
        finding = services.finding_create(
            group=group, town=towns[f.town_id], occasion=FindingOccasion.FINANCE_INSPECTION,
            category=FindingCategory.FUNDS, severity=FINANCE_SEVERITY.get(f.severity, Severity.GENERAL),
            description=f.text, rule_breached=f.item or _("财政季度检查"), found_on=found_on,
            rectify_months=FINANCE_RECTIFY_MONTHS, actor=actor)
        save_validated(FindingSource(finding=finding, finance_finding_id=f.finding_id), actor)
        made.append(finding)
    return made
