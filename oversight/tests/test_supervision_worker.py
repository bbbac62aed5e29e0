"""The half-year report on real Celery workers against Redis (issue 14, done when): the worker is
killed with SIGKILL (its whole process group) in the middle of generating the report, a new worker
is started, and exactly one report exists afterwards: the same version, completed by the
redelivered message (acks_late + reject_on_worker_lost), not a second one.

The worker runs from a small wrapper that holds the report's rendering while a flag file exists
(and says, by another file, that it has got there): that is "the middle of generating", after the
job has counted its attempt in the database and read the half year's figures, before the PDF is
stored. The broker's visibility timeout is short so that the new worker gets the unacknowledged
message back within seconds rather than the default hour."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from core.tests.test_worker import broker_url, celery_configured, database_url  # noqa: F401 - broker_url is a fixture
from oversight import services_supervision as ss
from oversight import tasks_supervision
from oversight.choices import ReportState, SupervisionState
from oversight.models import SupervisionReport

from .factories import group_with_towns
from .test_supervision import add_finding, pdf_text

TRANSPORT = {"visibility_timeout": 8, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}

WRAPPER = """
import os, pathlib, sys, time
import django
django.setup()
from config.celery import app
from oversight import reports_supervision
app.conf.broker_transport_options = {transport!r}
held, arrived = pathlib.Path(os.environ["KQ_HOLD"]), pathlib.Path(os.environ["KQ_ARRIVED"])
render = reports_supervision.report_pdf
def report_pdf(*, figures):
    arrived.touch()
    while held.exists():
        time.sleep(0.1)
    return render(figures=figures)
reports_supervision.report_pdf = report_pdf
app.worker_main(sys.argv[1:])
"""


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_report_worker_killed_mid_generation_yields_one_report(broker_url, settings, tmp_path):  # noqa: F811
    group, towns = group_with_towns(1)
    supervision, _ = ss.supervision_open(group=group, year=2026, half=1, opened_on=datetime.date(2026, 6, 20))
    add_finding(supervision, towns[0], description="3件许可决定未按期备案")
    report = ss.report_request(supervision=supervision, actor=None, as_of=datetime.date(2026, 6, 30), enqueue=False)

    queue = f"kq-test-s-{uuid.uuid4().hex[:12]}"
    held, arrived = tmp_path / "hold", tmp_path / "arrived"
    held.touch()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
           "REDIS_URL": broker_url, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key",
           "KQ_HOLD": str(held), "KQ_ARRIVED": str(arrived)}

    def start_worker(name):
        return subprocess.Popen(
            [sys.executable, "-c", WRAPPER.format(transport=TRANSPORT), "worker", "-l", "warning", "--pool", "prefork",
             "-c", "1", "-Q", queue, "-n", f"{queue}-{name}@%h", "-I", "oversight.tasks_supervision",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)  # its own process group: killed whole, parent and pool child

    def output(worker):
        return worker.stdout.read()[-3000:] if worker.poll() is not None else ""

    first = start_worker("a")
    second = None
    try:
        with celery_configured(task_always_eager=False, broker_url=broker_url, result_backend=broker_url,
                               task_default_queue=queue, broker_transport_options=TRANSPORT):
            tasks_supervision.generate_supervision_report_task.apply_async(args=[report.pk], queue=queue)
            assert _wait_for(arrived.exists, 120), "the job never reached the rendering: " + output(first)
            report.refresh_from_db()
            assert (report.state, report.attempts) == (ReportState.PENDING, 1)

            os.killpg(first.pid, signal.SIGKILL)  # mid-generation: the parent and its pool child at once
            first.wait(timeout=10)
            assert first.returncode == -signal.SIGKILL
            report.refresh_from_db()
            assert report.state == ReportState.PENDING and not report.pdf

            held.unlink()
            second = start_worker("b")

            def done():
                report.refresh_from_db()
                return report.state == ReportState.DONE

            assert _wait_for(done, 180), "the redelivered job did not complete the report: " + output(second)
            time.sleep(3)  # a further delivery, were there one, would have its chance to write
        assert second.poll() is None, "the second worker died: " + output(second)
        reports = list(SupervisionReport.objects.filter(supervision=supervision))
        assert len(reports) == 1
        done_report = reports[0]
        assert (done_report.version, done_report.state, done_report.attempts) == (1, ReportState.DONE, 2)
        with done_report.pdf.open("rb") as fh:
            text = pdf_text(fh.read())
        assert "3件许可决定未按期备案" in text and towns[0].name in text
        supervision.refresh_from_db()
        assert supervision.state == SupervisionState.REPORTED
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
