"""Every write of oversight: keyword-only, atomic, validated, attributed (core.services.save_validated),
nothing deleted. The monthly meeting exists once per group and month (a unique constraint), so
the monthly job run twice, or two workers at once, leave one meeting and one agenda.

Action items: action_item_add → action_item_done (the office, once, after the meeting).

Findings: finding_create → finding_reply (the town's clerk alone, with evidence) → finding_accept | finding_return
(with a reason; the town replies again) → finding_close (销号)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events as domain_events
from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.services import require_reason, save_validated
from regions.models import Department, Division

from . import rules, selectors
from .choices import FindingState, GroupKind, MeetingKind, ReplyDecision
from .models import (
    ActionItem,
    AgendaLine,
    Attendance,
    Decision,
    Evidence,
    Finding,
    FindingReply,
    GroupMember,
    LeadingGroup,
    Meeting,
    SteeredTown,
)

# --- groups ------------------------------------------------------------------------------------


@transaction.atomic
def group_create(*, division: Division, kind: str, name: str, set_up_on: datetime.date,
                 parent: LeadingGroup | None = None, host_department: Department | None = None,
                 document_number: str = "", actor=None) -> LeadingGroup:
    """Set up a leading group, its office or a coordination group of ``division``."""
    group = LeadingGroup(division=division, kind=kind, name=name.strip(), parent=parent, set_up_on=set_up_on,
                         host_department=host_department, document_number=document_number.strip())
    rules.require_office(actor, group)
    return save_validated(group, actor)


@transaction.atomic
def member_add(*, group: LeadingGroup, name: str, post: str, role: str, department: Department | None = None,
               actor=None) -> GroupMember:
    """Add a member (name, post, unit, role in the group)."""
    rules.require_office(actor, group)
    return save_validated(GroupMember(group=group, name=name.strip(), post=post.strip(), role=role,
                                      department=department), actor)


@transaction.atomic
def town_steer(*, group: LeadingGroup, town: Division, actor=None) -> SteeredTown:
    """The group steers ``town`` (a second call for the same town returns the existing link)."""
    rules.require_office(actor, group)
    existing = SteeredTown.objects.filter(group=group, town=town, is_active=True).first()
    return existing or save_validated(SteeredTown(group=group, town=town), actor)


# --- meetings ----------------------------------------------------------------------------------

def _monthly_title(group: LeadingGroup, month: datetime.date) -> str:
    return _("%(group)s%(year)s年%(month)s月工作调度会") % {"group": group.name, "year": month.year, "month": month.month}


def _existing_monthly(group: LeadingGroup, month: datetime.date) -> Meeting | None:
    return Meeting.objects.filter(group=group, kind=MeetingKind.MONTHLY, month=month).first()


def meeting_create_monthly(*, group: LeadingGroup, month: datetime.date, actor=None) -> tuple[Meeting, bool]:
    """This month's dispatch meeting of ``group``: (meeting, created). Idempotent: the unique key
    (group, month) of monthly meetings decides, so two concurrent calls leave one meeting (the
    loser's INSERT fails inside a savepoint and it reads the winner's row)."""
    month = rules.month_start(month)
    if group.kind != GroupKind.LEADING:
        raise ApplicationError(_("只有领导小组召开月度工作调度会；协调小组请登记专题协调会。"), code="not_leading_group")
    rules.require_office(actor, group)
    existing = _existing_monthly(group, month)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            meeting = Meeting(group=group, kind=MeetingKind.MONTHLY, month=month, title=_monthly_title(group, month))
            with actor_context(actor, reason=_("按月自动生成调度会")):
                meeting.stamp(actor)
                meeting.full_clean(validate_constraints=False)  # the INSERT itself decides the race
                meeting.save()
        return meeting, True
    except IntegrityError:
        return Meeting.objects.get(group=group, kind=MeetingKind.MONTHLY, month=month), False


@transaction.atomic
def meeting_create_ad_hoc(*, group: LeadingGroup, held_on: datetime.date, title: str, actor=None) -> Meeting:
    """An ad-hoc meeting (专题协调会) of any group, e.g. the coordination group's."""
    rules.require_office(actor, group)
    return save_validated(Meeting(group=group, kind=MeetingKind.AD_HOC, month=rules.month_start(held_on),
                                  held_on=held_on, title=title.strip()), actor)


