"""Staff of towns and departments who exercise delegated powers, and their enforcement
certificates (行政执法证, DOMAIN.md §2/§4). The personnel issue extends this app with
institutions, establishment and secondments."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.ledger.models import Posting
from core.models import AuditedModel
from regions.choices import Role
from regions.models import Department, Division

from .choices_staffing import (
    ApprovalDocumentKind,
    Education,
    EntryForm,
    EstablishmentKind,
    ExitForm,
    FundingForm,
    InstitutionNature,
    LeaderLevel,
    MovementKind,
    PersonStatus,
    PlanLineAction,
    PlanStatus,
    PoliticalStatus,
    PostRole,
    QuotaKind,
    Rank,
)


@track()
class Officer(AuditedModel):
    """A person who handles cases (经办人/承办人) in a town or department."""

    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="officers")
    name = models.CharField(_("姓名"), max_length=32)
    staff_number = models.CharField(_("工号"), max_length=32, unique=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["division__path", "name"]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(name)s（%(number)s）") % {"name": self.name, "number": self.staff_number}


def certificate_valid_on(valid_from: datetime.date, valid_until: datetime.date, revoked_on: datetime.date | None,
                         day: datetime.date) -> bool:
    """Is a certificate with these dates valid on ``day``? Within valid_from … valid_until (both
    included) and not revoked on or before ``day`` (a revocation takes effect on its date).

    The one statement of the rule: ``EnforcementCertificate.is_valid_on`` calls it on a row,
    delegation.rules on the dates it preloaded; ``EnforcementCertificate.valid_on_q`` is the
    same rule as a query condition (change both together).
    """
    return valid_from <= day <= valid_until and (revoked_on is None or revoked_on > day)


@track()
class EnforcementCertificate(AuditedModel):
    """An enforcement certificate issued to an officer for one department's powers (持证上岗).

    Valid on a date d when valid_from <= d <= valid_until and it was not revoked on or before d
    (``certificate_valid_on``).
    """

    officer = models.ForeignKey(Officer, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    department = models.ForeignKey(
        Department, verbose_name=_("发证（委托）部门"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("证号"), max_length=64, unique=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    revoked_on = models.DateField(_("吊销/注销日期"), null=True, blank=True)

    jurisdiction_field = "officer__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("行政执法证")
        verbose_name_plural = _("行政执法证")
        ordering = ["-valid_until"]
        indexes = [models.Index(fields=["officer", "department", "valid_until"], name="cert_lookup")]
        constraints = [
            models.CheckConstraint(name="cert_valid_range", condition=Q(valid_until__gte=models.F("valid_from"))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.number

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("有效期止不能早于有效期起。")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return certificate_valid_on(self.valid_from, self.valid_until, self.revoked_on, day)

    @staticmethod
    def valid_on_q(day: datetime.date) -> Q:
        """The certificates valid on ``day`` (``certificate_valid_on``), as a query condition."""
        return Q(valid_from__lte=day, valid_until__gte=day) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))


# ==== p2 block: secondments, stationed units, training (issue 12 §5–§7) =======================
# Contiguous on purpose (two engineers share this file): secondments (挂职), stationed units of
# county departments (派驻机构、站所) with the prior consultation of their heads (事先征求意见),
# the town's written adjustment opinions (书面调整意见) and the yearly appraisal, and the training
# and exam records behind the enforcement certificates (持证上岗).

from enum import nonmember  # noqa: E402

from core.states import StatusChoices, Transition  # noqa: E402


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


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("执法培训")
    EXAM = "exam", _("执法资格考试")


@track()
class TrainingRecord(AuditedModel):
    """An officer's enforcement training or qualification exam (持证上岗: trained, examined, certified)."""

    officer = models.ForeignKey(Officer, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="training")
    department = models.ForeignKey(Department, verbose_name=_("组织部门"), on_delete=models.PROTECT,
                                   related_name="officer_training")
    kind = models.CharField(_("类型"), max_length=16, choices=TrainingKind.choices)
    title = models.CharField(_("名称"), max_length=128)
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField(_("考试成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True, blank=True)

    jurisdiction_field = "officer__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("培训考试记录")
        verbose_name_plural = _("培训考试记录")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "kind", "title", "held_on"], name="training_once"),
            models.CheckConstraint(name="exam_has_result", condition=~Q(kind="exam") | Q(passed__isnull=False)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(name)s %(title)s") % {"name": self.officer.name, "title": self.title}

    def clean(self):
        if self.kind == TrainingKind.EXAM and self.passed is None:
            raise ValidationError({"passed": gettext("考试记录须填写是否合格。")})

# ==== end of p2 block ==========================================================================


# --- Establishment (编制), internal institutions, people and posts (issue 12 §1–4) ---------------
# The numbers of posts live on the core ledger ("establishment", personnel/apps.py): per town an
# approved account (the source, runs negative), an unallocated account, and per institution a
# free and a filled account for each kind; per town the leadership posts by level. These tables
# hold the documents and the people each posting rests on. One block: the secondments, stationed
# units and training that the same issue adds follow at the end of the file.


# The citizen identity number (GB 11643-1999): checked in Person.clean, so the form, the API and
# the importer refuse a wrong check digit alike.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The check character of an 18-character ID number (ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_number_problem(number: str) -> str:
    """What is wrong with an ID number, in words a clerk understands ("" when it is sound).

    Never repeats the number: messages end up in logs and error pages (personal data)."""
    number = number.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return gettext("公民身份号码应为18位：前17位为数字，最后一位为数字或X。")
    if id_birth_date(number) is None:
        return gettext("公民身份号码中的出生日期（第7至14位）不是有效日期。")
    if id_check_digit(number[:17]) != number[17]:
        return gettext("公民身份号码校验位不符（GB 11643），请核对是否录错。")
    return ""


@track()
class EstablishmentApproval(AuditedModel):
    """An approval document that changes a town's establishment (编制批复): its number, date and
    kind, the quota it changes and by how much, and the ledger posting that carries it."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="establishment_approvals")
    quota_kind = models.CharField(_("编制类别"), max_length=16, choices=QuotaKind.choices)
    delta = models.IntegerField(_("增减数（名）"), help_text=_("增加为正数，核减为负数"))
    document_kind = models.CharField(_("批准文件类别"), max_length=24, choices=ApprovalDocumentKind.choices)
    document_number = models.CharField(_("批准文号"), max_length=64)
    document_date = models.DateField(_("批准日期"))
    issued_by = models.CharField(_("批准机关"), max_length=128)
    funding_form = models.CharField(_("经费形式"), max_length=16, choices=FundingForm.choices, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    plan = models.ForeignKey("InstitutionPlan", verbose_name=_("机构调整设置方案"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="approvals")
    posting = models.OneToOneField(Posting, verbose_name=_("记账凭证"), on_delete=models.PROTECT, related_name="+")

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("编制批复")
        verbose_name_plural = _("编制批复")
        ordering = ["-document_date", "-id"]
        constraints = [models.CheckConstraint(name="est_approval_delta_not_zero", condition=~Q(delta=0))]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(number)s（%(kind)s %(delta)+d）") % {
            "number": self.document_number, "kind": self.get_quota_kind_display(), "delta": self.delta}


@track()
class Institution(AuditedModel):
    """An internal institution (内设机构) a town sets up within its quotas; created, changed and
    abolished only by an approved plan. Its posts are counted on the ledger."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="institutions")
    name = models.CharField(_("机构名称"), max_length=64)
    nature = models.CharField(_("机构性质"), max_length=24, choices=InstitutionNature.choices)
    is_key = models.BooleanField(_("重要内设机构"), default=False,
                                 help_text=_("主要负责人符合条件的可按副科级高配"))
    founding_document = models.CharField(_("设立文号"), max_length=64)
    founded_on = models.DateField(_("设立日期"))
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["town__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], condition=Q(abolished_on__isnull=True),
                                    name="institution_unique_active_name"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.abolished_on is None


@track()
class InstitutionPlan(AuditedModel):
    """A proposal to adjust the town's institutions (机构调整设置方案): drafted and submitted by the
    town, approved or refused by the county; only its approval changes institutions and quotas."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="institution_plans")
    title = models.CharField(_("方案名称"), max_length=128)
    reasons = models.TextField(_("调整理由"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    submitted_on = models.DateField(_("报批日期"), null=True, blank=True)
    decided_on = models.DateField(_("批复日期"), null=True, blank=True)
    approval_number = models.CharField(_("批准文号"), max_length=64, blank=True)
    approved_by = models.CharField(_("批准机关"), max_length=128, blank=True)
    decision_note = models.CharField(_("批复意见"), max_length=500, blank=True)

    jurisdiction_field = "town"
    # The town drafts and submits; approving is the county office's (checked by the approval step).
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("机构调整设置方案")
        verbose_name_plural = _("机构调整设置方案")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="plan_approved_has_number",
                                   condition=~Q(status="approved") | ~Q(approval_number="")),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.title


@track()
class InstitutionPlanLine(AuditedModel):
    """One change a plan proposes: set up an institution, change its posts, or abolish it. The
    numbers are what the institution is to have once the plan is approved."""

    plan = models.ForeignKey(InstitutionPlan, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="lines")
    action = models.CharField(_("调整事项"), max_length=16, choices=PlanLineAction.choices)
    institution = models.ForeignKey(Institution, verbose_name=_("机构"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="plan_lines")
    name = models.CharField(_("机构名称"), max_length=64, blank=True)
    nature = models.CharField(_("机构性质"), max_length=24, choices=InstitutionNature.choices, blank=True)
    is_key = models.BooleanField(_("重要内设机构"), default=False)
    admin_posts = models.PositiveIntegerField(_("行政编制（名）"), default=0)
    public_posts = models.PositiveIntegerField(_("事业编制（名）"), default=0)

    jurisdiction_field = "plan__town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("方案事项")
        verbose_name_plural = _("方案事项")
        ordering = ["plan_id", "id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.get_action_display()} {self.name or self.institution}"

    def clean(self):
        if self.action == PlanLineAction.CREATE:
            if self.institution_id and self._state.adding:  # the approval links the one it set up
                raise ValidationError({"institution": _("新设机构不能选择已有机构。")})
            if not self.name or not self.nature:
                raise ValidationError({"name": _("新设机构须填写机构名称和机构性质。")})
        elif not self.institution_id:
            raise ValidationError({"institution": _("调整或撤销须选择已有机构。")})
        if self.action == PlanLineAction.ABOLISH and (self.admin_posts or self.public_posts):
            raise ValidationError({"admin_posts": _("撤销机构时编制数应为零。")})


@track()
class Post(AuditedModel):
    """A post (岗位) in an institution: its kind of establishment, its leadership level if it
    takes a leadership post, and what it is (decides the rank-up rules)."""

    institution = models.ForeignKey(Institution, verbose_name=_("内设机构"), on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("岗位名称"), max_length=64)
    kind = models.CharField(_("编制类型"), max_length=16, choices=EstablishmentKind.choices)
    leader_level = models.CharField(_("领导职数"), max_length=4, choices=LeaderLevel.choices, blank=True)
    role = models.CharField(_("岗位类别"), max_length=24, choices=PostRole.choices, default=PostRole.STAFF)
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction_field = "institution__town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["institution_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "title"], name="post_unique_title"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.institution.name} {self.title}"


@track()
class Person(AuditedModel):
    """A person in (or once in) the town's establishment (实名制): who, on which post, how and
    when they entered (and left). The ID number, phone and birth date are personal data: shown
    only to the town's clerks and the office, masked for everyone else (personnel.rules_staffing)."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="people")
    name = models.CharField(_("姓名"), max_length=32)
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=16, choices=PoliticalStatus.choices)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices)
    status = models.CharField(_("状态"), max_length=8, choices=PersonStatus.choices, default=PersonStatus.IN)
    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="holders")
    rank = models.CharField(_("职级"), max_length=16, choices=Rank.choices, default=Rank.CLERK)
    rank_since = models.DateField(_("任现职级时间"))
    entry_form = models.CharField(_("入编方式"), max_length=16, choices=EntryForm.choices)
    entry_document = models.CharField(_("入编文号"), max_length=64)
    entry_date = models.DateField(_("入编日期"))
    exit_form = models.CharField(_("出编方式"), max_length=16, choices=ExitForm.choices, blank=True)
    exit_document = models.CharField(_("出编文号"), max_length=64, blank=True)
    exit_date = models.DateField(_("出编日期"), null=True, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("在编人员")
        verbose_name_plural = _("在编人员")
        ordering = ["town__path", "id"]
        indexes = [models.Index(fields=["town", "status"], name="person_town_status")]
        constraints = [
            models.CheckConstraint(name="person_in_has_post", condition=~Q(status="in") | Q(post__isnull=False)),
            models.CheckConstraint(name="person_out_has_exit",
                                   condition=~Q(status="out") | (Q(exit_date__isnull=False) & ~Q(exit_form=""))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        problem = id_number_problem(self.id_number or "")
        if problem:
            raise ValidationError({"id_number": problem})
        if self.post_id and self.town_id and self.post.institution.town_id != self.town_id:
            raise ValidationError({"post": _("岗位不属于该镇的内设机构。")})


@track()
class StaffingMovement(AuditedModel):
    """One line of a person's record (人员变动): entry, exit, a change of post, a rank-up, each
    with its document and date and, when posts change hands, the ledger posting."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("变动类型"), max_length=16, choices=MovementKind.choices)
    form = models.CharField(_("方式"), max_length=16, blank=True)
    document_number = models.CharField(_("文号"), max_length=64)
    document_date = models.DateField(_("日期"))
    post_from = models.ForeignKey(Post, verbose_name=_("原岗位"), on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    post_to = models.ForeignKey(Post, verbose_name=_("新岗位"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    rank_from = models.CharField(_("原职级"), max_length=16, choices=Rank.choices, blank=True)
    rank_to = models.CharField(_("新职级"), max_length=16, choices=Rank.choices, blank=True)
    rule = models.CharField(_("适用规则"), max_length=32, blank=True)
    posting = models.OneToOneField(Posting, verbose_name=_("记账凭证"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    jurisdiction_field = "person__town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("人员变动")
        verbose_name_plural = _("人员变动")
        ordering = ["person_id", "document_date", "id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()} {self.document_date:%Y-%m-%d}"


@track()
class PayrollCount(AuditedModel):
    """How many people the finance bureau paid in a town in a month, per kind (财政供养人数),
    entered or imported; the cross-check compares it with the people and the approved posts."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="payroll_counts")
    month = models.DateField(_("月份"))
    kind = models.CharField(_("编制类型"), max_length=16, choices=EstablishmentKind.choices)
    count = models.PositiveIntegerField(_("发薪人数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("财政发薪人数")
        verbose_name_plural = _("财政发薪人数")
        ordering = ["-month", "town_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["town", "month", "kind"], name="payroll_unique_month"),
            models.CheckConstraint(name="payroll_first_of_month", condition=Q(month__day=1)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.town} {self.month:%Y-%m} {self.get_kind_display()} {self.count}"
