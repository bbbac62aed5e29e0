"""Writes of secondments, stationed units and training (issue 12 §5–§7): keyword-only, atomic,
validated, attributed. Each step of a unit head's life is one service:

    consultation_request → consultation_reply (agree | disagree) → [consultation_coordinate]
    → consultation_appoint (refused without a cleared consultation, or dated before it)
    → opinion_deliver (the town's written adjustment opinion: due in one month) → opinion_handle
    → appraisal_propose (the town) → appraisal_confirm (the department)

Who records which side is ``rules_cadres.require_side``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.services import require_reason, save_validated
from regions.choices import Level
from regions.models import Department, Division

from . import rules_cadres as rules
from .models import (
    AdjustmentOpinion,
    AppraisalGrade,
    ConsultationStatus,
    Coordination,
    HeadAppointment,
    HeadAppraisal,
    HeadConsultation,
    Officer,
    Reply,
    Secondment,
    StationedUnit,
    TrainingKind,
    TrainingRecord,
)


def _refuse(message: str, code: str, field: str | None = None, cls=ApplicationError, **extra):
    raise cls(message, code=code, extra={**({field: [message]} if field else {}), **extra})


def _town(town: Division) -> Division:
    if town.level != Level.TOWN:
        _refuse(_("请选择一个镇（乡、街道）。"), "not_a_town", "town")
    return town


def _d(day: datetime.date) -> str:
    return day.isoformat()


# --- secondments -----------------------------------------------------------------------------

@transaction.atomic
def secondment_create(*, town: Division, person_name: str, home_unit: str, post: str, document_number: str,
                      start_on: datetime.date, end_on: datetime.date, actor=None) -> Secondment:
    """Record a secondment (挂职) of county staff to ``town`` for the term start_on … end_on."""
    return save_validated(Secondment(town=_town(town), person_name=person_name.strip(), home_unit=home_unit.strip(),
                                     post=post.strip(), document_number=document_number.strip(),
                                     start_on=start_on, end_on=end_on), actor)


@transaction.atomic
def secondment_end(*, secondment: Secondment, ended_on: datetime.date, reason: str, actor=None) -> Secondment:
    """End a secondment before its term (提前结束: recalled, transferred); the reason is kept."""
    reason = require_reason(reason)
    secondment = Secondment.objects.select_for_update().get(pk=secondment.pk)
    if secondment.ended_on is not None:
        _refuse(_("该挂职已于%(date)s结束。") % {"date": _d(secondment.ended_on)}, "already_ended", cls=ConflictError)
    with actor_context(actor, reason=reason):
        secondment.ended_on, secondment.end_reason = ended_on, reason
        return save_validated(secondment, actor)


# --- stationed units and their heads ---------------------------------------------------------

@transaction.atomic
def stationed_unit_create(*, town: Division, department: Department, name: str, kind: str, actor=None) -> StationedUnit:
    """Register a unit of a county department stationed in ``town`` (派驻机构、站所)."""
    _town(town)
    if not town.path.startswith(department.division.path):
        _refuse(_("%(department)s不是%(town)s的上级部门，不能在该镇派驻机构。") % {
            "department": department.name, "town": town.name}, "department_not_above", "department")
    return save_validated(StationedUnit(town=town, department=department, name=name.strip(), kind=kind), actor)


def _locked(model, row):
    """``row`` read again under a row lock (the town joined for the side check)."""
    return model.objects.select_for_update(of=("self",)).select_related("unit__town").get(pk=row.pk)


@transaction.atomic
def consultation_request(*, unit: StationedUnit, candidate_name: str, proposed_post: str, request_document: str,
                         requested_on: datetime.date, actor=None) -> HeadConsultation:
    """The department asks the town party committee's opinion on a head it means to appoint."""
    rules.require_side(actor, unit.town, rules.COUNTY)
    if HeadConsultation.objects.filter(unit=unit, status__in=[ConsultationStatus.REQUESTED, ConsultationStatus.DISAGREED]
                                       ).exists():
        _refuse(_("%(unit)s已有一份尚未办结的征求意见，请先办结或撤回。") % {"unit": unit.name},
                "consultation_open", cls=ConflictError)
    return save_validated(HeadConsultation(unit=unit, candidate_name=candidate_name.strip(),
                                           proposed_post=proposed_post.strip(),
                                           request_document=request_document.strip(), requested_on=requested_on), actor)


