from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from core import views as core_views

api_v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("regions/", include("regions.api.urls")),
    path("delegation/", include("delegation.api.urls")),
    path("ledger/", include("core.ledger.api.urls")),
    path("notifications/", include("core.notifications.api.urls")),
]

# A request Django refuses itself (a body over DATA_UPLOAD_MAX_MEMORY_SIZE …): JSON under /api/.
handler400 = "core.api.exceptions.bad_request"

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
    path("ledger/", include("core.ledger.urls")),
    path("notifications/", include("core.notifications.urls")),
    # Stored files, after the owning app's check (core/files.py); nothing serves MEDIA_ROOT itself.
    path("files/", include("core.urls_files")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
