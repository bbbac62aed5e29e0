"""Establishment (编制), internal institutions, people and posts (issue 12 §1–4).

The numbers of posts live on the core ledger ("establishment", personnel/apps.py): per town an
approved account (the source, runs negative), an unallocated account, and per institution a
free and a filled account for each kind; per town the leadership posts by level. These tables
hold the documents and the people each posting rests on. The secondments, stationed units
and training are in cadres.py and certificates.py.
"""

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
from regions.models import Division

from ..choices_staffing import (
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
