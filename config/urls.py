from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core import views as core_views
from core.api.auth import obtain_token
from core.security import csp_extended

api_v1 = [
    path("auth/token/", obtain_token, name="api-token"),
    path("regions/", include("regions.api.urls")),
    path("delegation/", include("delegation.api.urls")),
    path("finance/", include("finance.api.urls")),
    path("landuse/", include("landuse.api.urls")),
    path("personnel/", include("personnel.api.urls")),
    path("oversight/", include("oversight.api.urls")),
    path("plans/", include("plans.api.urls")),
    path("dossier/", include("dossier.api.urls")),
    path("search/", include("search.api.urls")),
    path("webhooks/", include("webhooks.api.urls")),
    path("ledger/", include("core.ledger.api.urls")),
    path("notifications/", include("core.notifications.api.urls")),
]

# A request Django refuses itself (a body over DATA_UPLOAD_MAX_MEMORY_SIZE …): JSON under /api/.
handler400 = "core.api.exceptions.bad_request"
handler404 = "core.api.exceptions.not_found"  # JSON under /api/ (an id no route matches)
handler500 = "core.api.exceptions.server_error"  # JSON under /api/ too; no traceback with DEBUG off

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("regions/", include("regions.urls")),
    path("delegation/import/", include("delegation.urls_import")),
    path("import/", include("core.importing.urls")),
    path("delegation/reports/", include("delegation.urls_reports")),
    path("delegation/", include("delegation.urls")),
    path("finance/import/", include("finance.urls_import")),
    path("finance/", include("finance.urls")),
    path("landuse/import/", include("landuse.urls_import")),
    path("landuse/", include("landuse.urls")),
    path("personnel/import/", include("personnel.urls_import")),
    path("personnel/", include("personnel.urls")),
    path("oversight/", include("oversight.urls")),
    path("plans/", include("plans.urls")),
    path("dossier/", include("dossier.urls")),
    path("search/", include("search.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("ledger/", include("core.ledger.urls")),
    path("notifications/", include("core.notifications.urls")),
    # Stored files, after the owning app's check (core/files.py); nothing serves MEDIA_ROOT itself.
    path("files/", include("core.urls_files")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script from ?script: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Redoc's bundle shows its logo from its CDN (no option turns it off): allowed on this page only;
    # offline the image fails and Redoc hides it.
    path("api/redoc/", csp_extended(SpectacularRedocView.as_view(url_name="schema"), img_src=["https://cdn.redoc.ly"]),
         name="api-redoc"),
]
