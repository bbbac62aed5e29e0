"""The production settings (config.settings: DEBUG off, Redis cache, persistent connections with
health checks) for the fault tests' real gunicorn, with plain static storage: the tests do not
run collectstatic, which the manifest storage needs."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
