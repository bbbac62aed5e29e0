"""Two people entering the same unknown holiday year at once: one is saved, the other is told
so plainly (a ConflictError, shown on the form), never a 500 from the unique key; two package
imports of the same year at once both succeed and write the year once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from core.errors import ConflictError
from core.models import CalendarDay, CalendarYear
from core.services import calendar_year_import_from_package, calendar_year_set_manual, package_years
from core.tests.test_calendar_services import DAYS_2099

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until_blocked(outcome: dict, timeout: float = 20.0) -> None:
    """Until another backend of this database waits on a lock (the second insert of the year)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not outcome:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is frozen for the transaction
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"the second entry never waited on the first: {outcome}")


def _race(first, second):
    """Run ``first`` in a transaction that commits only once ``second`` (in a thread) waits on it."""
    outcome: dict = {}
    started = threading.Event()

    def run_second():
        started.wait(20)
        try:
            outcome["value"] = second()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run_second)
    thread.start()
    with transaction.atomic():
        first()
        started.set()
        _wait_until_blocked(outcome)
    thread.join(30)
    assert not thread.is_alive()
    return outcome


def test_the_second_of_two_concurrent_manual_entries_is_refused_cleanly(django_user_model):
    a = django_user_model.objects.create_user("office-a", password="x")
    b = django_user_model.objects.create_user("office-b", password="x")
    outcome = _race(
        lambda: calendar_year_set_manual(year=2099, days=DAYS_2099, notice="国办发明电〔2098〕1号", actor=a),
        lambda: calendar_year_set_manual(year=2099, days=DAYS_2099[:3], notice="另一份", actor=b),
    )
    error = outcome.get("error")
    assert isinstance(error, ConflictError), outcome
    assert error.code == "calendar_year_entered_concurrently" and "2099年的日历刚刚已由他人录入" in error.message
    year = CalendarYear.objects.get(year=2099)
    assert (year.notice, year.created_by, year.days.count()) == ("国办发明电〔2098〕1号", a, len(DAYS_2099))


def test_two_concurrent_package_imports_of_the_same_year_both_succeed_once():
    import pgtrigger

    year = package_years()[-1]
    with pgtrigger.ignore("core.CalendarYear:protect_deletes"):  # start from a year nobody loaded yet
        CalendarDay.objects.filter(year__year=year).delete()
        CalendarYear.objects.filter(year=year).delete()
    outcome = _race(lambda: calendar_year_import_from_package(year=year),
                    lambda: calendar_year_import_from_package(year=year))
    assert "error" not in outcome, outcome
    assert outcome["value"].year == year and CalendarYear.objects.filter(year=year).count() == 1
    assert CalendarDay.objects.filter(year__year=year).count() > 0
