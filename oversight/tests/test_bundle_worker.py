"""The auditor's bundle on real Celery workers against Redis (issue 14 §7, as the half-year
report's test_supervision_worker.py): the worker is killed with SIGKILL (its whole process group)
in the middle of generating the bundle, a new worker is started, and exactly one bundle with one
PDF exists afterwards, finished by the redelivered message (acks_late + reject_on_worker_lost);
the killed worker's advisory lock went with its database session, so nothing holds the bundle.

The worker holds the PDF's rendering (held_worker.py): every section is built and counted, the
bundle is 生成中, the PDF is not stored."""

from __future__ import annotations

import datetime
import os
import signal
import time

import pytest

from core.tests.test_worker import broker_url, celery_configured  # noqa: F401 - broker_url is a fixture
from oversight import services_bundle, tasks_bundle
from oversight.models import Bundle

from .held_worker import TRANSPORT, HeldWorkers, wait_for
from .test_bundle import pdf_text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bundle_worker_killed_mid_generation_yields_one_bundle(broker_url, personas, demo, settings,  # noqa: F811
                                                               tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media  # the worker stores there too (KUOQUAN_MEDIA_ROOT below)
    services_bundle.register_files()
    bundle = Bundle.objects.create(requested_by=personas["auditor"], division=demo["341824101"],
                                   period_from=datetime.date(2026, 1, 1), period_to=datetime.date(2026, 6, 30))

    workers = HeldWorkers(tmp_path, broker_url, module="oversight.bundle", function="bundle_pdf",
                          tasks="oversight.tasks_bundle", prefix="b", env={"KUOQUAN_MEDIA_ROOT": str(media)})
    settings.CELERY_TASK_ALWAYS_EAGER = False
    first = workers.start("a")
    second = None
    try:
        with celery_configured(task_always_eager=False, broker_url=broker_url, result_backend=broker_url,
                               task_default_queue=workers.queue, broker_transport_options=TRANSPORT):
            tasks_bundle.generate_bundle_task.apply_async(args=[bundle.pk], queue=workers.queue)
            assert wait_for(workers.arrived.exists, 120), "the job never reached the rendering: " + workers.output(first)
            bundle.refresh_from_db()
            assert (bundle.state, bundle.sections_done) == (Bundle.State.RUNNING, bundle.sections_total)

            os.killpg(first.pid, signal.SIGKILL)  # mid-generation: the parent and its pool child at once
            first.wait(timeout=10)
            assert first.returncode == -signal.SIGKILL
            bundle.refresh_from_db()
            assert bundle.state == Bundle.State.RUNNING and not bundle.pdf

            workers.release()
            second = workers.start("b")

            def done():
                bundle.refresh_from_db()
                return bundle.state == Bundle.State.DONE

            assert wait_for(done, 180), "the redelivered job did not finish the bundle: " + workers.output(second)
            time.sleep(3)  # a further delivery, were there one, would have its chance to write
            # The sweep afterwards finds nothing waiting: it sends nothing more.
            assert services_bundle.bundles_sweep() == {"requeued": [], "failed": [], "busy": []}
        assert second.poll() is None, "the second worker died: " + workers.output(second)
        assert Bundle.objects.count() == 1
        bundle.refresh_from_db()
        assert bundle.state == Bundle.State.DONE and bundle.sections_done == bundle.sections_total == 7
        assert bundle.page_count and bundle.generated_at
        assert len(list((media / "bundles").rglob("*.pdf"))) == 1  # one PDF stored, not two
        with bundle.pdf.open("rb") as fh:
            text = pdf_text(fh.read())
        assert "审计报告材料" in text and "临溪镇" in text
    finally:
        workers.stop()
