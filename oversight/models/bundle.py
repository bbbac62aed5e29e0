"""The auditor's report bundle (审计报告材料, issue 14 §6): one PDF for a scope and a period, made
in a Celery job whose progress the page polls.

Why not core.importing's ImportJob: its export writes one registered kind of row through an
import-export resource (tablib) and counts rows; a bundle is a document of several sections drawn
from every app, for a division and a period, with a page count. Fitting it in would need a
fake resource, the period and the division in ``filters`` and a core change for the page count;
a small model of its own is clearer. It follows the job's habits: states, progress counts the page
polls, the file served only through core.files' check, nothing deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import files
from core.history import protect_deletes
from regions.choices import Role
from regions.models import Division

__all__ = ["Bundle"]


class Bundle(models.Model):
    """One report bundle asked for by an auditor (or the office): who asked, for which division
    and period, how far its job has got (sections done of total) and, when done, its PDF."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")

    WAITING = ("queued", "running")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    division = models.ForeignKey(Division, verbose_name=_("审计范围"), on_delete=models.PROTECT, related_name="+")
    period_from = models.DateField(_("起始日期"))
    period_to = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    sections_done = models.PositiveSmallIntegerField(_("已完成部分"), default=0)
    sections_total = models.PositiveSmallIntegerField(_("部分总数"), default=0)
    pdf = files.FileField(_("PDF文件"), upload_to=files.UploadTo("bundles/%Y/"), blank=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    # Read and asked for by the bodies that audit a jurisdiction: its office and its auditors.
    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE, Role.AUDITOR)

    class Meta:
        verbose_name = _("审计报告材料")
        verbose_name_plural = _("审计报告材料")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="bundle_period_order", condition=Q(period_to__gte=models.F("period_from"))),
            models.CheckConstraint(name="bundle_done_has_pdf",
                                   condition=~Q(state="done") | (Q(generated_at__isnull=False) & ~Q(pdf=""))),
        ]
        indexes = [models.Index(fields=["division", "-created_at"], name="bundle_division_created")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.division.name} {self.period_from:%Y-%m-%d}—{self.period_to:%Y-%m-%d}"

    @property
    def running(self) -> bool:
        return self.state in self.WAITING

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, 100 * self.sections_done // self.sections_total) if self.sections_total else 0

    @property
    def download_name(self) -> str:
        return f"审计报告材料-{self.division.name}-{self.period_from:%Y%m%d}-{self.period_to:%Y%m%d}.pdf"
