"""/finance/import/: finance's import page (core.importing, with the finance menu): revenue records."""

from core.importing.urls import app_urlpatterns

app_name = "finance-import"

urlpatterns = app_urlpatterns("finance")
