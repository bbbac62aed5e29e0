"""Test settings: a throw-away embedded PostgreSQL unless DATABASE_URL is set (CI)."""

import os
import tempfile

if "DATABASE_URL" not in os.environ:
    # A fresh directory per run: nothing leaks between runs; deleted when the run ends.
    os.environ.setdefault("KUOQUAN_EMBEDDED_PG_DIR", tempfile.mkdtemp(prefix="kq-pg-"))
    os.environ.setdefault("KUOQUAN_EMBEDDED_PG_THROWAWAY", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL", "").startswith("redis://"):
    # Parallel run (kq.py test): worker gwN uses Redis database (base - N) mod 16, so two workers
    # never share a broker queue or a key; set in the environment for the processes tests start.
    import re as _re

    _base = _re.match(r"^(redis://[^/]+)(?:/(\d+))?$", os.environ["REDIS_URL"])
    if _base:
        _db = (int(_base.group(2) or 0) - int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))) % 16
        os.environ["REDIS_URL"] = f"{_base.group(1)}/{_db}"
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