@transaction.atomic
def agenda_compile(*, meeting: Meeting, today: datetime.date | None = None, actor=None) -> list[AgendaLine]:
    """Compile (or refresh) the meeting's agenda from every app's selectors for the towns its group
    steers. One line per kind; a refresh updates the counts of the lines in place (a kind with
    nothing left keeps its line at 0: what was on the agenda stays on the record)."""
    meeting = Meeting.objects.select_for_update().select_related("group__division").get(pk=meeting.pk)
    rules.require_office(actor, meeting)
    today = today or timezone.localdate()
    items = selectors.agenda_gather(towns=selectors.group_towns(meeting.group), today=today)
    existing = {line.kind: line for line in AgendaLine.objects.filter(meeting=meeting)}
    lines = []
    with actor_context(actor, reason=_("汇总调度会议题")):
        wanted = {i.kind for i in items}
        position = max((line.position for line in existing.values()), default=0)
        for item in items:
            line = existing.get(item.kind)
            if line is None:
                position += 1
                line = AgendaLine(meeting=meeting, position=position, kind=item.kind)
            line.source, line.count, line.summary = item.source, item.count, item.summary[:500]
            line.by_town, line.url_name, line.url_query = item.by_town, item.url_name, item.url_query
            lines.append(save_validated(line, actor))
        for kind, line in existing.items():
            if kind not in wanted and line.count:
                line.count, line.by_town = 0, {}
                lines.append(save_validated(line, actor))
        meeting.agenda_compiled_at = timezone.now()
        save_validated(meeting, actor)
    return sorted(lines, key=lambda line: line.position)


