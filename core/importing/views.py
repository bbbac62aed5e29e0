"""The pages of import and export, for every registered kind (NetBox's one BulkImportView).

Upload → check (every error with its row and column) → confirm → import, all or nothing.
Large files are checked and imported by the Celery task; the job page polls a small status
fragment with htmx while it runs. Exports are the user's scoped rows, filtered by the same
query parameters as the list pages, as CSV for Excel (UTF-8 with BOM) or XLSX; a large one
is a job whose file is downloaded from the job page (login and owner checked, core.files).

An app mounts its own import page (its kinds, its menu) with ``urls.app_urlpatterns(app)``;
the job pages are the same for every app (``importing:`` URLs).
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
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError

from . import files, registry, services
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
        help_text=format_lazy(gettext_lazy("Excel 工作簿（.xlsx）或 CSV（UTF-8），不超过 {mb} MB"), mb=files.MAX_UPLOAD_BYTES // 1048576),
        error_messages={"required": gettext_lazy("请选择要导入的文件。"), "empty": gettext_lazy("文件是空的。")},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


def _job_for(request, pk) -> ImportJob:
    """A job is seen only by the user who started it (and administrators): others get 404."""
    qs = ImportJob.objects.select_related("started_by")
    if not request.user.is_superuser:
        qs = qs.filter(started_by=request.user)
    return get_object_or_404(qs, pk=pk)


def _registration(key: str, fmt: str | None = None) -> registry.Registration:
    found = registry.get(key)
    if found is None or (fmt is not None and fmt not in files.FORMATS):
        raise Http404
    return found


def _attachment(content: bytes, *, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


def _app_pages(app: str | None) -> dict:
    """The menu and the start page of the app whose import page this is (or of the job's app)."""
    entry = registry.app_of(f"{app}.x") if app else None
    start = reverse("importing:start")
    if entry is not None:
        try:
            start = reverse(entry.start)
        except NoReverseMatch:
            pass
    return {"nav_template": entry.nav_template if entry else "", "start_url": start}


def _links(registration: registry.Registration, app: str | None) -> dict:
    """Export and template URLs: the app's own (``<app>/import/export/<name>.csv``) on its page."""
    entry = registry.app_of(registration.key) if app else None
    namespace = entry.start.rsplit(":", 1)[0] if entry and ":" in entry.start else ""
    links = {}
    for fmt in files.FORMATS:
        if namespace:
            links[fmt] = (reverse(f"{namespace}:export", args=[registration.name, fmt]),
                          reverse(f"{namespace}:template", args=[registration.name, fmt]))
        else:
            links[fmt] = (reverse("importing:export", args=[registration.key, fmt]),
                          reverse("importing:template", args=[registration.key, fmt]))
    return links


@login_required
def import_start(request, app: str | None = None):
    """The upload form, the user's recent jobs, and the export and template downloads."""
    prefix = f"{app}." if app else ""
    kinds = registry.registrations(app)
    importable = [r for r in kinds if r.may_import(request.user)]
    form = ImportUploadForm(request.POST or None, request.FILES or None,
                            kinds=[(r.key.removeprefix(prefix), r.label) for r in importable])
    if request.method == "POST":
        if not importable:
            raise PermissionDenied(gettext("您没有导入的权限。"))
        if form.is_valid():
            try:
                job = services.import_job_create(key=prefix + form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                                                 actor=request.user)
            except ApplicationError as e:
                form.add_error("file", e.message)
            else:
                return redirect("importing:job", pk=job.pk)
    jobs = ImportJob.objects.filter(started_by=request.user, kind__startswith=prefix).order_by("-created_at", "-id")[:20]
    rows = [{"key": r.key, "label": r.label, "links": _links(r, app)} for r in kinds]
    return render(request, "importing/start.html", {
        "form": form, "jobs": jobs, "kinds": rows, "importable": importable, "formats": files.FORMATS,
        "help_texts": [r.help_text for r in kinds if r.help_text], "inline_max_rows": services.INLINE_MAX_ROWS,
        **_app_pages(app),
    })


def _job_context(job: ImportJob) -> dict:
    shown = job.rendered_errors(ERRORS_SHOWN)
    return {"job": job, "errors": shown, "errors_hidden": max(0, job.error_count - len(shown)),
            **_app_pages(job.kind.split(".", 1)[0])}


@login_required
@require_GET
def job_page(request, pk):
    job = _job_for(request, pk)
    return render(request, "importing/job.html", _job_context(job))


@login_required
@require_GET
def job_status(request, pk):
    """The fragment the job page polls every second while a task runs (htmx)."""
    job = _job_for(request, pk)
    return render(request, "importing/job_status.html", _job_context(job))


@login_required
@require_GET
def job_status_json(request, pk):
    """The job's progress as JSON (scripts, the API's clients)."""
    from django.http import JsonResponse

    job = _job_for(request, pk)
    return JsonResponse({
        "id": job.pk, "direction": job.direction, "kind": job.kind, "status": job.status, "running": job.running,
        "total_rows": job.total_rows, "processed_rows": job.processed_rows, "percent": job.percent,
        "created": job.created_count, "updated": job.updated_count, "unchanged": job.unchanged_count,
        "error_count": job.error_count, "seconds": job.seconds,
    })


@login_required
@require_POST
def job_confirm(request, pk):
    job = _job_for(request, pk)
    try:
        job = services.import_job_confirm(job=job, actor=request.user)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        if job.status == ImportJob.Status.DONE:
            messages.success(request, gettext("已导入：新增 %(created)s 条，更新 %(updated)s 条。") % {
                "created": job.created_count, "updated": job.updated_count})
    return redirect("importing:job", pk=job.pk)


@login_required
@require_GET
def job_errors(request, pk):
    """Every stored error of a job as a CSV for Excel (row, column, message), in the reader's language."""
    job = _job_for(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("行号"), gettext("列"), gettext("错误说明")])
    stored = job.rendered_errors()
    for row, column, message in stored:
        writer.writerow([row, column, message])
    if job.error_count > len(stored):
        writer.writerow(["", "", gettext("另有 %(count)s 处错误未保存，请修改以上错误后重新上传。") % {
            "count": job.error_count - len(stored)}])
    return _attachment(("\ufeff" + out.getvalue()).encode("utf-8"), fmt="csv", name=gettext("导入错误-%(job)s") % {"job": job.pk})


