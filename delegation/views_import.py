"""Pages for importing and exporting the catalogue (mounted at /delegation/import/).

Upload → check (every error with its row and column) → confirm → import, all or nothing.
Large files are checked and imported by a Celery task; the job page polls a small status
fragment with htmx while the task runs. Exports are the scoped lists (filtered by the same
query parameters as the list pages) as CSV for Excel (UTF-8 with BOM) or XLSX.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from regions import scoping

from . import importing
from .models import ImportJob

ERRORS_SHOWN = 500
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"), choices=())
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=format_lazy(gettext_lazy("Excel 工作簿（.xlsx）或 CSV（UTF-8），不超过 {mb} MB"), mb=importing.MAX_UPLOAD_BYTES // 1048576),
        error_messages={"required": gettext_lazy("请选择要导入的文件。"), "empty": gettext_lazy("文件是空的。")},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ImportJob.Kind(k).label) for k in kinds]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


def _importable(user) -> list[str]:
    return [k for k in ImportJob.Kind.values if importing.may_import(user, k)]


def _job_for(request, pk) -> ImportJob:
    """A job is seen only by the user who uploaded it (and administrators): others get 404."""
    qs = ImportJob.objects.select_related("started_by")
    if not request.user.is_superuser:
        qs = qs.filter(started_by=request.user)
    return get_object_or_404(qs, pk=pk)


def _kind(kind: str) -> str:
    if kind not in ImportJob.Kind.values:
        raise Http404
    return kind


def _fmt(fmt: str) -> str:
    if fmt not in importing.FORMATS:
        raise Http404
    return fmt


def _attachment(content: bytes, *, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


@login_required
def import_start(request):
    """The upload form, the user's recent jobs, and the export and template downloads."""
    kinds = _importable(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST":
        if not kinds:
            raise PermissionDenied("您没有导入的权限。")
        if form.is_valid():
            try:
                job = importing.import_job_create(
                    kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], actor=request.user)
            except ApplicationError as e:
                form.add_error("file", e.message)
            else:
                return redirect("delegation-import:job", pk=job.pk)
    jobs = ImportJob.objects.filter(started_by=request.user).order_by("-created_at", "-id")[:20]
    return render(request, "delegation/import_start.html", {
        "form": form, "jobs": jobs, "kinds": [(k, ImportJob.Kind(k).label) for k in ImportJob.Kind.values],
        "importable": kinds, "formats": importing.FORMATS,
    })


def _job_context(job: ImportJob) -> dict:
    return {"job": job, "errors": job.errors[:ERRORS_SHOWN], "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN)}


@login_required
@require_GET
def import_job(request, pk):
    job = _job_for(request, pk)
    return render(request, "delegation/import_job.html", _job_context(job))


@login_required
@require_GET
def import_job_status(request, pk):
    """The fragment the job page polls every second while a task runs (htmx)."""
    job = _job_for(request, pk)
    return render(request, "delegation/import_job_status.html", _job_context(job))


@login_required
@require_POST
def import_job_confirm(request, pk):
    job = _job_for(request, pk)
    try:
        job = importing.import_job_confirm(job=job, actor=request.user)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        if job.status == ImportJob.Status.DONE:
            messages.success(request, f"已导入：新增 {job.created_count} 条，更新 {job.updated_count} 条。")
    return redirect("delegation-import:job", pk=job.pk)


@login_required
@require_GET
def import_job_errors(request, pk):
    """Every error of a job as a CSV for Excel (row, column, message)."""
    job = _job_for(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "列", "错误说明"])
    for row, column, message in job.errors:
        writer.writerow([row, column, message])
    return _attachment(("\ufeff" + out.getvalue()).encode("utf-8"), fmt="csv", name=f"导入错误-{job.pk}")


def _require_grants(user) -> None:
    if not (user.is_superuser or scoping.grants(user)):
        raise PermissionDenied("您没有查看该数据的权限。")


@login_required
@require_GET
def export(request, kind, fmt):
    """Everything of ``kind`` the user may see, filtered like the list page (?status=…&division=…)."""
    kind, fmt = _kind(kind), _fmt(fmt)
    _require_grants(request.user)
    filters = request.GET.copy()
    qs = importing.export_queryset(kind, request.user, filters=filters or None, request=request)
    content = importing.export_rows(kind=kind, queryset=qs, fmt=fmt, actor=request.user)
    return _attachment(content, fmt=fmt, name=f"{ImportJob.Kind(kind).label}-{timezone.localdate():%Y%m%d}")


@login_required
@require_GET
def template(request, kind, fmt):
    """An empty file with the columns an import reads."""
    kind, fmt = _kind(kind), _fmt(fmt)
    _require_grants(request.user)
    model = importing.MODELS[kind]
    content = importing.export_rows(kind=kind, queryset=model.objects.none(), fmt=fmt, actor=request.user)
    return _attachment(content, fmt=fmt, name=f"{ImportJob.Kind(kind).label}-导入模板")
