"""20 concurrent withdrawals on PostgreSQL never overdraw.

Real threads, each with its own database connection (pytest-django's transactional database:
each posting commits for real). Every thread pauses after reading the balance (``race``), so
they are inside the read-check-write window together. With the row lock the twenty queue on the
balance row: exactly five withdrawals of 10.00 fit in 50.00, fifteen are refused with a clear
message, the chain verifies. With the lock removed (``LOCK_BALANCES = False``) the service's
own check approves all twenty withdrawals — 200.00 against 50.00 — and only the database's
constraints (one link per place in the chain, the CHECK on the balance) stop them: nineteen
end in a database error instead of an answer. That second case is the proof that the lock is
what makes the first one pass.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection

from core.errors import ApplicationError
from core.ledger import services
from core.ledger.chain import verify
from core.ledger.models import Balance, Posting

WRITERS = 20


def withdraw_concurrently(money):
    barrier = threading.Barrier(WRITERS)
    outcomes, lock = [], threading.Lock()

    def withdraw(n):
        try:
            barrier.wait()
            services.posting_create(
                ledger="t_money", kind="spend", idempotency_key=f"w{n}",
                legs=[(money["a"].pk, Decimal("-10.00")), (money["county"].pk, Decimal("10.00"))],
            )
            outcome = "ok"
        except ApplicationError as exc:
            outcome = exc.code
        except DatabaseError as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=withdraw, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def race(monkeypatch, *, lock: bool) -> list:
    """Count the withdrawals the service's invariant check approves, and hold every thread in the
    read-check-write window: without the lock, until all twenty have read the balance; with it
    (they can only read one after the other) a short pause while holding the lock."""
    approved = []
    all_read = threading.Barrier(WRITERS)

    def hook(stage):
        if stage == "read":
            if lock:
                time.sleep(0.05)
            else:
                all_read.wait(30)
        elif stage == "checked":
            approved.append(1)

    monkeypatch.setattr(services, "_race_hook", hook)
    monkeypatch.setattr(services, "LOCK_BALANCES", lock)
    return approved


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, False], ids=["with-lock", "lock-removed"])
def test_twenty_concurrent_withdrawals_never_overdraw(money, grant, monkeypatch, lock):
    grant("50.00")
    racing = race(monkeypatch, lock=lock)
    outcomes = withdraw_concurrently(money)
    assert len(outcomes) == WRITERS
    print("outcomes:", {o: outcomes.count(o) for o in set(outcomes)}, "approved:", len(racing))
    balance = Balance.objects.get(account=money["a"])
    assert balance.posted >= 0  # the database never lets it overdraw, lock or not
    assert verify().ok
    if lock:
        assert sorted(outcomes) == ["ledger_insufficient"] * 15 + ["ok"] * 5
        assert len(racing) == 5
        assert balance.posted == 0
        assert Posting.objects.filter(kind="spend").count() == 5
    else:
        # Without the lock every thread judged a stale balance: twenty approved against 50.00.
        assert len(racing) == WRITERS
        assert "ledger_insufficient" not in outcomes
        assert sum(o not in ("ok", "ledger_insufficient") for o in outcomes) >= 15
        assert balance.posted == Decimal("50") - 10 * outcomes.count("ok")


@pytest.mark.django_db(transaction=True)
def test_two_expiry_jobs_at_once_lapse_a_reservation_once(money, grant, monkeypatch):
    import datetime

    from django.utils import timezone

    from core.ledger.models import PostingType
    from core.ledger.tasks import expire_pending_postings_task

    grant("50.00")
    today = timezone.localdate()
    services.posting_create(ledger="t_money", kind="reserve", idempotency_key="r", pending=True, expires_on=today,
                            legs=[(money["a"].pk, Decimal("-20")), (money["county"].pk, Decimal("20"))])
    monkeypatch.setattr(services, "_race_hook", lambda stage: time.sleep(0.2) if stage == "read" else None)
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    barrier, counts = threading.Barrier(2), []

    def job():
        try:
            barrier.wait()
            counts.append(expire_pending_postings_task(today=tomorrow))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(counts) == [0, 1]
    assert Posting.objects.filter(type=PostingType.EXPIRE).count() == 1
    assert Balance.objects.get(account=money["a"]).pending_debits == 0
