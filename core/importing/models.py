"""One job model for every import and export (NetBox's one Job model), keyed by the registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import files
from core.history import protect_deletes

from . import registry
from .errors import render


class ImportJob(models.Model):  # noqa: DJ008 - shown by its id and file name in the import pages
    """One uploaded file imported, or one large export written, for one registered kind of row.

    An import is checked first (every error, with its row and column), then imported all or
    nothing once the user confirms. Small files run in the request, large ones in a Celery task
    that updates the progress counts the page polls. A large export runs in the task too and
    leaves its file here for the user to download from the job page. The row stays as the
    record of who imported or exported what; the file is kept with it.

    ``errors`` holds the first problems found (``services.STORED_ERRORS``) as message ids and
    params (``core.importing.errors.encode``), rendered in the reader's language when shown;
    ``error_count`` counts them all.
    """

    class Direction(models.TextChoices):
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")

    class Status(models.TextChoices):
        PENDING = "pending", _("待校验")
        VALIDATING = "validating", _("校验中")
        INVALID = "invalid", _("校验未通过")
        VALID = "valid", _("校验通过，待确认导入")
        QUEUED = "queued", _("待导入")
        IMPORTING = "importing", _("导入中")
        EXPORTING = "exporting", _("导出中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    RUNNING = frozenset({Status.PENDING, Status.VALIDATING, Status.QUEUED, Status.IMPORTING, Status.EXPORTING})
    # ``message`` of a job whose task could not be sent (the broker was unreachable); its page says so.
    BROKER_UNAVAILABLE = "broker_unavailable"
    EXPORT_LABELS = {Status.QUEUED: _("待导出"), Status.EXPORTING: _("导出中"), Status.DONE: _("已导出"),
                     Status.FAILED: _("导出失败")}

    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.IMPORT)
    kind = models.CharField(_("导入内容"), max_length=64, validators=[registry.validate_key],
                            help_text=_("登记的导入导出内容，如 delegation.exercise_record"))
    file = files.FileField(_("文件"), upload_to=files.UploadTo("imports/%Y/%m/"), blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_format = models.CharField(_("文件格式"), max_length=8)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True, help_text=_("导出：列表页的查询参数"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    run_in_background = models.BooleanField(_("后台执行"), default=False)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误清单"), default=list, blank=True,
                              help_text=_("[{row, column, code, msgid, params, text}, …]，最多保存前若干条"))
    message = models.TextField(_("说明"), blank=True)
    seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入导出任务")
        verbose_name_plural = _("导入导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["started_by", "-created_at"], name="importing_job_user_created")]
        triggers = [protect_deletes()]

    @property
    def is_export(self) -> bool:
        return self.direction == self.Direction.EXPORT

    @property
    def running(self) -> bool:
        """Waiting for or inside a run (the page keeps polling)."""
        return self.status in self.RUNNING

    @property
    def waiting_note(self) -> str:
        """Why a waiting job has not started yet, when the application knows."""
        if self.running and self.message == self.BROKER_UNAVAILABLE:
            return str(_("后台任务服务暂时不可用：文件和任务已保存，服务恢复后将自动开始处理，无需重新上传。"))
        return ""

    @property
    def percent(self) -> int:
        return min(100, (100 * self.processed_rows // self.total_rows)) if self.total_rows else 0

    @property
    def registration(self):
        return registry.get(self.kind)

    @property
    def kind_label(self) -> str:
        found = registry.get(self.kind)
        return str(found.label) if found is not None else self.kind

    @property
    def status_label(self) -> str:
        if self.is_export and self.status in self.EXPORT_LABELS:
            return str(self.EXPORT_LABELS[self.status])
        return self.get_status_display()

    @property
    def download_name(self) -> str:
        """The name the browser saves the file as (the upload's own name, or the export's)."""
        return self.original_name

    def rendered_errors(self, limit: int | None = None) -> list[tuple[int, str, str]]:
        """(row, column, message) of the stored problems, in the active language."""
        stored = self.errors if limit is None else self.errors[:limit]
        return [render(e) for e in stored]
