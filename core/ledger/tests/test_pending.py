"""Two-phase postings: reserve now, post or void later, expire after a date (the job run twice)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.ledger import tasks
from core.ledger.models import Posting, PostingType
from core.ledger.services import pending_post, pending_void, posting_create

from .conftest import balance


@pytest.fixture
def reserve(money, grant):
    grant("100.00")

    def make(amount, key, expires_on=None):
        return posting_create(
            ledger="t_money", kind="reserve", idempotency_key=key, pending=True, expires_on=expires_on,
            legs=[(money["a"], -Decimal(amount)), (money["county"], Decimal(amount))],
        )

    return make


def test_a_reservation_counts_against_the_balance_at_once(money, reserve):
    reserve("70.00", "r1")
    b = balance(money["a"])
    assert (b.posted, b.pending_debits, b.available) == (Decimal("100"), Decimal("70"), Decimal("30"))
    with pytest.raises(ApplicationError) as exc:
        reserve("30.01", "r2")
    assert exc.value.code == "ledger_insufficient"


def test_post_a_reservation(money, reserve):
    pending = reserve("70.00", "r1")
    posted = pending_post(pending=pending)
    assert posted.type == PostingType.POST and posted.resolves == pending
    b = balance(money["a"])
    assert (b.posted, b.pending_debits) == (Decimal("30"), Decimal("0"))
    assert balance(money["county"]).pending_credits == 0
    assert pending_post(pending=pending).pk == posted.pk  # a retry returns it
    with pytest.raises(ConflictError) as exc:
        pending_void(pending=pending)
    assert exc.value.code == "ledger_pending_resolved"


def test_void_a_reservation(money, reserve):
    pending = reserve("70.00", "r1")
    pending_void(pending=pending)
    b = balance(money["a"])
    assert (b.posted, b.pending_debits, b.available) == (Decimal("100"), Decimal("0"), Decimal("100"))
    with pytest.raises(ConflictError):
        pending_post(pending=pending)


def test_an_expired_reservation_lapses_once_when_the_job_runs_twice(money, reserve):
    today = timezone.localdate()
    kept = reserve("10.00", "keep", expires_on=today)  # expires at the end of today
    lapsing = reserve("20.00", "lapse", expires_on=today)
    assert balance(money["a"]).pending_debits == Decimal("30")
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert tasks.expire_pending_postings_task(today=today.isoformat()) == 0  # not yet
    pending_post(pending=kept)
    assert tasks.expire_pending_postings_task(today=tomorrow) == 1
    assert tasks.expire_pending_postings_task(today=tomorrow) == 0
    expiries = Posting.objects.filter(type=PostingType.EXPIRE)
    assert [p.resolves_id for p in expiries] == [lapsing.pk]
    b = balance(money["a"])
    assert (b.posted, b.pending_debits) == (Decimal("90"), Decimal("0"))


def test_posting_after_expiry_refused(money, reserve, monkeypatch):
    pending = reserve("10.00", "r", expires_on=timezone.localdate())
    later = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("core.ledger.services._today", lambda: later)
    with pytest.raises(ConflictError) as exc:
        pending_post(pending=pending)
    assert exc.value.code == "ledger_pending_expired"


def test_the_expiry_job_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.ledger.tasks.expire_pending_postings_task" in tasks_scheduled
