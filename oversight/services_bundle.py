"""The auditor's report bundle (issue 14 §6): asking for one, and the steps its job records.

A bundle is asked for by an auditor or the office for a division in their jurisdiction and a
period; the job (oversight.tasks_bundle, sent by name after commit) builds the sections
(oversight.bundle) and records its progress here, section by section, then the PDF. The run is
idempotent: a session advisory lock keeps two workers off one bundle, a finished bundle is left
alone, and the PDF is stored together with the state "done" — a worker killed midway leaves a
bundle still waiting, which the redelivered message (acks_late, reject_on_worker_lost) builds
again from the start, so exactly one PDF is ever stored.

A bundle whose job never ran (the broker was down when it was asked for, the message was lost)
or whose job died for good (a worker killed and the message never redelivered) is picked up by
``bundles_sweep`` (oversight.tasks_bundle.sweep_bundles_task, every few minutes from beat):
sent again through the same idempotent job, once per sweep, and given up as failed after
``BUNDLE_GIVE_UP_AFTER``, so that no bundle stays 排队中 or 生成中 for ever.

The bundle's own reads are here too (``bundle_list``, ``bundle_get``): the layers of oversight
have no selectors module for the bundle, and they are two lines.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from functools import reduce
from operator import or_

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError
from regions import scoping
from regions.choices import Level
from regions.models import Division

from .models import Bundle

logger = logging.getLogger(__name__)

TASK = "oversight.tasks_bundle.generate_bundle_task"
_LOCK_NAMESPACE = 0x6B71_0B00_0000  # "kq" + bundle: apart from core.importing's job locks
# The sweep: a bundle still queued this long after it was asked for had its message lost (a job
# starts within seconds); one running this long with no worker holding its lock lost its worker.
BUNDLE_QUEUED_STALE_AFTER = datetime.timedelta(minutes=10)
BUNDLE_RUNNING_STALE_AFTER = datetime.timedelta(minutes=15)
BUNDLE_GIVE_UP_AFTER = datetime.timedelta(hours=6)  # sent again until then, failed after


# --- reads ---------------------------------------------------------------------------------------
def bundle_list(*, user):
    """The bundles ``user`` may read: those of divisions where they may ask for one (their
    office or auditor memberships). A town's clerk or a superior department sees none."""
    return scoping.scope(Bundle.objects.select_related("division", "requested_by"), user, scoping.CHANGE)


def bundle_get(*, user, pk) -> Bundle:
    return get_object_or_404(bundle_list(user=user), pk=pk)


def bundle_divisions(*, user):
    """The divisions ``user`` may ask a bundle for: the county and towns (or city) in the subtree
    of their office and auditor memberships, in path order."""
    if getattr(user, "is_superuser", False) and user.is_active:
        qs = Division.objects.all()
    else:
        qs = scoping.scope(Division.objects.all(), user)
        paths = [g.path for g in scoping.grants(user) if g.role in Bundle.jurisdiction_writers]
        if not paths:
            return Division.objects.none()
        qs = qs.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))
    return qs.filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWN]).order_by("path")


# --- asking for one ------------------------------------------------------------------------------
def _refuse(message: str, *, code: str, field: str):
    raise ApplicationError(message, code=code, extra={field: [message]})


@transaction.atomic
def bundle_create(*, division: Division, period_from: datetime.date, period_to: datetime.date, actor) -> Bundle:
    """Ask for a bundle of ``division`` over [period_from, period_to]; its job is sent after commit."""
    if period_to < period_from:
        _refuse(gettext("截止日期不能早于起始日期。"), code="bundle_period", field="period_to")
    if period_from > timezone.localdate():
        _refuse(gettext("起始日期不能晚于今天。"), code="bundle_future", field="period_from")
    if not bundle_divisions(user=actor).filter(pk=division.pk).exists():
        _refuse(gettext("只能为您有审计或领导小组办公室职责的区划生成报告材料。"), code="bundle_scope", field="division")
    bundle = Bundle.objects.create(requested_by=actor, division=division, period_from=period_from,
                                   period_to=period_to)
    bundle_id = bundle.pk
    transaction.on_commit(lambda: _enqueue(bundle_id))
    return bundle


def _enqueue(bundle_id: int) -> bool:
    """Send the job by name (the services never import the task module). With the broker down
    the bundle stays queued and says why; asking again later (or the next redelivery) runs it."""
    from celery import current_app
    from kombu.exceptions import OperationalError as BrokerError

    try:
        current_app.signature(TASK, args=(bundle_id,)).apply_async(ignore_result=True)
    except BrokerError:
        logger.warning("bundle %s: broker unreachable; left queued", bundle_id, exc_info=True)
        Bundle.objects.filter(pk=bundle_id, state=Bundle.State.QUEUED).update(
            message=gettext("后台任务服务暂时不可用，服务恢复后请重新生成。"))
        return False
    return True


