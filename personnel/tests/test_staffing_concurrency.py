"""Two clerks fill the last free post of an institution at the same moment (PostgreSQL, real
threads, each on its own connection, committing for real).

With the ledger's row lock (core.ledger.services: the balance rows locked in account order
before the invariant is checked) one entry wins and the other is refused with the numbers of the
institution. With the lock removed (``LOCK_BALANCES = False``), both threads judge the same stale
balance and both pass the check: the service would seat two people on one post, and only the
database's own constraints stop the second with a database error instead of the clerk's message —
so the with-lock expectations fail. That second case shows that the lock is what the first relies on.
"""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection

from core.errors import ApplicationError
from core.ledger import services as ledger_services
from core.ledger.chain import verify
from personnel import selectors_staffing as sel
from personnel.choices_staffing import EstablishmentKind
from personnel.models import Person
from regions.tests.factories import TownFactory

from .staffing_factories import person_in, staffed_town


def _race(monkeypatch, *, lock: bool) -> list:
    """Both threads read the balance before either checks it (a barrier in the read-check-write
    window), unless the lock makes the second wait for the first."""
    approved, both_read = [], threading.Barrier(2)

    def hook(stage):
        if stage == "read" and not lock:
            both_read.wait(30)
        elif stage == "read":
            import time

            time.sleep(0.1)
        elif stage == "checked":
            approved.append(1)

    monkeypatch.setattr(ledger_services, "_race_hook", hook)
    monkeypatch.setattr(ledger_services, "LOCK_BALANCES", lock)
    return approved


def fill_last_post_twice(post) -> list:
    start, outcomes, guard = threading.Barrier(2), [], threading.Lock()

    def clerk(n):
        try:
            start.wait()
            person_in(post, name=f"同时入编{n}")
            outcome = ("ok", "")
        except ApplicationError as exc:
            outcome = (exc.code, exc.message)
        except DatabaseError as exc:
            outcome = (type(exc).__name__, "")
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, pytest.param(False, marks=pytest.mark.xfail(strict=True, reason=(
    "without the ledger's row lock both clerks pass the check: the loser gets a database error, not the numbers")))],
    ids=["with-lock", "lock-removed"])
def test_two_clerks_fill_the_last_post_at_once_one_wins_the_other_gets_the_numbers(monkeypatch, lock):
    town = TownFactory(name="并发镇")
    inst, staff, _ = staffed_town(town, admin=2)
    person_in(staff, name="已在编")  # one post left
    checked = _race(monkeypatch, lock=lock)
    outcomes = fill_last_post_twice(staff)
    assert len(outcomes) == 2
    assert sorted(code for code, _message in outcomes) == ["establishment_full", "ok"]
    message = next(m for code, m in outcomes if code == "establishment_full")
    assert message == f"“{inst.name}”行政编制已满：核定 2 名，在编 2 名，空编 0 名。"
    assert len(checked) == 1  # the service's own check approved exactly one entry
    numbers = sel.institution_numbers(inst)[EstablishmentKind.ADMIN]
    assert numbers == {"approved": 2, "filled": 2, "free": 0}
    assert Person.objects.filter(town=town, status="in").count() == 2
    assert verify().ok
