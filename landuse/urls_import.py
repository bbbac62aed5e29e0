"""/landuse/import/: landuse's import page (core.importing, with the landuse menu): projects and
allocations, their exports and templates by short name (export/project.csv)."""

from core.importing.urls import app_urlpatterns

app_name = "landuse-import"

urlpatterns = app_urlpatterns("landuse")