def _require_state(consultation: HeadConsultation, step: str) -> None:
    if not ConsultationStatus.allows(step, consultation.status):
        allowed = ConsultationStatus.transition(step).source
        _refuse(_("该征求意见当前为“%(status)s”，只有“%(allowed)s”的才能办理这一步。") % {
            "status": ConsultationStatus.label_of(consultation.status),
            "allowed": _("、").join(ConsultationStatus.label_of(s) for s in allowed)}, "wrong_state", cls=ConflictError)


@transaction.atomic
def consultation_reply(*, consultation: HeadConsultation, reply: str, replied_on: datetime.date, note: str = "",
                       actor=None) -> HeadConsultation:
    """The town party committee's reply: agree, or disagree (then with its reasons)."""
    consultation = _locked(HeadConsultation, consultation)
    rules.require_side(actor, consultation.unit.town, rules.TOWN)
    _require_state(consultation, "reply")
    if reply not in Reply.values:
        _refuse(_("请选择同意或不同意。"), "invalid_reply", "reply")
    note = (note or "").strip()
    if reply == Reply.DISAGREE and not note:
        _refuse(_("不同意时请写明理由。"), "reason_required", "note")
    if replied_on < consultation.requested_on:
        _refuse(_("答复日期（%(reply)s）不能早于发函日期（%(request)s）。") % {
            "reply": _d(replied_on), "request": _d(consultation.requested_on)}, "reply_before_request", "replied_on")
    consultation.reply, consultation.replied_on, consultation.reply_note = reply, replied_on, note
    consultation.status = ConsultationStatus.AGREED if reply == Reply.AGREE else ConsultationStatus.DISAGREED
    return save_validated(consultation, actor)


@transaction.atomic
def consultation_coordinate(*, consultation: HeadConsultation, outcome: str, coordinated_on: datetime.date,
                            note: str, actor=None) -> HeadConsultation:
    """The county organisation department's coordination after the town disagreed: the parties
    agree on the candidate (the way to the appointment is clear) or the candidate is withdrawn."""
    consultation = _locked(HeadConsultation, consultation)
    rules.require_side(actor, consultation.unit.town, rules.COUNTY)
    _require_state(consultation, "coordinate")
    if outcome not in Coordination.values:
        _refuse(_("请选择协调结果。"), "invalid_outcome", "outcome")
    note = require_reason(note)
    if coordinated_on < consultation.replied_on:
        _refuse(_("协调日期（%(date)s）不能早于镇党委答复日期（%(reply)s）。") % {
            "date": _d(coordinated_on), "reply": _d(consultation.replied_on)}, "coordination_before_reply",
            "coordinated_on")
    consultation.coordination, consultation.coordinated_on, consultation.coordination_note = outcome, coordinated_on, note
    consultation.status = (ConsultationStatus.COORDINATED if outcome == Coordination.PROCEED
                           else ConsultationStatus.WITHDRAWN)
    return save_validated(consultation, actor)