def monthly_meeting_prepare(*, group: LeadingGroup, month: datetime.date, today: datetime.date | None = None
                            ) -> Meeting:
    """The monthly job for one group: the meeting exists once and its agenda is compiled once
    (a second run finds it compiled and changes nothing)."""
    with transaction.atomic():
        meeting, _created = meeting_create_monthly(group=group, month=month, actor=None)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.agenda_compiled_at is None:
            agenda_compile(meeting=meeting, today=today, actor=None)
            meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_record(*, meeting: Meeting, held_on: datetime.date, venue: str, minutes: str, actor) -> Meeting:
    """After the meeting: when and where it was held, and its minutes (会议纪要)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rules.require_office(actor, meeting)
    meeting.held_on, meeting.venue, meeting.minutes = held_on, venue.strip(), minutes.strip()
    return save_validated(meeting, actor)


@transaction.atomic
def attendance_record(*, meeting: Meeting, member: GroupMember, present: bool, substitute: str = "", note: str = "",
                      actor) -> Attendance:
    """Whether ``member`` attended (recorded again: the same row is corrected, its history kept)."""
    rules.require_office(actor, meeting)
    row = Attendance.objects.filter(meeting=meeting, member=member).first() or Attendance(meeting=meeting, member=member)
    row.present, row.substitute, row.note = present, substitute.strip(), note.strip()
    return save_validated(row, actor)


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str, actor) -> Decision:
    rules.require_office(actor, meeting)
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # positions are numbered one at a time
    position = (Decision.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True)
                .first() or 0) + 1
    return save_validated(Decision(meeting=meeting, position=position, text=text.strip()), actor)


@transaction.atomic
def action_item_add(*, meeting: Meeting, text: str, owner_unit: str, within_days: int = rules.ACTION_DEFAULT_DAYS,
                    owner: GroupMember | None = None, decision: Decision | None = None, actor) -> ActionItem:
    """A task given at the meeting, due ``within_days`` after it was held (core.deadlines)."""
    rules.require_office(actor, meeting)
    if meeting.held_on is None:
        raise ConflictError(_("请先登记会议召开日期，再布置督办任务。"), code="meeting_not_held")
    due = rules.action_due(meeting.held_on, within_days)
    return save_validated(ActionItem(meeting=meeting, decision=decision, text=text.strip(), owner=owner,
                                     owner_unit=owner_unit.strip(), within_days=within_days, due_on=due.date,
                                     due_provisional=due.provisional),
                          actor)


@transaction.atomic
def action_item_done(*, item: ActionItem, done_on: datetime.date, note: str, actor) -> ActionItem:
    """Mark a task given at a meeting done (督办任务办结): on which day, how (the note) and who
    recorded it. Refused before the meeting was held, before the day it was held, for a day still
    to come, without a note, and a second time (a done task stays done: its history shows how)."""
    item = ActionItem.objects.select_for_update(of=("self",)).select_related("meeting__group__division").get(
        pk=item.pk)
    rules.require_office(actor, item)
    note = (note or "").strip()
    if item.done_on is not None:
        raise ConflictError(_("该督办任务已于%(day)s办结，不能重复办结。") % {"day": item.done_on.isoformat()},
                            code="action_already_done")
    if item.meeting.held_on is None:
        raise ConflictError(_("会议尚未召开，督办任务不能办结。"), code="meeting_not_held")
    if not note:
        raise ApplicationError(_("请填写完成情况。"), code="note_required", extra={"note": [_("请填写完成情况。")]})
    if done_on < item.meeting.held_on:
        raise ApplicationError(_("完成日期不能早于会议召开日期（%(day)s）。") % {"day": item.meeting.held_on.isoformat()},
                               code="done_before_meeting", extra={"done_on": [_("完成日期不能早于会议召开日期。")]})
    if done_on > timezone.localdate():
        raise ApplicationError(_("完成日期不能晚于今天。"), code="done_in_future",
                               extra={"done_on": [_("完成日期不能晚于今天。")]})
    with actor_context(actor, reason=note):
        item.done_on, item.done_note = done_on, note
        item.done_by = actor if getattr(actor, "pk", None) else None
        return save_validated(item, actor)


# --- findings ----------------------------------------------------------------------------------

def _locked_finding(finding: Finding) -> Finding:
    return Finding.objects.select_for_update(of=("self",)).select_related("town", "group__division").get(pk=finding.pk)


def _require_state(finding: Finding, step: str) -> None:
    if not FindingState.allows(step, finding.state):
        allowed = FindingState.transition(step).source
        raise ConflictError(
            _("该问题当前为“%(state)s”，只有“%(allowed)s”的问题才能%(step)s。") % {
                "state": FindingState.label_of(finding.state),
                "allowed": _("、").join(FindingState.label_of(s) for s in allowed),
                "step": STEP_LABELS[step]},
            code="wrong_state")


STEP_LABELS = {"reply": _("报送整改情况"), "accept": _("审核通过"), "return": _("退回"), "close": _("销号")}


@transaction.atomic
def finding_create(*, group: LeadingGroup, town: Division, occasion: str, category: str, severity: str,
                   description: str, rule_breached: str, found_on: datetime.date, rectify_months: int,
                   actor) -> Finding:
    """Record a finding in ``town``; its rectification deadline is ``rectify_months`` months after
    ``found_on`` (core.deadlines, 暂定 while the year's holidays are unknown)."""
    finding = Finding(group=group, town=town, occasion=occasion, category=category, severity=severity,
                      description=description.strip(), rule_breached=rule_breached.strip(), found_on=found_on,
                      rectify_months=rectify_months)
    rules.require_office(actor, finding)
    if not 1 <= int(rectify_months) <= 12:
        raise ApplicationError(_("整改期限应为1至12个月。"), code="invalid_months",
                               extra={"rectify_months": [_("整改期限应为1至12个月。")]})
    due = rules.rectification_due(found_on, int(rectify_months))
    finding.due_on, finding.due_provisional = due.date, due.provisional
    finding = save_validated(finding, actor)
    domain_events.publish(domain_events.FINDING_OPENED, finding=finding)
    return finding


@transaction.atomic
def finding_reply(*, finding: Finding, text: str, submitted_on: datetime.date, evidence: list, actor) -> FindingReply:
    """The town's clerk reports its rectification with at least one evidence file (PDF or image,
    checked by content); the finding waits for the office's review. The office over the town may
    not file it for the town (rules.require_town_side)."""
    finding = _locked_finding(finding)
    rules.require_town_side(actor, finding)
    _require_state(finding, "reply")
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("请填写整改情况。"), code="text_required", extra={"text": [_("请填写整改情况。")]})
    if not evidence:
        raise ApplicationError(_("请上传整改佐证材料（至少一份）。"), code="evidence_required",
                               extra={"evidence": [_("请上传整改佐证材料（至少一份）。")]})
    if submitted_on < finding.found_on:
        raise ApplicationError(_("报送日期不能早于问题发现日期。"), code="reply_before_finding")
    reply = save_validated(FindingReply(finding=finding, text=text, submitted_on=submitted_on), actor)
    for upload in evidence:
        save_validated(Evidence(reply=reply, file=upload, description=getattr(upload, "name", "")[:200]), actor)
    finding.state = FindingState.REPLIED
    save_validated(finding, actor)
    return reply


