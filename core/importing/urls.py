"""/import/…: the job pages, exports and templates of every registered kind (mounted by config/urls.py).

An app mounts its own import page with its menu and short kind names:

    # finance/urls_import.py
    from core.importing.urls import app_urlpatterns
    app_name = "finance-import"
    urlpatterns = app_urlpatterns("finance")
"""

from django.urls import path, register_converter

from . import views


class KeyConverter:
    """A registry key: "<app label>.<name>"."""

    regex = r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KeyConverter, "importkey")

app_name = "importing"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/status.json", views.job_status_json, name="job-status-json"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job-confirm"),
    path("jobs/<int:pk>/errors.csv", views.job_errors, name="job-errors"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("export/<importkey:key>.<slug:fmt>", views.export, name="export"),
    path("template/<importkey:key>.<slug:fmt>", views.template, name="template"),
]


def app_urlpatterns(app: str) -> list:
    """An app's import page (``start``) and its exports and templates by short name (``export``, ``template``)."""
    return [
        path("", views.import_start, {"app": app}, name="start"),
        path("export/<slug:kind>.<slug:fmt>", views.export_in_app, {"app": app}, name="export"),
        path("template/<slug:kind>.<slug:fmt>", views.template_in_app, {"app": app}, name="template"),
    ]