@transaction.atomic
def consultation_appoint(*, consultation: HeadConsultation | None, document_number: str,
                         appointed_on: datetime.date, unit: StationedUnit | None = None, actor=None) -> HeadAppointment:
    """Appoint the head on a cleared consultation. Refused without a recorded consultation, on
    one the town has not agreed to (nor the organisation department cleared), and when the
    appointment is dated before the consultation cleared."""
    if consultation is None:
        name = unit.name if unit is not None else _("派驻机构")
        _refuse(_("任命%(unit)s负责人须事先征求镇党委意见：没有记录在案的征求意见，不能任命。") % {"unit": name},
                "consultation_required", "consultation")
    consultation = _locked(HeadConsultation, consultation)
    rules.require_side(actor, consultation.unit.town, rules.COUNTY)
    if unit is not None and unit.pk != consultation.unit_id:
        _refuse(_("该征求意见不是%(unit)s的。") % {"unit": unit.name}, "consultation_other_unit", "consultation")
    if consultation.status not in ConsultationStatus.CLEARED:
        _refuse(_("镇党委尚未同意（当前为“%(status)s”），不能任命；不同意的须经县委组织部协调。") % {
            "status": ConsultationStatus.label_of(consultation.status)}, "consultation_not_cleared", "consultation",
            cls=ConflictError)
    cleared = consultation.cleared_on
    if appointed_on < cleared:
        _refuse(_("任命日期（%(date)s）早于征求意见办结日期（%(cleared)s）：须先征求意见，后任命。") % {
            "date": _d(appointed_on), "cleared": _d(cleared)}, "appointment_before_consultation", "appointed_on",
            cleared_on=_d(cleared))
    unit = consultation.unit
    for previous in HeadAppointment.objects.select_for_update().filter(unit=unit, ended_on__isnull=True,
                                                                      post=consultation.proposed_post):
        if appointed_on < previous.appointed_on:
            _refuse(_("任命日期不能早于现任负责人的任命日期（%(date)s）。") % {"date": _d(previous.appointed_on)},
                    "appointment_before_previous", "appointed_on")
        previous.ended_on = appointed_on
        save_validated(previous, actor)
    appointment = save_validated(HeadAppointment(
        unit=unit, consultation=consultation, person_name=consultation.candidate_name, post=consultation.proposed_post,
        document_number=document_number.strip(), appointed_on=appointed_on), actor)
    consultation.status = ConsultationStatus.APPOINTED
    save_validated(consultation, actor)
    return appointment


@transaction.atomic
def opinion_deliver(*, appointment: HeadAppointment, document_number: str, opinion: str,
                    delivered_on: datetime.date, actor=None) -> AdjustmentOpinion:
    """The town party committee's written adjustment opinion on a head, delivered to the
    department on ``delivered_on``: due one month later (provisional when that year's holidays
    are not entered)."""
    rules.require_side(actor, appointment.unit.town, rules.TOWN)
    if appointment.ended_on is not None:
        _refuse(_("%(name)s已于%(date)s免职。") % {"name": appointment.person_name, "date": _d(appointment.ended_on)},
                "appointment_ended", cls=ConflictError)
    if delivered_on < appointment.appointed_on:
        _refuse(_("送达日期不能早于任命日期（%(date)s）。") % {"date": _d(appointment.appointed_on)},
                "delivered_before_appointment", "delivered_on")
    due = rules.adjustment_due(delivered_on)
    return save_validated(AdjustmentOpinion(
        appointment=appointment, document_number=document_number.strip(), opinion=opinion.strip(),
        delivered_on=delivered_on, due_on=due.date, due_provisional=due.provisional), actor)


@transaction.atomic
def opinion_handle(*, opinion: AdjustmentOpinion, handled_on: datetime.date, handling: str,
                   actor=None) -> AdjustmentOpinion:
    """The department has examined and adjusted (or answered in writing): the opinion is closed."""
    opinion = AdjustmentOpinion.objects.select_for_update(of=("self",)).select_related("appointment__unit__town").get(pk=opinion.pk)
    rules.require_side(actor, opinion.appointment.unit.town, rules.COUNTY)
    if opinion.handled_on is not None:
        _refuse(_("该调整意见已于%(date)s办结。") % {"date": _d(opinion.handled_on)}, "already_handled",
                cls=ConflictError)
    if handled_on < opinion.delivered_on:
        _refuse(_("办结日期不能早于送达日期（%(date)s）。") % {"date": _d(opinion.delivered_on)},
                "handled_before_delivery", "handled_on")
    opinion.handled_on, opinion.handling = handled_on, require_reason(handling)
    return save_validated(opinion, actor)


