"""Import and export jobs: create, confirm, run, store. Services write; the task and the views call them.

Upload → check (every error, with its row and column) → confirm → import, all or nothing. A
file of more than ``INLINE_MAX_ROWS`` rows (counted by streaming) or ``INLINE_MAX_BYTES``
runs in the Celery task, enqueued by name after commit: this module never imports the task.
A large export (more than ``EXPORT_INLINE_MAX_ROWS`` rows) is a job too; its file stays on the
job, downloaded through the checked file view (``core.files``), never a public /media/ URL.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, ConflictError

from . import files, registry
from .errors import ErrorList, ImportFileError, RowError, encode
from .models import ImportJob
from .resources import Finalize, ImportResult, Progress, import_table

logger = logging.getLogger(__name__)

INLINE_MAX_ROWS = 2000
INLINE_MAX_BYTES = 1024 * 1024  # larger files never run in the request, whatever their row count
EXPORT_INLINE_MAX_ROWS = 5000
PROGRESS_EVERY = 5000
STORED_ERRORS = 1000  # the job keeps the first ones and the count of all
STALE_AFTER = datetime.timedelta(minutes=30)
RESEND_AFTER = datetime.timedelta(minutes=5)  # a background job still waiting after this is sent again
WAITING = [ImportJob.Status.PENDING, ImportJob.Status.QUEUED]  # for a worker to take the next step
TASK = "core.importing.tasks.run_job_task"


def import_file(*, key: str, file_bytes: bytes | None = None, rows=None, fmt: str = "csv", actor, dry_run: bool = False,
                progress: Progress | None = None, finalize: Finalize | None = None, reason: str = "") -> ImportResult:
    """Import a file (or rows: mappings by column header) of the registered ``key``, all or nothing.

    The registration's ``fast_import`` reads the table when it has one (a COPY path), else its
    resource does (``resources.import_table``).
    """
    registration = registry.get(key)
    if registration is None:
        raise KeyError(key)
    started = time.perf_counter()
    try:
        table = files.load_table(file_bytes=file_bytes, rows=rows, fmt=fmt)
    except ImportFileError as e:
        return ImportResult(errors=ErrorList(e.errors), seconds=time.perf_counter() - started)
    read = time.perf_counter() - started
    reason = reason or gettext("导入%(kind)s") % {"kind": registration.label}
    if registration.fast_import is not None:
        result = registration.fast_import(table=table, actor=actor, dry_run=dry_run, progress=progress,
                                          finalize=finalize, reason=reason)
    else:
        result = import_table(registration.resource(actor=actor), table, dry_run=dry_run, progress=progress,
                              finalize=finalize, reason=reason)
    result.timings["read"] = read + result.timings.get("read", 0.0)
    result.seconds = time.perf_counter() - started
    return result


# --- creating jobs ------------------------------------------------------------------------
def import_job_create(*, key: str, upload, actor) -> ImportJob:
    """Accept an uploaded file and check it: in the request when small, else in a task.

    Raises ApplicationError with a message for the user when the file cannot be imported at all.
    """
    registration = registry.get(key)
    if registration is None:
        raise ApplicationError(gettext("请选择要导入的内容。"), code="import_kind")
    if not registration.may_import(actor):
        raise ApplicationError(gettext("您没有导入%(kind)s的权限。") % {"kind": registration.label}, code="import_forbidden")
    try:
        fmt = files.check_upload(upload.name, upload.size, upload)
    except ImportFileError as e:
        raise ApplicationError(str(e), code="import_file") from e
    upload.seek(0)
    data = upload.read()
    job = ImportJob(kind=key, original_name=upload.name[:255], file_format=fmt, started_by=actor)
    job.file.save(f"{registration.name}.{fmt}", ContentFile(data), save=False)
    job.total_rows = files.estimate_rows(data, fmt, limit=INLINE_MAX_ROWS)
    job.run_in_background = job.total_rows > INLINE_MAX_ROWS or len(data) > INLINE_MAX_BYTES
    job.save()
    _dispatch(job)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """The user confirms a checked file: import it (in the request when small, else in a task)."""
    if job.started_by_id != getattr(actor, "pk", None) and not getattr(actor, "is_superuser", False):
        raise ApplicationError(gettext("只有上传该文件的用户可以确认导入。"), code="import_not_owner")
    claimed = ImportJob.objects.filter(pk=job.pk, direction=ImportJob.Direction.IMPORT,
                                       status=ImportJob.Status.VALID).update(status=ImportJob.Status.QUEUED)
    if not claimed:
        job.refresh_from_db()
        raise ConflictError(gettext("该导入任务当前状态为“%(status)s”，不能确认导入。") % {"status": job.status_label},
                            code="import_state")
    job.refresh_from_db()
    _dispatch(job)
    job.refresh_from_db()
    return job


def export_job_create(*, key: str, fmt: str, actor, filters: dict[str, list[str]] | None = None) -> ImportJob:
    """A large export: written by the task, downloaded from the job page when done."""
    registration = registry.get(key)
    if registration is None or fmt not in files.FORMATS:
        raise ApplicationError(gettext("请选择要导出的内容。"), code="export_kind")
    if not registration.may_export(actor):
        raise ApplicationError(gettext("您没有查看该数据的权限。"), code="export_forbidden")
    name = f"{registration.label}-{timezone.localdate():%Y%m%d}.{fmt}"
    job = ImportJob.objects.create(
        direction=ImportJob.Direction.EXPORT, kind=key, file_format=fmt, filters=filters or {}, original_name=name[:255],
        status=ImportJob.Status.QUEUED, run_in_background=True, started_by=actor,
    )
    _dispatch(job)
    return job


def _dispatch(job: ImportJob) -> None:
    if job.run_in_background:
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    else:
        job_run(job_id=job.pk)


def _enqueue(job_id: int) -> bool:
    """Send the task by name (core.importing.tasks): the services never import the task module.

    With the broker unreachable the job is kept as it is (waiting), marked so that its page
    says why, and sent again by the sweeper (``waiting_jobs_resend``) once the broker is back:
    no job is lost and the request does not fail. No result is stored or read: with a result
    backend on a Redis that is down, sending blocked about 20 s and then raised.
    """
    from celery import current_app
    from kombu.exceptions import OperationalError as BrokerError

    try:
        current_app.signature(TASK, args=(job_id,)).apply_async(ignore_result=True)
    except BrokerError:
        logger.warning("import job %s: broker unreachable; kept waiting, the sweeper sends it again", job_id,
                       exc_info=True)
        ImportJob.objects.filter(pk=job_id, status__in=WAITING).update(message=ImportJob.BROKER_UNAVAILABLE)
        return False
    return True


# --- running jobs -------------------------------------------------------------------------
_LOCK_NAMESPACE = 0x6B71_0000_0000  # "kq": keeps job locks apart from other advisory locks


def job_run(*, job_id: int) -> None:
    """Run whatever step the job waits for (check, import or export); idempotent.

    A session advisory lock keeps two workers off one job; a finished job is left alone. An
    import and the job's "done" status commit together, so a crash in between leaves a job
    that can simply be run again. Messages are written in the site's language (their ids are
    stored; the page translates them for each reader).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_NAMESPACE + job_id])
        if not cursor.fetchone()[0]:
            return
    try:
        with translation.override(settings.LANGUAGE_CODE):
            job = ImportJob.objects.select_related("started_by").filter(pk=job_id).first()
            if job is None:
                return
            if job.is_export:
                if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.EXPORTING):
                    _run_export(job)
            elif job.status in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING):
                _run_import(job, commit=False)
            elif job.status in (ImportJob.Status.QUEUED, ImportJob.Status.IMPORTING):
                _run_import(job, commit=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_NAMESPACE + job_id])


