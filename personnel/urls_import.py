"""/personnel/import/: personnel's import page (core.importing, with personnel's tabs): institutions
(as lines of a draft plan), posts, people (entry into establishment) and the monthly payroll count,
their exports and templates by short name (export/person.csv)."""

from core.importing.urls import app_urlpatterns

app_name = "personnel-import"

urlpatterns = app_urlpatterns("personnel")
