"""/delegation/import/: delegation's import page (core.importing, with the delegation menu).

Exports and templates keep their short names (``export/exercise_record.csv``); the job pages
are core.importing's (``/import/jobs/<pk>/``), also answered at their former addresses here.
"""

from django.urls import path

from core.importing import views
from core.importing.urls import app_urlpatterns

app_name = "delegation-import"

urlpatterns = [
    *app_urlpatterns("delegation"),
    # former addresses of the job pages (bookmarks, links in old mails)
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job-confirm"),
    path("jobs/<int:pk>/errors.csv", views.job_errors, name="job-errors"),
]
