"""The half-year report on real Celery workers against Redis (issue 14, done when): the worker is
killed with SIGKILL (its whole process group) in the middle of generating the report, a new worker
is started, and exactly one report exists afterwards: the same version, completed by the
redelivered message (acks_late + reject_on_worker_lost), not a second one.

The worker holds the report's rendering (held_worker.py): that is "the middle of generating", after
the job has counted its attempt in the database and read the half year's figures, before the PDF is
stored."""

from __future__ import annotations

import datetime
import os
import signal
import time

import pytest

from core.tests.test_worker import broker_url, celery_configured  # noqa: F401 - broker_url is a fixture
from oversight import services_supervision as ss
from oversight import tasks_supervision
from oversight.choices import ReportState, SupervisionState
from oversight.models import SupervisionReport

from .factories import group_with_towns
from .held_worker import TRANSPORT, HeldWorkers, wait_for
from .test_supervision import add_finding, pdf_text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_report_worker_killed_mid_generation_yields_one_report(broker_url, settings, tmp_path):  # noqa: F811
    group, towns = group_with_towns(1)
    supervision, _ = ss.supervision_open(group=group, year=2026, half=1, opened_on=datetime.date(2026, 6, 20))
    add_finding(supervision, towns[0], description="3件许可决定未按期备案")
    report = ss.report_request(supervision=supervision, actor=None, as_of=datetime.date(2026, 6, 30), enqueue=False)

    workers = HeldWorkers(tmp_path, broker_url, module="oversight.reports_supervision", function="report_pdf",
                          tasks="oversight.tasks_supervision", prefix="s")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    first = workers.start("a")
    second = None
    try:
        with celery_configured(task_always_eager=False, broker_url=broker_url, result_backend=broker_url,
                               task_default_queue=workers.queue, broker_transport_options=TRANSPORT):
            tasks_supervision.generate_supervision_report_task.apply_async(args=[report.pk], queue=workers.queue)
            assert wait_for(workers.arrived.exists, 120), "the job never reached the rendering: " + workers.output(first)
            report.refresh_from_db()
            assert (report.state, report.attempts) == (ReportState.PENDING, 1)

            os.killpg(first.pid, signal.SIGKILL)  # mid-generation: the parent and its pool child at once
            first.wait(timeout=10)
            assert first.returncode == -signal.SIGKILL
            report.refresh_from_db()
            assert report.state == ReportState.PENDING and not report.pdf

            workers.release()
            second = workers.start("b")

            def done():
                report.refresh_from_db()
                return report.state == ReportState.DONE

            assert wait_for(done, 180), "the redelivered job did not complete the report: " + workers.output(second)
            time.sleep(3)  # a further delivery, were there one, would have its chance to write
        assert second.poll() is None, "the second worker died: " + workers.output(second)
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
        workers.stop()
