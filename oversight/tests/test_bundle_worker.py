"""The auditor's bundle on real Celery workers against Redis (issue 14 §7, as the half-year
report's test_supervision_worker.py): the worker is killed with SIGKILL (its whole process group)
in the middle of generating the bundle, a new worker is started, and exactly one bundle with one
PDF exists afterwards, finished by the redelivered message (acks_late + reject_on_worker_lost);
the killed worker's advisory lock went with its database session, so nothing holds the bundle.

The worker runs from a small wrapper that holds the PDF's rendering while a flag file exists (and
says, by another file, that it has got there): every section is built and counted, the bundle is
生成中, the PDF is not stored. The broker's visibility timeout is short so that the new worker
gets the unacknowledged message back within seconds rather than the default hour."""

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
from oversight import services_bundle, tasks_bundle
from oversight.models import Bundle

from .test_bundle import pdf_text

TRANSPORT = {"visibility_timeout": 8, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}

WRAPPER = """
import os, pathlib, sys, time
import django
django.setup()
from config.celery import app
from oversight import bundle
app.conf.broker_transport_options = {transport!r}
held, arrived = pathlib.Path(os.environ["KQ_HOLD"]), pathlib.Path(os.environ["KQ_ARRIVED"])
render = bundle.bundle_pdf
def bundle_pdf(**kwargs):
    arrived.touch()
    while held.exists():
        time.sleep(0.1)
    return render(**kwargs)
bundle.bundle_pdf = bundle_pdf
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
def test_bundle_worker_killed_mid_generation_yields_one_bundle(broker_url, personas, demo, settings,  # noqa: F811
                                                               tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media  # the worker stores there too (KUOQUAN_MEDIA_ROOT below)
    services_bundle.register_files()
    bundle = Bundle.objects.create(requested_by=personas["auditor"], division=demo["341824101"],
                                   period_from=datetime.date(2026, 1, 1), period_to=datetime.date(2026, 6, 30))

    queue = f"kq-test-b-{uuid.uuid4().hex[:12]}"
    held, arrived = tmp_path / "hold", tmp_path / "arrived"
    held.touch()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": database_url(), "REDIS_URL": broker_url, "KUOQUAN_MEDIA_ROOT": str(media),
           "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key",
           "KQ_HOLD": str(held), "KQ_ARRIVED": str(arrived)}

    def start_worker(name):
        return subprocess.Popen(
            [sys.executable, "-c", WRAPPER.format(transport=TRANSPORT), "worker", "-l", "warning", "--pool", "prefork",
             "-c", "1", "-Q", queue, "-n", f"{queue}-{name}@%h", "-I", "oversight.tasks_bundle",
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
            tasks_bundle.generate_bundle_task.apply_async(args=[bundle.pk], queue=queue)
            assert _wait_for(arrived.exists, 120), "the job never reached the rendering: " + output(first)
            bundle.refresh_from_db()
            assert (bundle.state, bundle.sections_done) == (Bundle.State.RUNNING, bundle.sections_total)

            os.killpg(first.pid, signal.SIGKILL)  # mid-generation: the parent and its pool child at once
            first.wait(timeout=10)
            assert first.returncode == -signal.SIGKILL
            bundle.refresh_from_db()
            assert bundle.state == Bundle.State.RUNNING and not bundle.pdf

            held.unlink()
            second = start_worker("b")

            def done():
                bundle.refresh_from_db()
                return bundle.state == Bundle.State.DONE

            assert _wait_for(done, 180), "the redelivered job did not finish the bundle: " + output(second)
            time.sleep(3)  # a further delivery, were there one, would have its chance to write
            # The sweep afterwards finds nothing waiting: it sends nothing more.
            assert services_bundle.bundles_sweep() == {"requeued": [], "failed": [], "busy": []}
        assert second.poll() is None, "the second worker died: " + output(second)
        assert Bundle.objects.count() == 1
        bundle.refresh_from_db()
        assert bundle.state == Bundle.State.DONE and bundle.sections_done == bundle.sections_total == 7
        assert bundle.page_count and bundle.generated_at
        assert len(list((media / "bundles").rglob("*.pdf"))) == 1  # one PDF stored, not two
        with bundle.pdf.open("rb") as fh:
            text = pdf_text(fh.read())
        assert "审计报告材料" in text and "临溪镇" in text
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