def opinion_due_recompute(*, year: int, actor=None) -> int:
    """core.provisional's handler: the provisional due dates of open opinions ending in or
    rolling through ``year``, computed again now the year is known; how many moved."""
    moved = 0
    for opinion in AdjustmentOpinion.objects.select_for_update().filter(due_provisional=True):
        due = rules.adjustment_due(opinion.delivered_on)
        if year not in due.years and due.provisional:
            continue
        if (due.date, due.provisional) != (opinion.due_on, opinion.due_provisional):
            moved += due.date != opinion.due_on
            with actor_context(actor, reason="calendar_recompute"):
                opinion.due_on, opinion.due_provisional = due.date, due.provisional
                save_validated(opinion, actor)
    return moved


@transaction.atomic
def appraisal_propose(*, appointment: HeadAppointment, year: int, grade: str, proposed_on: datetime.date,
                      actor=None) -> HeadAppraisal:
    """The town proposes the head's grade for ``year`` (one appraisal per head and year)."""
    rules.require_side(actor, appointment.unit.town, rules.TOWN)
    if HeadAppraisal.objects.filter(appointment=appointment, year=year).exists():
        _refuse(_("%(name)s的%(year)s年度考核已提出。") % {"name": appointment.person_name, "year": year},
                "appraisal_exists", "year", cls=ConflictError)
    if not appointment.appointed_on.year <= year <= proposed_on.year:
        _refuse(_("考核年度应在任命年度（%(first)s）至提出年度（%(last)s）之间。") % {
            "first": appointment.appointed_on.year, "last": proposed_on.year}, "appraisal_year", "year")
    return save_validated(HeadAppraisal(appointment=appointment, year=year, proposed_grade=grade,
                                        proposed_on=proposed_on), actor)


@transaction.atomic
def appraisal_confirm(*, appraisal: HeadAppraisal, grade: str, confirmed_on: datetime.date,
                      actor=None) -> HeadAppraisal:
    """The department confirms the grade (the town's, or another one it decides)."""
    appraisal = HeadAppraisal.objects.select_for_update(of=("self",)).select_related("appointment__unit__town").get(pk=appraisal.pk)
    rules.require_side(actor, appraisal.appointment.unit.town, rules.COUNTY)
    if appraisal.confirmed_grade:
        _refuse(_("该考核已于%(date)s确定为%(grade)s。") % {
            "date": _d(appraisal.confirmed_on), "grade": AppraisalGrade(appraisal.confirmed_grade).label},
            "already_confirmed", cls=ConflictError)
    if confirmed_on < appraisal.proposed_on:
        _refuse(_("确定日期不能早于镇提出日期（%(date)s）。") % {"date": _d(appraisal.proposed_on)},
                "confirmed_before_proposed", "confirmed_on")
    appraisal.confirmed_grade, appraisal.confirmed_on = grade, confirmed_on
    return save_validated(appraisal, actor)


# --- training and exams ----------------------------------------------------------------------

@transaction.atomic
def training_record_create(*, officer: Officer, department: Department, kind: str, title: str,
                           held_on: datetime.date, hours: Decimal | None = None, score: Decimal | None = None,
                           passed: bool | None = None, actor=None) -> TrainingRecord:
    """Record an officer's enforcement training or qualification exam."""
    if kind not in TrainingKind.values:
        _refuse(_("请选择培训或考试。"), "invalid_kind", "kind")
    return save_validated(TrainingRecord(officer=officer, department=department, kind=kind, title=title.strip(),
                                         held_on=held_on, hours=hours, score=score, passed=passed), actor)