# --- the job's steps -----------------------------------------------------------------------------
@contextlib.contextmanager
def bundle_claimed(*, bundle_id: int):
    """The bundle to build, held under its advisory lock; None when another worker holds it, it
    is gone, or it is finished (a redelivered message then does nothing)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_NAMESPACE + bundle_id])
        locked = cursor.fetchone()[0]
    if not locked:
        yield None
        return
    try:
        bundle = Bundle.objects.select_related("division", "requested_by").filter(
            pk=bundle_id, state__in=Bundle.WAITING).first()
        yield bundle
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_NAMESPACE + bundle_id])


def bundle_start(*, bundle: Bundle, total: int) -> None:
    """The run begins (again, after a lost worker): no section done yet."""
    bundle.state, bundle.sections_done, bundle.sections_total = Bundle.State.RUNNING, 0, total
    bundle.started_at, bundle.message = timezone.now(), ""
    Bundle.objects.filter(pk=bundle.pk).update(state=bundle.state, sections_done=0, sections_total=total,
                                               started_at=bundle.started_at, message="")


def bundle_progress(*, bundle: Bundle, done: int) -> None:
    """One more section built (the page's progress bar)."""
    bundle.sections_done = done
    Bundle.objects.filter(pk=bundle.pk, state=Bundle.State.RUNNING).update(sections_done=done)


@transaction.atomic
def bundle_finish(*, bundle: Bundle, content: bytes, pages: int, seconds: float) -> Bundle:
    """Store the PDF and mark the bundle done, together (a crash before leaves it waiting)."""
    locked = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if locked.state == Bundle.State.DONE:  # finished meanwhile: keep the one PDF already stored
        return locked
    locked.pdf.save(f"bundle-{bundle.pk}.pdf", ContentFile(content), save=False)
    locked.state, locked.page_count, locked.seconds = Bundle.State.DONE, pages, round(seconds, 3)
    locked.sections_done = locked.sections_total = bundle.sections_total
    locked.generated_at = timezone.now()
    locked.save(update_fields=["pdf", "state", "page_count", "seconds", "sections_done", "sections_total",
                               "generated_at"])
    return locked


def _held_by_a_worker(bundle_id: int) -> bool:
    """Is a job building the bundle now (its advisory lock held by another session)?"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_NAMESPACE + bundle_id])
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_NAMESPACE + bundle_id])
    return False


def bundles_sweep(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """The bundles left waiting: each queued past BUNDLE_QUEUED_STALE_AFTER or running past
    BUNDLE_RUNNING_STALE_AFTER (since it started) and held by no worker is sent to the job again,
    once per sweep; one asked for more than BUNDLE_GIVE_UP_AFTER ago is marked failed instead (a
    bundle that keeps killing its worker is not sent for ever). Idempotent: the job leaves a done
    bundle alone and two deliveries of one bundle never run at once (its lock), so a bundle sent
    again while its first message is still on its way is built once. The ids, by what was done."""
    now = now or timezone.now()
    stale = Bundle.objects.alias(since=Coalesce("started_at", "created_at")).filter(
        Q(state=Bundle.State.QUEUED, created_at__lt=now - BUNDLE_QUEUED_STALE_AFTER)
        | Q(state=Bundle.State.RUNNING, since__lt=now - BUNDLE_RUNNING_STALE_AFTER))
    done: dict[str, list[int]] = {"requeued": [], "failed": [], "busy": []}
    for pk, created_at in stale.order_by("id").values_list("id", "created_at"):
        if _held_by_a_worker(pk):
            done["busy"].append(pk)
        elif created_at < now - BUNDLE_GIVE_UP_AFTER:
            failed = Bundle.objects.filter(pk=pk, state__in=Bundle.WAITING).update(
                state=Bundle.State.FAILED, message=gettext("后台任务多次中断，未能生成，请重新生成。"))
            if failed:
                logger.warning("bundle %s: still waiting after %s; marked failed", pk, BUNDLE_GIVE_UP_AFTER)
                done["failed"].append(pk)
        elif _enqueue(pk):
            # Sent: the broker's earlier refusal (if that was why it waited) no longer holds.
            Bundle.objects.filter(pk=pk, state=Bundle.State.QUEUED).update(message="")
            done["requeued"].append(pk)
    return done


def bundle_fail(*, bundle: Bundle, error: Exception) -> None:
    logger.error("bundle %s failed", bundle.pk, exc_info=error)
    Bundle.objects.filter(pk=bundle.pk, state__in=Bundle.WAITING).update(
        state=Bundle.State.FAILED, message=gettext("生成时出现系统错误（%(error)s），请重新生成。") % {
            "error": type(error).__name__})


def register_files() -> None:
    """Declare the bundle's PDF to core.files: whoever reads the bundle may download it (404 for
    anyone else, the login page for anonymous users). Called from oversight's AppConfig.ready()."""
    from core import files

    files.register(Bundle, "pdf", queryset=lambda user: bundle_list(user=user),
                   filename=lambda bundle: bundle.download_name)
