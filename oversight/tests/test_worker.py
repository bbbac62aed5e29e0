"""The monthly job on a real Celery worker process against Redis (issue 14, done when): run twice
for the same month, it leaves one meeting with the expected agenda lines."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from core.tests.test_worker import broker_url, celery_configured, database_url  # noqa: F401 - broker_url is a fixture
from oversight import tasks
from oversight.models import AgendaLine, Meeting

from .factories import finding, group_with_towns


def _wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_monthly_job_twice_on_a_real_worker(broker_url, settings):  # noqa: F811 - the fixture
    group, towns = group_with_towns(2)
    finding(group, towns[0])  # found 2026-01-05, one month: overdue
    month = timezone.localdate().replace(day=1).isoformat()
    queue = f"kq-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
           "REDIS_URL": broker_url, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--pool", "solo",
         "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with celery_configured(task_always_eager=False, broker_url=broker_url, result_backend=broker_url,
                               task_default_queue=queue):
            for _ in range(2):  # beat firing twice
                assert tasks.create_monthly_meetings_task.delay(month).get(timeout=60) == 1
            assert _wait_for(lambda: Meeting.objects.filter(group=group, agenda_compiled_at__isnull=False).exists()), (
                worker.stdout.read()[-2000:] if worker.poll() is not None else "no meeting")
            time.sleep(2)  # the second run's group task, if it were to write anything
        assert worker.poll() is None, "the worker died"
        assert Meeting.objects.filter(group=group).count() == 1
        meeting = Meeting.objects.get(group=group)
        assert list(AgendaLine.objects.filter(meeting=meeting).values_list("kind", "count", "by_town")) == [
            ("rectification_overdue", 1, {str(towns[0].pk): 1})]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
