from django.urls import path

from . import views_import as views

app_name = "delegation-import"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("jobs/<int:pk>/", views.import_job, name="job"),
    path("jobs/<int:pk>/status/", views.import_job_status, name="job-status"),
    path("jobs/<int:pk>/confirm/", views.import_job_confirm, name="job-confirm"),
    path("jobs/<int:pk>/errors.csv", views.import_job_errors, name="job-errors"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("template/<slug:kind>.<slug:fmt>", views.template, name="template"),
]
