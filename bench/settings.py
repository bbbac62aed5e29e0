"""The project's settings for the in-process benchmark (run.py): identical except that static
files resolve without a collectstatic manifest (DEBUG is off, and pages render {% static %})."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