def _pending_reply(finding: Finding) -> FindingReply:
    return FindingReply.objects.select_for_update().get(finding=finding, decision=ReplyDecision.PENDING)


@transaction.atomic
def finding_accept(*, finding: Finding, on: datetime.date, actor) -> Finding:
    """The office accepts the town's rectification (整改通过)."""
    finding = _locked_finding(finding)
    rules.require_office(actor, finding)
    _require_state(finding, "accept")
    reply = _pending_reply(finding)
    if on < reply.submitted_on:
        raise ApplicationError(_("审核日期不能早于报送日期。"), code="decided_before_reply")
    reply.decision, reply.decided_on = ReplyDecision.ACCEPTED, on
    save_validated(reply, actor)
    finding.state, finding.accepted_on = FindingState.ACCEPTED, on
    return save_validated(finding, actor)


@transaction.atomic
def finding_return(*, finding: Finding, on: datetime.date, reason: str, actor) -> Finding:
    """The office returns the rectification with its reason; the town rectifies and replies again
    (the deadline does not move)."""
    reason = require_reason(reason)
    finding = _locked_finding(finding)
    rules.require_office(actor, finding)
    _require_state(finding, "return")
    reply = _pending_reply(finding)
    if on < reply.submitted_on:
        raise ApplicationError(_("审核日期不能早于报送日期。"), code="decided_before_reply")
    with actor_context(actor, reason=reason):
        reply.decision, reply.decided_on, reply.return_reason = ReplyDecision.RETURNED, on, reason
        save_validated(reply, actor)
        finding.state = FindingState.RETURNED
        return save_validated(finding, actor)


@transaction.atomic
def finding_close(*, finding: Finding, on: datetime.date, actor) -> Finding:
    """Close out an accepted finding (销号)."""
    finding = _locked_finding(finding)
    rules.require_office(actor, finding)
    _require_state(finding, "close")
    if on < finding.accepted_on:
        raise ApplicationError(_("销号日期不能早于整改通过日期。"), code="closed_before_accepted")
    finding.state, finding.closed_on = FindingState.CLOSED, on
    finding = save_validated(finding, actor)
    domain_events.publish(domain_events.FINDING_CLOSED, finding=finding)
    return finding


# --- provisional deadlines ---------------------------------------------------------------------

def deadlines_recompute(*, year: int, actor=None) -> int:
    """Recompute the provisional (暂定) rectification and action-item deadlines that counted through
    ``year`` once its holidays are entered; how many moved. Registered with core.provisional
    (OversightConfig.ready), so it runs inside the transaction that entered the year."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    moved = 0
    with actor_context(actor, reason=_("重新计算办理期限")):
        for f in (Finding.objects.select_for_update().filter(due_provisional=True, found_on__lte=last, due_on__gte=first)
                  .select_related("town", "group__division")):
            due = rules.rectification_due(f.found_on, f.rectify_months)
            if (due.date, due.provisional) != (f.due_on, f.due_provisional):
                moved += due.date != f.due_on
                f.due_on, f.due_provisional = due.date, due.provisional
                save_validated(f, actor)
        for a in (ActionItem.objects.select_for_update(of=("self",)).filter(due_provisional=True, due_on__gte=first)
                  .select_related("meeting", "owner", "decision")):
            if a.meeting.held_on is None or a.meeting.held_on > last:
                continue
            due = rules.action_due(a.meeting.held_on, a.within_days)
            if (due.date, due.provisional) != (a.due_on, a.due_provisional):
                moved += due.date != a.due_on
                a.due_on, a.due_provisional = due.date, due.provisional
                save_validated(a, actor)
    return moved
