"""The sweep of the auditor's bundles (oversight.services_bundle.bundles_sweep, beat's
"sweep-stale-bundles"): a bundle whose message was never sent (the broker was down) or whose job
died for good is sent again through the same idempotent job, once per sweep; one a worker is
building (its advisory lock held by another session) is left alone; one waiting for hours is
given up as failed; a finished one is never touched."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.utils import timezone

from core.tests.test_worker import celery_configured, database_url
from oversight import services_bundle, tasks_bundle
from oversight.models import Bundle

from .test_bundle import ask, pdf_text

D = datetime.date


@pytest.fixture
def people(demo, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services_bundle.register_files()
    return personas


def _aged(bundle, *, minutes, state=Bundle.State.QUEUED, started=None):
    """The bundle as if asked for ``minutes`` ago (and started ``started`` minutes ago)."""
    now = timezone.now()
    Bundle.objects.filter(pk=bundle.pk).update(
        state=state, created_at=now - datetime.timedelta(minutes=minutes),
        started_at=None if started is None else now - datetime.timedelta(minutes=started))
    bundle.refresh_from_db()
    return bundle


@pytest.fixture
def sent(monkeypatch):
    """What the sweep sends to the broker (bundle ids), without a broker."""
    ids = []
    monkeypatch.setattr(services_bundle, "_enqueue", lambda pk: ids.append(pk) or True)
    return ids


def test_a_bundle_never_sent_is_sent_again_and_built_once(people, demo, tmp_path):
    bundle = ask(people["auditor"], demo["341824101"], start=D(2026, 1, 1))
    Bundle.objects.filter(pk=bundle.pk).update(message="后台任务服务暂时不可用，服务恢复后请重新生成。")  # broker was down
    _aged(bundle, minutes=services_bundle.BUNDLE_QUEUED_STALE_AFTER.seconds // 60 + 1)
    with celery_configured(task_always_eager=True):  # the job runs as soon as it is sent
        first = tasks_bundle.sweep_bundles_task()
        second = tasks_bundle.sweep_bundles_task()  # the next sweep: nothing waits any more
    assert first == {"requeued": [bundle.pk], "failed": [], "busy": []}
    assert second == {"requeued": [], "failed": [], "busy": []}
    bundle.refresh_from_db()
    assert bundle.state == Bundle.State.DONE and bundle.message == ""
    assert "临溪镇" in pdf_text(bundle.pdf.read())
    assert len(list((tmp_path / "bundles").rglob("*.pdf"))) == 1


def test_only_stale_waiting_bundles_are_sent_once_per_sweep(people, demo, sent):
    office, town = people["office"], demo["341824101"]
    fresh = ask(office, town, start=D(2026, 1, 1))  # just asked for: its message is on its way
    lost = _aged(ask(office, town, start=D(2026, 2, 1)), minutes=30)
    dead = _aged(ask(office, town, start=D(2026, 3, 1)), minutes=60, state=Bundle.State.RUNNING, started=40)
    slow = _aged(ask(office, town, start=D(2026, 4, 1)), minutes=60, state=Bundle.State.RUNNING, started=5)
    finished = _aged(ask(office, town, start=D(2026, 5, 1)), minutes=60, state=Bundle.State.FAILED)
    assert services_bundle.bundles_sweep()["requeued"] == [lost.pk, dead.pk]
    assert sent == [lost.pk, dead.pk]
    services_bundle.bundles_sweep()  # still waiting (no worker here): sent again, once more each
    assert sent == [lost.pk, dead.pk, lost.pk, dead.pk]
    states = dict(Bundle.objects.filter(pk__in=[fresh.pk, slow.pk, finished.pk]).values_list("id", "state"))
    assert states == {fresh.pk: "queued", slow.pk: "running", finished.pk: "failed"}


def test_a_bundle_a_worker_is_building_is_left_alone(people, demo, sent):
    bundle = _aged(ask(people["office"], demo["341824101"], start=D(2026, 1, 1)), minutes=60,
                   state=Bundle.State.RUNNING, started=30)
    key = services_bundle._LOCK_NAMESPACE + bundle.pk
    with psycopg.connect(database_url()) as worker:  # another session, as a worker's would be
        worker.execute("SELECT pg_advisory_lock(%s)", [key])
        assert services_bundle.bundles_sweep() == {"requeued": [], "failed": [], "busy": [bundle.pk]}
        worker.execute("SELECT pg_advisory_unlock(%s)", [key])
    assert sent == []
    assert services_bundle.bundles_sweep()["requeued"] == [bundle.pk]  # the worker gone: sent again


def test_a_bundle_waiting_for_hours_is_given_up(people, demo, sent):
    hours = services_bundle.BUNDLE_GIVE_UP_AFTER.total_seconds() / 60
    bundle = _aged(ask(people["auditor"], demo["341824101"], start=D(2026, 1, 1)), minutes=int(hours) + 5,
                   state=Bundle.State.RUNNING, started=60)
    assert services_bundle.bundles_sweep() == {"requeued": [], "failed": [bundle.pk], "busy": []}
    bundle.refresh_from_db()
    assert bundle.state == Bundle.State.FAILED and "重新生成" in bundle.message and not bundle.pdf
    assert sent == [] and services_bundle.bundles_sweep()["failed"] == []  # once
