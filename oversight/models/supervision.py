"""The half-yearly comprehensive supervision (综合督查, DOMAIN.md §6) and its written report to the
county party committee and government; item inspections (有关事项检查); and where each finding
came from (the supervision, an item inspection, or the finance bureau's quarterly inspection),
kept beside the findings without changing them.

A supervision exists once per leading group and half year (a unique key: the half-yearly job run
twice opens one). Its report is versioned: a version number is taken when the report is asked for
(one row, state 生成中), and the job that renders it fills in that same row, so a job delivered
twice (a worker killed mid-task and the message redelivered) completes the same version."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import files
from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Role
from regions.models import Department

# The choices live in oversight.choices (models → choices); named here too, as before, so that
# ``from oversight.models import Half`` keeps working.
from ..choices import FindingOccasion, GroupKind, Half, ParticipantRole, ReportState, SupervisionState
from .meetings import Finding, LeadingGroup

__all__ = [
    "FindingSource",
    "Half",
    "ItemInspection",
    "ParticipantRole",
    "ReportState",
    "Supervision",
    "SupervisionParticipant",
    "SupervisionReport",
    "SupervisionState",
]


@track()
class Supervision(AuditedModel):
    """The comprehensive supervision of one leading group for one half year (半年综合督查)."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("领导小组"), on_delete=models.PROTECT,
                              related_name="supervisions")
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=Half.choices)
    title = models.CharField(_("名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=16, choices=SupervisionState.choices,
                             default=SupervisionState.OPEN)
    opened_on = models.DateField(_("开始日期"))
    reported_on = models.DateField(_("报告日期"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True, editable=False)

    jurisdiction_field = "group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("综合督查")
        verbose_name_plural = _("综合督查")
        ordering = ["-year", "-half", "group_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "half"], name="supervision_once_per_half"),
            models.CheckConstraint(name="supervision_half_1_or_2", condition=Q(half__in=(1, 2))),
            models.CheckConstraint(name="supervision_closed_has_date",
                                   condition=~Q(state="closed") | Q(closed_on__isnull=False)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.title

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return Half.bounds(self.year, self.half)

    def clean(self):
        if self.group_id and self.group.kind != GroupKind.LEADING:
            raise ValidationError({"group": gettext("综合督查由领导小组组织。")})


@track()
class SupervisionParticipant(AuditedModel):
    """A body taking part in the supervision (a department of the group's own government)."""

    supervision = models.ForeignKey(Supervision, verbose_name=_("综合督查"), on_delete=models.PROTECT,
                                    related_name="participants")
    department = models.ForeignKey(Department, verbose_name=_("参加单位"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("参加身份"), max_length=16, choices=ParticipantRole.choices)

    jurisdiction_field = "supervision__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("参加单位")
        verbose_name_plural = _("参加单位")
        ordering = ["supervision_id", "id"]
        constraints = [models.UniqueConstraint(fields=["supervision", "department"], name="participant_once")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.department.name}（{self.get_role_display()}）"

    def clean(self):
        if self.department_id and self.supervision_id and (
                self.department.division_id != self.supervision.group.division_id):
            raise ValidationError({"department": gettext("参加单位必须是本级政府的部门。")})


@track()
class ItemInspection(AuditedModel):
    """An inspection of one matter (有关事项检查) by the group, with the bodies taking part; its
    findings go through the same rectification as the supervision's."""

    group = models.ForeignKey(LeadingGroup, verbose_name=_("领导小组"), on_delete=models.PROTECT,
                              related_name="item_inspections")
    subject = models.CharField(_("检查事项"), max_length=200)
    inspected_on = models.DateField(_("检查日期"))
    participants = models.ManyToManyField(Department, verbose_name=_("参加单位"), blank=True, related_name="+")
    note = models.TextField(_("说明"), blank=True)

    jurisdiction_field = "group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("有关事项检查")
        verbose_name_plural = _("有关事项检查")
        ordering = ["-inspected_on", "-id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.subject


@track()
class FindingSource(AuditedModel):
    """Where a finding came from: exactly one of the supervision, an item inspection, or a finding
    of the finance bureau's quarterly inspection (its id in finance; taken over once)."""

    finding = models.OneToOneField(Finding, verbose_name=_("督查问题"), on_delete=models.PROTECT,
                                   related_name="source")
    supervision = models.ForeignKey(Supervision, verbose_name=_("综合督查"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="sources")
    inspection = models.ForeignKey(ItemInspection, verbose_name=_("有关事项检查"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="sources")
    finance_finding_id = models.PositiveIntegerField(_("财政检查问题编号"), null=True, blank=True, unique=True)

    jurisdiction_field = "finding__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("问题来源")
        verbose_name_plural = _("问题来源")
        constraints = [
            models.CheckConstraint(name="finding_source_exactly_one", condition=(
                Q(supervision__isnull=False, inspection__isnull=True, finance_finding_id__isnull=True)
                | Q(supervision__isnull=True, inspection__isnull=False, finance_finding_id__isnull=True)
                | Q(supervision__isnull=True, inspection__isnull=True, finance_finding_id__isnull=False))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return str(self.finding)

    def clean(self):
        if self.finding_id:
            occasion = (FindingOccasion.SUPERVISION if self.supervision_id else FindingOccasion.ITEM_INSPECTION
                        if self.inspection_id else FindingOccasion.FINANCE_INSPECTION)
            if self.finding.occasion != occasion:
                raise ValidationError({"finding": gettext("问题的督查类型与来源不一致。")})
        owner = self.supervision or self.inspection
        if owner is not None and self.finding_id and owner.group_id != self.finding.group_id:
            raise ValidationError({"finding": gettext("问题必须由同一领导小组发现。")})


@track()
class SupervisionReport(AuditedModel):
    """One version of the written report (书面报告) to the county party committee and government:
    its number is taken when it is asked for; the job stores the PDF and the figures it shows."""

    supervision = models.ForeignKey(Supervision, verbose_name=_("综合督查"), on_delete=models.PROTECT,
                                    related_name="reports")
    version = models.PositiveSmallIntegerField(_("版本"))
    state = models.CharField(_("状态"), max_length=16, choices=ReportState.choices, default=ReportState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    as_of = models.DateField(_("数据截止日期"))
    pdf = files.FileField(_("报告文件"), upload_to=files.UploadTo("oversight/supervision/%Y/"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True, editable=False)
    figures = models.JSONField(_("数据快照"), default=dict, blank=True)
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)

    jurisdiction_field = "supervision__group__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("督查报告")
        verbose_name_plural = _("督查报告")
        ordering = ["supervision_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["supervision", "version"], name="supervision_report_version_once"),
            models.CheckConstraint(name="supervision_report_done_has_pdf",
                                   condition=~Q(state="done") | (~Q(pdf="") & Q(generated_at__isnull=False))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(supervision)s报告（第%(version)s版）") % {"supervision": self.supervision,
                                                                "version": self.version}

    @property
    def filename(self) -> str:
        return f"{self.supervision.title}-v{self.version}.pdf"
