"""Test settings: a throw-away embedded PostgreSQL unless DATABASE_URL is set (CI)."""

import os
import tempfile

if "DATABASE_URL" not in os.environ:
    # A fresh directory per run: nothing leaks between runs; deleted when the run ends.
    os.environ.setdefault("KUOQUAN_EMBEDDED_PG_DIR", tempfile.mkdtemp(prefix="kq-pg-"))
    os.environ.setdefault("KUOQUAN_EMBEDDED_PG_THROWAWAY", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
if "KUOQUAN_MEDIA_ROOT" not in os.environ:
    import atexit
    import shutil

    os.environ["KUOQUAN_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="kq-media-")
    atexit.register(shutil.rmtree, os.environ["KUOQUAN_MEDIA_ROOT"], ignore_errors=True)

from .settings import *  # noqa: F403
from .settings import REST_FRAMEWORK, STORAGES

# Plain storage: the manifest storage 404s unhashed names under live_server.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True  # the worker test starts a real worker and flips this off
AXES_ENABLED = True
# Each test process counts for itself (no rate limits left over in Redis from another run), and
# far above what a test sends; tests of the limits set small rates with override_settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": dict.fromkeys(
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min")}
