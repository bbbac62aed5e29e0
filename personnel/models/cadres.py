"""Secondments (挂职), stationed units of county departments (派驻机构、站所) with the prior
consultation of their heads (事先征求意见), the town's written adjustment opinions (书面调整意见)
and the yearly appraisal (issue 12 §5–§6)."""

import datetime
from enum import nonmember

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from core.states import StatusChoices, Transition
from regions.choices import Role
from regions.models import Department, Division


@track()
class Secondment(AuditedModel):
    """County staff seconded to a town for a fixed term (挂职); ``ended_on`` when it ends early."""

    town = models.ForeignKey(Division, verbose_name=_("挂职镇"), on_delete=models.PROTECT, related_name="secondments")
    person_name = models.CharField(_("姓名"), max_length=32)
    home_unit = models.CharField(_("派出单位"), max_length=64)
    post = models.CharField(_("挂任职务"), max_length=64)
    document_number = models.CharField(_("挂职文号"), max_length=64)
    start_on = models.DateField(_("挂职起始日"))
    end_on = models.DateField(_("挂职期满日"))
    ended_on = models.DateField(_("提前结束日"), null=True, blank=True)
    end_reason = models.CharField(_("提前结束原因"), max_length=200, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("挂职干部")
        verbose_name_plural = _("挂职干部")
        ordering = ["end_on", "id"]
        indexes = [models.Index(fields=["town", "end_on"], name="secondment_town_end")]
        constraints = [
            models.CheckConstraint(name="secondment_term", condition=Q(end_on__gt=models.F("start_on"))),
            models.CheckConstraint(name="secondment_ended_in_term", condition=Q(ended_on__isnull=True) | Q(
                ended_on__gte=models.F("start_on"), ended_on__lte=models.F("end_on"))),
            models.UniqueConstraint(fields=["town", "person_name", "start_on"], name="secondment_once"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(name)s（%(post)s）") % {"name": self.person_name, "post": self.post}

    def clean(self):
        if self.start_on and self.end_on and self.end_on <= self.start_on:
            raise ValidationError({"end_on": gettext("挂职期满日应晚于起始日。")})
        if self.ended_on and self.start_on and self.end_on and not self.start_on <= self.ended_on <= self.end_on:
            raise ValidationError({"ended_on": gettext("提前结束日应在挂职期内（%(start)s 至 %(end)s）。") % {
                "start": self.start_on.isoformat(), "end": self.end_on.isoformat()}})

    @property
    def last_day(self) -> datetime.date:
        return self.ended_on or self.end_on

    def is_current_on(self, day: datetime.date) -> bool:
        return self.start_on <= day <= self.last_day

    @staticmethod
    def current_on_q(day: datetime.date) -> Q:
        """In post on ``day`` (``is_current_on`` as a query condition: change both together)."""
        return Q(start_on__lte=day) & (Q(ended_on__isnull=True, end_on__gte=day) | Q(ended_on__gte=day))


class UnitKind(models.TextChoices):
    STATIONED = "stationed", _("派驻机构")
    STATION = "station", _("站所")


@track()
class StationedUnit(AuditedModel):
    """A unit of a county department stationed in a town (派驻机构、站所: 派出所, 国土所, 财政所 …)."""

    town = models.ForeignKey(Division, verbose_name=_("所在镇"), on_delete=models.PROTECT, related_name="stationed_units")
    department = models.ForeignKey(Department, verbose_name=_("主管部门"), on_delete=models.PROTECT,
                                   related_name="stationed_units")
    name = models.CharField(_("机构名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices, default=UnitKind.STATION)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("派驻机构")
        verbose_name_plural = _("派驻机构")
        ordering = ["town__code", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="stationed_unit_name")]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name


class ConsultationStatus(StatusChoices):
    """The prior consultation of the town party committee on a unit head (事先征求意见)."""

    REQUESTED = "requested", _("待镇党委答复")
    AGREED = "agreed", _("镇党委同意")
    DISAGREED = "disagreed", _("镇党委不同意")
    COORDINATED = "coordinated", _("组织部协调后同意")
    WITHDRAWN = "withdrawn", _("已撤回")
    APPOINTED = "appointed", _("已任命")

    colours = nonmember({"requested": "warning", "agreed": "success", "disagreed": "danger",
                         "coordinated": "info", "withdrawn": "secondary", "appointed": "primary"})
    transitions = nonmember({
        "reply": Transition(source=("requested",)),
        "coordinate": Transition(source=("disagreed",)),
        "appoint": Transition(source=("agreed", "coordinated"), target="appointed"),
    })
    # a consultation that clears the way to an appointment
    CLEARED = nonmember(("agreed", "coordinated"))


class Reply(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")


class Coordination(models.TextChoices):
    PROCEED = "proceed", _("协调一致，同意任命")
    WITHDRAW = "withdraw", _("撤回人选")


@track()
class HeadConsultation(AuditedModel):
    """The department asks the town party committee before appointing a unit head (事先征求意见);
    the committee agrees or disagrees; on disagreement the county organisation department
    coordinates (县委组织部协调). Only a cleared consultation allows the appointment."""

    unit = models.ForeignKey(StationedUnit, verbose_name=_("派驻机构"), on_delete=models.PROTECT,
                             related_name="consultations")
    candidate_name = models.CharField(_("拟任人选"), max_length=32)
    proposed_post = models.CharField(_("拟任职务"), max_length=64)
    request_document = models.CharField(_("征求意见函文号"), max_length=64)
    requested_on = models.DateField(_("发函日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.REQUESTED)
    reply = models.CharField(_("镇党委意见"), max_length=16, choices=Reply.choices, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    reply_note = models.CharField(_("答复说明"), max_length=500, blank=True)
    coordination = models.CharField(_("组织部协调结果"), max_length=16, choices=Coordination.choices, blank=True)
    coordinated_on = models.DateField(_("协调日期"), null=True, blank=True)
    coordination_note = models.CharField(_("协调说明"), max_length=500, blank=True)

    jurisdiction_field = "unit__town"
    # the department's side (request, appointment, the organisation department's coordination) is
    # the county office's; the reply is the town's (personnel.rules.require_side)
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("事先征求意见")
        verbose_name_plural = _("事先征求意见")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(name="consultation_reply_dated", condition=Q(reply="") | Q(
                replied_on__isnull=False, replied_on__gte=models.F("requested_on"))),
            models.CheckConstraint(name="consultation_coordination_dated", condition=Q(coordination="") | Q(
                coordinated_on__isnull=False, coordinated_on__gte=models.F("replied_on"))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(unit)s %(post)s 人选 %(name)s") % {
            "unit": self.unit.name, "post": self.proposed_post, "name": self.candidate_name}

    @property
    def cleared_on(self) -> datetime.date | None:
        """The day the consultation cleared the way (the reply, or the coordination after a no)."""
        if self.reply == Reply.AGREE:
            return self.replied_on
        if self.coordination == Coordination.PROCEED:
            return self.coordinated_on
        return None


@track()
class HeadAppointment(AuditedModel):
    """The appointment of a unit head (任命), on a cleared prior consultation (NOT NULL: no
    appointment without one, whichever way it is written)."""

    unit = models.ForeignKey(StationedUnit, verbose_name=_("派驻机构"), on_delete=models.PROTECT,
                             related_name="appointments")
    consultation = models.OneToOneField(HeadConsultation, verbose_name=_("事先征求意见"), on_delete=models.PROTECT,
                                        related_name="appointment")
    person_name = models.CharField(_("姓名"), max_length=32)
    post = models.CharField(_("职务"), max_length=64)
    document_number = models.CharField(_("任命文号"), max_length=64)
    appointed_on = models.DateField(_("任命日期"))
    ended_on = models.DateField(_("免职日期"), null=True, blank=True)

    jurisdiction_field = "unit__town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("负责人任命")
        verbose_name_plural = _("负责人任命")
        ordering = ["-appointed_on", "-id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(unit)s %(post)s %(name)s") % {"unit": self.unit.name, "post": self.post,
                                                       "name": self.person_name}


ADJUSTMENT_LIMIT = "1M"  # DOMAIN.md §4: the department examines and adjusts within one month


@track()
class AdjustmentOpinion(AuditedModel):
    """A written adjustment opinion of the town party committee on a unit head (书面调整意见):
    the department must examine and adjust within one month of receiving it (core.deadlines)."""

    appointment = models.ForeignKey(HeadAppointment, verbose_name=_("负责人"), on_delete=models.PROTECT,
                                    related_name="opinions")
    document_number = models.CharField(_("意见文号"), max_length=64)
    opinion = models.CharField(_("调整意见"), max_length=500)
    delivered_on = models.DateField(_("送达部门日期"))
    due_on = models.DateField(_("办理期限"), editable=False)
    due_provisional = models.BooleanField(_("期限暂定"), default=False, editable=False)
    handled_on = models.DateField(_("办结日期"), null=True, blank=True)
    handling = models.CharField(_("办理结果"), max_length=500, blank=True)

    jurisdiction_field = "appointment__unit__town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("书面调整意见")
        verbose_name_plural = _("书面调整意见")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=Q(handled_on__isnull=True), name="opinion_open_due")]
        constraints = [
            models.CheckConstraint(name="opinion_due_after_delivery", condition=Q(due_on__gt=models.F("delivered_on"))),
            models.CheckConstraint(name="opinion_handled_after_delivery", condition=Q(handled_on__isnull=True) | Q(
                handled_on__gte=models.F("delivered_on"))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(number)s（%(name)s）") % {"number": self.document_number, "name": self.appointment.person_name}


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


@track()
class HeadAppraisal(AuditedModel):
    """The yearly appraisal of a unit head: the grade proposed by the town, confirmed by the department."""

    appointment = models.ForeignKey(HeadAppointment, verbose_name=_("负责人"), on_delete=models.PROTECT,
                                    related_name="appraisals")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    proposed_grade = models.CharField(_("镇提出等次"), max_length=16, choices=AppraisalGrade.choices)
    proposed_on = models.DateField(_("提出日期"))
    confirmed_grade = models.CharField(_("部门确定等次"), max_length=16, choices=AppraisalGrade.choices, blank=True)
    confirmed_on = models.DateField(_("确定日期"), null=True, blank=True)

    jurisdiction_field = "appointment__unit__town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("负责人年度考核")
        verbose_name_plural = _("负责人年度考核")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "year"], name="appraisal_once_a_year"),
            models.CheckConstraint(name="appraisal_confirmed_dated", condition=Q(confirmed_grade="") | Q(
                confirmed_on__isnull=False, confirmed_on__gte=models.F("proposed_on"))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(name)s %(year)s年度考核") % {"name": self.appointment.person_name, "year": self.year}