@login_required
@require_GET
def job_download(request, pk):
    """A finished export's file: the owner only (others 404), who must still be allowed to export it."""
    from core.files import file_response

    job = _job_for(request, pk)
    if not job.is_export or job.status != ImportJob.Status.DONE or not job.file:
        raise Http404
    registration = job.registration
    if registration is None or not registration.may_export(request.user):
        raise PermissionDenied(gettext("您没有查看该数据的权限。"))
    return file_response(job.file, filename=job.original_name)


@login_required
@require_GET
def export(request, key, fmt):
    """Everything of ``key`` the user may see, filtered like the list page (?status=…&division=…).

    Up to ``services.EXPORT_INLINE_MAX_ROWS`` rows in the response; more become an export job.
    """
    registration = _registration(key, fmt)
    if not registration.may_export(request.user):
        raise PermissionDenied(gettext("您没有查看该数据的权限。"))
    filters = request.GET.copy() or None
    content, count = services.export_content(key=key, user=request.user, fmt=fmt, filters=filters, request=request,
                                             limit=services.EXPORT_INLINE_MAX_ROWS)
    if content is None:
        job = services.export_job_create(key=key, fmt=fmt, actor=request.user,
                                         filters={name: request.GET.getlist(name) for name in request.GET})
        messages.info(request, gettext("超过 %(limit)s 行的导出在后台生成，完成后在本页下载。") % {
            "limit": f"{services.EXPORT_INLINE_MAX_ROWS:,}"})
        return redirect("importing:job", pk=job.pk)
    return _attachment(content, fmt=fmt, name=f"{registration.label}-{timezone.localdate():%Y%m%d}")


@login_required
@require_GET
def template(request, key, fmt):
    """An empty file with the columns an import reads."""
    registration = _registration(key, fmt)
    if not registration.may_export(request.user):
        raise PermissionDenied(gettext("您没有查看该数据的权限。"))
    content = registration.resource(actor=request.user).export_bytes([], fmt)
    return _attachment(content, fmt=fmt, name=gettext("%(kind)s-导入模板") % {"kind": registration.label})


# --- an app's own import page (urls.app_urlpatterns): its kinds by their short names ----------
def export_in_app(request, app, kind, fmt):
    return export(request, f"{app}.{kind}", fmt)


def template_in_app(request, app, kind, fmt):
    return template(request, f"{app}.{kind}", fmt)
