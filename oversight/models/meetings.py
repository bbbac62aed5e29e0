"""Oversight's records (DOMAIN.md §6): leading groups and their members and towns, dispatch
meetings with their agenda, attendance, decisions and action items, and findings tracked through
rectification to close-out. Every row keeps its history (core.history) and none is deleted."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import files, uploads
from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Level, Role
from regions.models import Department, Division

from ..choices import (
    AgendaKind,
    AgendaSource,
    FindingCategory,
    FindingOccasion,
    FindingState,
    GroupKind,
    MeetingKind,
    MemberRole,
    ReplyDecision,
    Severity,
)

GROUP_LEVELS = (Level.COUNTY, Level.CITY)


@track()
class LeadingGroup(AuditedModel):
    """A leading group (领导小组), its office or the coordination group of a county or city."""

    division = models.ForeignKey(Division, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                                 related_name="leading_groups")
    kind = models.CharField(_("类型"), max_length=16, choices=GroupKind.choices)
    name = models.CharField(_("名称"), max_length=128)
    parent = models.ForeignKey("self", verbose_name=_("所属领导小组"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="bodies")
    host_department = models.ForeignKey(Department, verbose_name=_("设在部门"), on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")
    set_up_on = models.DateField(_("成立日期"))
    document_number = models.CharField(_("成立文号"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("领导小组")
        verbose_name_plural = _("领导小组")
        ordering = ["division__path", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="group_name_unique_in_division")]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.division_id and self.division.level not in GROUP_LEVELS:
            errors["division"] = gettext("领导小组只能设在县（县级市、区）或市一级。")
        if self.kind == GroupKind.LEADING and self.parent_id:
            errors["parent"] = gettext("领导小组本身不隶属于其他小组。")
        if self.parent_id and self.division_id and self.parent.division_id != self.division_id:
            errors["parent"] = gettext("办公室或协调小组必须隶属于同一区划的领导小组。")
        if self.host_department_id and self.division_id and self.host_department.division_id != self.division_id:
            errors["host_department"] = gettext("设在部门必须属于本级政府。")
        if errors:
            raise ValidationError(errors)


@track()
class GroupMember(AuditedModel):
    """A member of a group: name, post, department and role in the group (组长、副组长、成员 …)."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("小组"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("职务"), max_length=128)
    department = models.ForeignKey(Department, verbose_name=_("单位"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    role = models.CharField(_("小组职务"), max_length=16, choices=MemberRole.choices)
    is_active = models.BooleanField(_("在任"), default=True)

    jurisdiction_field = "group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        ordering = ["group_id", "role", "id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.name}（{self.post}）"


@track()
class SteeredTown(AuditedModel):
    """A pilot town a group steers (联系指导的试点镇); ended, never removed."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("小组"), on_delete=models.PROTECT, related_name="steered")
    town = models.ForeignKey(Division, verbose_name=_("试点镇"), on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction_field = "group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("联系试点镇")
        verbose_name_plural = _("联系试点镇")
        constraints = [models.UniqueConstraint(fields=["group", "town"], condition=Q(is_active=True),
                                               name="steered_town_once")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.group} · {self.town}"

    def clean(self):
        if self.town_id and self.group_id:
            if self.town.level != Level.TOWN:
                raise ValidationError({"town": gettext("请选择一个镇（乡、街道）。")})
            if not self.town.path.startswith(self.group.division.path):
                raise ValidationError({"town": gettext("%(town)s不在%(division)s辖区内。") % {
                    "town": self.town.name, "division": self.group.division.name}})


@track()
class Meeting(AuditedModel):
    """A dispatch meeting (工作调度会): the monthly one exists once per group and month; the
    coordination group's ad-hoc meetings use the same record."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("小组"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices)
    month = models.DateField(_("所属月份"), help_text=_("该月1日"))
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("召开日期"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=128, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    agenda_compiled_at = models.DateTimeField(_("议题生成时间"), null=True, blank=True)

    jurisdiction_field = "group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("工作调度会")
        verbose_name_plural = _("工作调度会")
        ordering = ["-month", "group_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "month"], condition=Q(kind=MeetingKind.MONTHLY),
                                    name="meeting_monthly_once"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.title

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": gettext("所属月份应为该月1日。")})
        if self.held_on and self.month and (self.held_on.year, self.held_on.month) < (self.month.year, self.month.month):
            raise ValidationError({"held_on": gettext("召开日期不能早于所属月份。")})


@track()
class AgendaLine(AuditedModel):
    """One line of a meeting's agenda: what an app reports as needing a decision, how many, in
    which towns, and where the records behind it are (a URL name and its query)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("序号"))
    source = models.CharField(_("来源"), max_length=16, choices=AgendaSource.choices)
    kind = models.CharField(_("议题类型"), max_length=32, choices=AgendaKind.choices)
    count = models.PositiveIntegerField(_("数量"))
    summary = models.CharField(_("摘要"), max_length=500)
    by_town = models.JSONField(_("分镇数量"), default=dict, blank=True)
    url_name = models.CharField(_("链接"), max_length=100)
    url_query = models.CharField(_("链接参数"), max_length=300, blank=True)

    jurisdiction_field = "meeting__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("会议议题")
        verbose_name_plural = _("会议议题")
        ordering = ["meeting_id", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="agenda_line_once_per_kind")]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.summary


@track()
class Attendance(AuditedModel):
    """Whether a member attended a meeting (or who stood in)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(GroupMember, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("出席"))
    substitute = models.CharField(_("代为出席"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction_field = "meeting__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        triggers = [protect_deletes()]

    def clean(self):
        if self.member_id and self.meeting_id and self.member.group_id != self.meeting.group_id:
            raise ValidationError({"member": gettext("只能登记本小组成员的出席情况。")})


@track()
class Decision(AuditedModel):
    """A decision of a meeting (会议议定事项)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="decisions")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("议定事项"))

    jurisdiction_field = "meeting__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["meeting_id", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="decision_position_once")]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.text[:50]


@track()
class ActionItem(AuditedModel):
    """A task given at a meeting: who does it and by when (counted by core.deadlines)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="actions")
    decision = models.ForeignKey(Decision, verbose_name=_("议定事项"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="actions")
    text = models.TextField(_("任务"))
    owner = models.ForeignKey(GroupMember, verbose_name=_("责任人"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    owner_unit = models.CharField(_("责任单位"), max_length=128)
    within_days = models.PositiveSmallIntegerField(_("完成时限（日）"), default=30)
    due_on = models.DateField(_("完成期限"), editable=False)
    due_provisional = models.BooleanField(_("期限暂定"), default=False, editable=False)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办结登记人"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+", db_index=False, editable=False)
    done_note = models.TextField(_("完成情况"), blank=True)

    jurisdiction_field = "meeting__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(name="action_done_has_note",
                                   condition=Q(done_on__isnull=True) | ~Q(done_note="")),
        ]
        triggers = [protect_deletes()]

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today) -> bool:
        """Not done and past its deadline on ``today``."""
        return self.done_on is None and self.due_on < today

    def __str__(self):
        return self.text[:50]

    def clean(self):
        if self.owner_id and self.meeting_id and self.owner.group_id != self.meeting.group_id:
            raise ValidationError({"owner": gettext("责任人必须是本小组成员。")})
        if self.decision_id and self.meeting_id and self.decision.meeting_id != self.meeting_id:
            raise ValidationError({"decision": gettext("议定事项必须属于本次会议。")})
        if self.done_on and self.meeting_id and self.meeting.held_on and self.done_on < self.meeting.held_on:
            raise ValidationError({"done_on": gettext("完成日期不能早于会议召开日期。")})


@track()
class Finding(AuditedModel):
    """A finding of a supervision or inspection in one town (督查发现的问题): its category,
    severity and the rule breached; the town rectifies it by ``due_on`` (core.deadlines)."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("督查单位"), on_delete=models.PROTECT,
                              related_name="findings")
    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(_("督查类型"), max_length=24, choices=FindingOccasion.choices)
    category = models.CharField(_("问题类别"), max_length=16, choices=FindingCategory.choices)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("问题描述"))
    rule_breached = models.CharField(_("违反的规定"), max_length=300)
    found_on = models.DateField(_("发现日期"))
    rectify_months = models.PositiveSmallIntegerField(_("整改期限（月）"))
    due_on = models.DateField(_("整改期限"), editable=False)
    due_provisional = models.BooleanField(_("期限暂定"), default=False, editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=FindingState.choices, default=FindingState.OPEN)
    accepted_on = models.DateField(_("整改通过日期"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True, editable=False)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("督查问题")
        verbose_name_plural = _("督查问题")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["town", "due_on"], condition=~Q(state="closed"), name="finding_open_due")]
        constraints = [
            models.CheckConstraint(name="finding_due_after_found", condition=Q(due_on__gt=models.F("found_on"))),
            models.CheckConstraint(name="finding_closed_has_date",
                                   condition=~Q(state="closed") | Q(closed_on__isnull=False)),
            models.CheckConstraint(name="finding_rectify_months_range",
                                   condition=Q(rectify_months__gte=1, rectify_months__lte=12)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.town.name}：{self.description[:30]}"

    def clean(self):
        if self.town_id and self.group_id:
            if self.town.level != Level.TOWN:
                raise ValidationError({"town": gettext("请选择一个镇（乡、街道）。")})
            if not self.town.path.startswith(self.group.division.path):
                raise ValidationError({"town": gettext("%(town)s不在%(division)s辖区内。") % {
                    "town": self.town.name, "division": self.group.division.name}})


@track()
class FindingReply(AuditedModel):
    """The town's report on its rectification (整改情况报告), with evidence; the office accepts
    it or returns it with a reason."""

    finding = models.ForeignKey(Finding, verbose_name=_("督查问题"), on_delete=models.PROTECT, related_name="replies")
    submitted_on = models.DateField(_("报送日期"))
    text = models.TextField(_("整改情况"))
    decision = models.CharField(_("审核结果"), max_length=16, choices=ReplyDecision.choices,
                                default=ReplyDecision.PENDING)
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    jurisdiction_field = "finding__town"
    jurisdiction_writers = (Role.CLERK, Role.OFFICE)

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["finding_id", "submitted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding"], condition=Q(decision="pending"), name="reply_one_pending"),
            models.CheckConstraint(name="reply_returned_has_reason",
                                   condition=~Q(decision="returned") | ~Q(return_reason="")),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(finding)s 的整改报告（%(day)s）") % {"finding": self.finding, "day": self.submitted_on}


@track()
class Evidence(AuditedModel):
    """A file proving a rectification (整改佐证材料): served only through core.files' check."""

    reply = models.ForeignKey(FindingReply, verbose_name=_("整改报告"), on_delete=models.PROTECT,
                              related_name="evidence")
    file = files.FileField(_("佐证材料"), upload_to=files.UploadTo("oversight/evidence/%Y/"), accept=uploads.SCANS)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction_field = "reply__finding__town"
    jurisdiction_writers = (Role.CLERK, Role.OFFICE)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        triggers = [protect_deletes()]

    def __str__(self):
        return self.description or self.file.name.rsplit("/", 1)[-1]
