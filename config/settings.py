"""Kuoquan settings. Everything that differs between machines comes from the environment.

DATABASE_URL   postgresql://… (production, CI). Unset: an embedded PostgreSQL in var/pgdata.
REDIS_URL      redis://…      (production, CI). Unset: eager tasks, unless the run command
                              started an embedded Redis and exported its URL.
DJANGO_DEBUG   1 for development. Off (the default) is production: no debug pages,
               DJANGO_SECRET_KEY required.
DJANGO_HTTPS   1: served over TLS behind a proxy (HSTS, Secure cookies, redirect to https);
               0: plain http on purpose; unset: on unless every allowed host is this machine.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
# No key written in the source with DEBUG off: a key everyone can read signs everyone's sessions.
# On a laptop (the embedded database, no DATABASE_URL) the checkout's own random key in
# var/secret_key, the one `kq.py run` exports, made here if missing, so `manage.py …` works there
# as it does under `run`; with DATABASE_URL (production, CI) DJANGO_SECRET_KEY is required.
SECRET_KEY_FILE = Path(os.environ.get("KUOQUAN_SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))


def _checkout_secret_key() -> str:
    import secrets

    if not SECRET_KEY_FILE.exists():
        SECRET_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_KEY_FILE.touch(mode=0o600)
        SECRET_KEY_FILE.write_text(secrets.token_urlsafe(50))
    return SECRET_KEY_FILE.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("dev-only-insecure-key-kuoquan" if DEBUG else "")
if not SECRET_KEY and "DATABASE_URL" not in os.environ:
    SECRET_KEY = _checkout_secret_key()
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DATABASE_URL is set and DEBUG is off "
                       "(DJANGO_DEBUG=1 for development)")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_celery_beat",
    "django_htmx",
    "axes",
    # ours, in layer order (STYLE.md)
    "core",
    "core.ledger",  # app label "ledger": its own migrations
    "core.notifications",  # app label "notifications": its own migrations
    "core.importing",  # app label "importing": import/export jobs, its own migrations
    "regions",
    "personnel",
    "delegation",
    "finance",
    "landuse",
    "oversight",
    "plans",  # 实施方案 drafted from the data (issue 15)
    "dossier",  # 一镇一档
    "search",  # search across the apps (pg_trgm)
    "webhooks",  # event subscriptions of superior departments
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records user and URL on every change row written during a request (DRF users too).
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

# Change history (core/history.py): one trigger run per statement, not per row, so a bulk
# insert writes its event rows in one go (100k inserts with history: 7.0 s → 2.7 s here).
# Copied foreign keys in event tables are not indexed (history is read per object).
import pghistory  # noqa: E402
import pgtrigger  # noqa: E402

PGHISTORY_LEVEL = pgtrigger.Statement
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "regions.context_processors.jurisdiction",
                "core.context_processors.calendar_banner",
                "core.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database: PostgreSQL everywhere -------------------------------------------------------
EMBEDDED_PG_DIR = Path(os.environ.get("KUOQUAN_EMBEDDED_PG_DIR", BASE_DIR / "var" / "pgdata"))
if "DATABASE_URL" not in os.environ:
    from core.embedded import postgres_url

    os.environ["DATABASE_URL"] = postgres_url(
        EMBEDDED_PG_DIR, throwaway=os.environ.get("KUOQUAN_EMBEDDED_PG_THROWAWAY") == "1"
    )
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# pgtrigger's functions raise and catch an error on every row when this setting is missing;
# each caught error rescans the transaction's pending FK checks, so big inserts turned
# quadratic (bulk_create: 1,107 rows/s). "Ignore nothing" as the session default avoids it.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c pgtrigger.ignore={}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The ledger (core/ledger) names its owner model and scope by string: core may not import regions.
LEDGER_OWNER_MODEL = "regions.Division"
LEDGER_SCOPE = "regions.scoping.scope"
# The generic pages (core/generic) scope their rows and check writes through this module's
# scope / can / may_write_model, for the same reason.
GENERIC_SCOPING = "regions.scoping"

# --- Auth --------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Permissions that follow from a role (core.add_calendaryear for offices and superiors);
    # before ModelBackend so that, for those, the roles answer without a permissions query.
    "regions.backends.RolePermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- I18n: Simplified Chinese first ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# zh-hans input formats with the ISO date first (config/formats/zh_Hans/formats.py): date inputs
# render their value as yyyy-MM-dd, the only form browsers accept.
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"  # not routed: stored files are served by core/files.py after a check
MEDIA_ROOT = Path(os.environ.get("KUOQUAN_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Where `manage.py backup` (and core.tasks.backup_task) writes <YYYYmmdd-HHMMSS>/ without a DIR.
BACKUP_ROOT = Path(os.environ.get("KUOQUAN_BACKUP_DIR", BASE_DIR / "var" / "backups"))
# Who sends a checked file's bytes (core/files.py): "" Django itself; "nginx" X-Accel-Redirect to
# KQ_FILES_ACCEL_PREFIX (an `internal` location aliasing MEDIA_ROOT); "apache" X-Sendfile.
KQ_FILES_ACCEL = os.environ.get("KQ_FILES_ACCEL", "")
KQ_FILES_ACCEL_PREFIX = os.environ.get("KQ_FILES_ACCEL_PREFIX", "/protected-files/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Source maps are fetched only by a browser's developer tools; compressing the vendored ones
# (redoc's is 3.9 MB) took three quarters of collectstatic's time (76 s → 20 s here).
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- REST framework and OpenAPI ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "regions.authentication.TokenAuthentication",  # token, user and memberships in one query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["regions.permissions.JurisdictionPermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.api.filtering.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",  # documents 400/401/403/404/409
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.ORJSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    # Per user (so per token: one token a user) and per address for anonymous callers; the token
    # endpoint has its own, stricter pair (core/api/throttling.py). Counted in CACHES["default"].
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.UserRateThrottle", "core.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("KQ_THROTTLE_USER", "600/min"),
        "anon": os.environ.get("KQ_THROTTLE_ANON", "60/min"),
        "token_address": os.environ.get("KQ_THROTTLE_TOKEN_ADDRESS", "10/min"),
        "token_username": os.environ.get("KQ_THROTTLE_TOKEN_USERNAME", "5/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "扩权强镇管理平台 API (Kuoquan)",
    "DESCRIPTION": "Every list is scoped to the caller's jurisdiction. Token auth: "
    "`Authorization: Token <key>` (POST /api/v1/auth/token/).",
    "VERSION": "1.0.0",
    # Each operation tagged by its app (the path's part after /api/v1/), not by the version.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several fields share one set of choices; name the enum once instead of warning.
    "ENUM_NAME_OVERRIDES": {
        "LimitUnitEnum": "delegation.choices.LimitUnit",
        "ItemStatusEnum": "delegation.choices.ItemStatus",
    },
}

# --- Celery ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The cache is shared by every gunicorn worker (API rate limits count there): Redis when there
# is one (`run` starts an embedded one: kombu's redis+socket:// is redis-py's unix://).
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL.replace("redis+socket://", "unix://", 1),
        "KEY_PREFIX": "kq",
        # Redis down: fail fast (the rate limits let requests through, core/api/throttling.py).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker (a bare `manage.py` on a laptop) tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Settings' schedule seeds the periodic tasks; an administrator's later edits in the admin win.
CELERY_BEAT_SCHEDULER = "core.beat:SeedingDatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "core.tasks.clear_sessions_task", "schedule": crontab(hour=3, minute=0)},
    "calendar-sync": {"task": "core.tasks.calendar_sync_task", "schedule": crontab(hour=0, minute=5)},
    "bring-items-into-force": {
        "task": "delegation.tasks.bring_items_into_force_task", "schedule": crontab(hour=0, minute=10),
    },
    "expire-ledger-reservations": {
        "task": "core.ledger.tasks.expire_pending_postings_task", "schedule": crontab(hour=0, minute=20),
    },
    # Projects whose quota reservation expired: released and marked lapsed (after the ledger's own job).
    "lapse-land-reservations": {"task": "landuse.tasks.lapse_reservations_task", "schedule": crontab(hour=0, minute=25)},
    # This month's dispatch meeting (工作调度会) of every active leading group, with its agenda.
    # Every morning, not only on the 1st: a run finds this month's meeting and changes nothing, so
    # the daily run is what catches up a 1st the worker or beat missed (issue 14 §7), once.
    "create-monthly-meetings": {"task": "oversight.tasks.create_monthly_meetings_task",
                                "schedule": crontab(hour=6, minute=0)},
    # The half year's comprehensive supervision (综合督查) of every active leading group. Every
    # morning: the first run of a half opens them, later runs find them (unique key), so a
    # missed 1 January / 1 July is caught up the next morning, once (issue 14 §7).
    "open-supervisions": {"task": "oversight.tasks_supervision.open_supervisions_task",
                          "schedule": crontab(hour=6, minute=5)},
    "verify-ledger-chains": {"task": "core.ledger.tasks.verify_ledgers_task", "schedule": crontab(hour=2, minute=30)},
    # Every app's registered notice producer (core.notifications.registry); idempotent.
    "daily-notifications": {"task": "core.notifications.tasks.run_daily_task", "schedule": crontab(hour=7, minute=0)},
    # Notices not mailed yet (the broker or the mail server was down when they were written).
    "email-pending-notifications": {"task": "core.notifications.tasks.email_notifications_task",
                                    "schedule": crontab(minute="*/15")},
    # Import/export jobs a dead worker left "running" are marked failed (core.importing).
    "sweep-stale-import-jobs": {"task": "core.importing.tasks.sweep_stale_jobs_task", "schedule": crontab(minute="*/10")},
    # Auditor's bundles left queued (the broker was down, the message lost) or running with no
    # worker holding them: sent again through the same idempotent job, given up after 6 hours.
    "sweep-stale-bundles": {"task": "oversight.tasks_bundle.sweep_bundles_task", "schedule": crontab(minute="*/5")},
    # Overdue filings and entitlements as webhook events, once each (webhooks, issue 15 §4).
    "webhooks-overdue-scan": {"task": "webhooks.tasks.scan_overdue_task", "schedule": crontab(hour=6, minute=30)},
}

# Task modules not named tasks.py (autodiscover_tasks imports only <app>.tasks).
CELERY_IMPORTS = ["oversight.tasks_supervision", "oversight.tasks_bundle"]

# --- Event subscriptions (webhooks) -------------------------------------------------------------
# Receivers on 127.0.0.1 or private networks: allowed in development (DEBUG), refused otherwise
# unless KQ_WEBHOOKS_ALLOW_PRIVATE=1 (an intranet receiver of a department).
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = os.environ.get("KQ_WEBHOOKS_ALLOW_PRIVATE", "1" if DEBUG else "0") == "1"
WEBHOOKS_TIMEOUT = 5.0  # seconds per attempt
WEBHOOKS_MAX_ATTEMPTS = 5  # the first try and four retries: 1, 2, 4, 8 minutes apart
WEBHOOKS_BACKOFF_SECONDS = 60

# --- Email (notifications) ----------------------------------------------------------------
# EMAIL_URL names the mail server like DATABASE_URL names the database (core/notifications/
# email_url.py): smtp://user:password@host:587?tls=1, smtps://…, console://. Notices are mailed
# when it is set or the usual EMAIL_* settings are (core.notifications.services.email_enabled).
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    from core.notifications.email_url import parse_email_url

    globals().update(parse_email_url(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", globals().get("DEFAULT_FROM_EMAIL", "kuoquan@localhost"))
# The address links in mails start with (pages link by path); e.g. https://kq.example.org
SITE_URL = os.environ.get("KUOQUAN_SITE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- HTTP security (manage.py check --deploy is clean with DJANGO_HTTPS on) --------------------
# HTTPS is on when asked (DJANGO_HTTPS=1), or by default as soon as a host other than this machine
# is served with DEBUG off: a deployment with a real host name never sends non-Secure session
# cookies without someone writing DJANGO_HTTPS=0. `kq.py run` (http://127.0.0.1) stays on plain http.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_https = os.environ.get("DJANGO_HTTPS", "")
if _https not in ("", "0", "1"):
    raise RuntimeError("DJANGO_HTTPS must be 1 (behind TLS), 0 (plain http) or unset")
HTTPS = _https == "1" if _https else (not DEBUG and not set(ALLOWED_HOSTS) <= LOCAL_HOSTS)
if HTTPS:
    # TLS ends at the proxy (nginx, a load balancer), which must set this header and drop a client's own.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's own health probe may use plain http
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "1") == "1"
# Rate limits count anonymous callers by address: behind the proxy the client is the last
# X-Forwarded-For entry it adds; without one (`run`) the socket's address, so a forged header counts for nothing.
REST_FRAMEWORK["NUM_PROXIES"] = int(os.environ.get("KQ_NUM_PROXIES", "1" if HTTPS else "0"))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# core/security.py sends it (Django 6.0's setting shape). No inline script anywhere: Swagger UI
# loads its init script from ?script, Redoc starts from an attribute. Inline styles stay allowed:
# Redoc and Swagger UI inject <style> elements and the progress bars set style="width: …".
# Bootstrap's CSS and Swagger UI draw data: images; Redoc's search runs in a blob: worker.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