def _store(job: ImportJob, result: ImportResult, *, status: str, seconds: float) -> None:
    job.status = status
    job.total_rows = result.total
    job.processed_rows = result.total
    job.created_count, job.updated_count, job.unchanged_count = result.created, result.updated, result.unchanged
    job.error_count = result.error_count
    job.errors = [encode(e) for e in result.errors[:STORED_ERRORS]]
    job.seconds = round(seconds, 3)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total_rows", "processed_rows", "created_count", "updated_count",
                            "unchanged_count", "error_count", "errors", "seconds", "finished_at"])


def _fail(job: ImportJob, error: Exception, template) -> None:
    logger.error("import job %s failed", job.pk, exc_info=error)
    problem = RowError.of(0, "", template, code="system", error=type(error).__name__)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, errors=[encode(problem)], error_count=1,
                                               finished_at=timezone.now())


def _run_import(job: ImportJob, *, commit: bool) -> None:
    started = time.perf_counter()
    running = ImportJob.Status.IMPORTING if commit else ImportJob.Status.VALIDATING
    ImportJob.objects.filter(pk=job.pk).update(status=running, processed_rows=0, message="", started_at=timezone.now())

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    def finalize(result: ImportResult) -> None:  # inside the import's transaction; timed before saving
        _store(job, result, status=ImportJob.Status.DONE, seconds=time.perf_counter() - started)

    try:
        with job.file.open("rb") as f:
            data = f.read()
        result = import_file(
            key=job.kind, file_bytes=data, fmt=job.file_format, actor=job.started_by, dry_run=not commit,
            progress=progress, finalize=finalize if commit else None,
            reason=gettext("导入%(kind)s：%(name)s（导入任务 %(job)s）") % {
                "kind": job.kind_label, "name": job.original_name, "job": job.pk},
        )
    except Exception as e:  # the job's boundary: record the failure, never leave it "running"
        _fail(job, e, _("导入时出现系统错误（%(error)s），未写入任何记录。"))
        return
    seconds = time.perf_counter() - started
    if commit:
        if not result.committed:
            _store(job, result, status=ImportJob.Status.FAILED, seconds=seconds)
    else:
        _store(job, result, status=ImportJob.Status.INVALID if result.errors else ImportJob.Status.VALID, seconds=seconds)


def export_filters(job: ImportJob) -> QueryDict | None:
    """The list page's query the export was asked with, as the FilterSet reads it."""
    if not job.filters:
        return None
    query = QueryDict(mutable=True)
    for name, values in job.filters.items():
        query.setlist(name, values if isinstance(values, list) else [values])
    return query


def export_content(*, key: str, user, fmt: str, filters=None, request=None, limit: int | None = None):
    """(bytes, row count) of what ``user`` may see of ``key``; ``limit``: (None, count) past it."""
    registration = registry.get(key)
    queryset = registration.export_queryset(user=user, filters=filters, request=request)
    rows = queryset
    if limit is not None:
        rows = list(queryset[: limit + 1])  # one query decides between the request and a job
        if len(rows) > limit:
            return None, len(rows)
    content = registration.resource(actor=user).export_bytes(rows, fmt)
    return content, (len(rows) if isinstance(rows, list) else None)


def _run_export(job: ImportJob) -> None:
    started = time.perf_counter()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.EXPORTING, message="", started_at=timezone.now())
    try:
        registration = job.registration
        if registration is None or not registration.may_export(job.started_by):
            raise PermissionError(job.kind)
        queryset = registration.export_queryset(user=job.started_by, filters=export_filters(job), request=None)
        total = queryset.count()
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
        content = registration.resource(actor=job.started_by).export_bytes(queryset, job.file_format)
        job.file.save(f"{registration.name}.{job.file_format}", ContentFile(content), save=False)
    except Exception as e:
        _fail(job, e, _("导出时出现系统错误（%(error)s），请重试或联系管理员。"))
        return
    job.status = ImportJob.Status.DONE
    job.total_rows = job.processed_rows = total
    job.finished_at = timezone.now()
    job.seconds = round(time.perf_counter() - started, 3)
    job.save(update_fields=["file", "status", "total_rows", "processed_rows", "finished_at", "seconds"])


def stale_jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Jobs left "running" by a worker that died: failed, saying so (nothing was written).

    A job is stale when it started more than ``STALE_AFTER`` ago and no session holds its
    advisory lock (a live run holds it to the end). An import commits with its "done" status,
    so a job still marked running wrote nothing. Returns how many were marked.
    """
    now = now or timezone.now()
    running = [ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING, ImportJob.Status.EXPORTING]
    marked = 0
    for job_id in ImportJob.objects.filter(status__in=running, started_at__lt=now - STALE_AFTER).values_list("pk", flat=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_NAMESPACE + job_id])
            if not cursor.fetchone()[0]:
                continue  # a worker is on it
        try:
            with translation.override(settings.LANGUAGE_CODE):
                problem = RowError.of(0, "", _("处理中断（后台进程已退出），没有写入任何记录，请重新上传。"), code="stale")
            marked += ImportJob.objects.filter(pk=job_id, status__in=running).update(
                status=ImportJob.Status.FAILED, errors=[encode(problem)], error_count=1, finished_at=now)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_NAMESPACE + job_id])
    return marked


def waiting_jobs_resend(*, now: datetime.datetime | None = None) -> int:
    """Background jobs still waiting for a worker: sent again; how many.

    A job whose message never reached the broker (Redis down when it was uploaded or confirmed,
    or the web process gone between commit and send) would otherwise wait for good. A job is
    sent again when it has waited more than ``RESEND_AFTER`` since it was created and since its
    last step started. A second message for a job that was only slow to be taken is harmless:
    ``job_run`` takes the job's advisory lock and runs only the step the job waits for.
    """
    now = now or timezone.now()
    cutoff = now - RESEND_AFTER
    waiting = ImportJob.objects.filter(status__in=WAITING, run_in_background=True, created_at__lt=cutoff).filter(
        Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
    return sum(_enqueue(job_id) for job_id in waiting.values_list("pk", flat=True))
