"""Two workers prepare the same group's monthly meeting at the same moment (real threads, each on
its own connection, committing for real): both get past the "does it exist" read, the unique key
lets one INSERT through and the other reads the winner's row. One meeting, one agenda."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from oversight import services
from oversight.models import AgendaLine, Meeting

from .factories import finding, group_with_towns


@pytest.mark.django_db(transaction=True)
def test_two_workers_one_meeting(monkeypatch):
    group, towns = group_with_towns(1)
    finding(group, towns[0])
    today = timezone.localdate()
    both_read = threading.Barrier(2)
    real = services._existing_monthly

    def raced(g, month):
        found = real(g, month)
        both_read.wait(30)  # neither has inserted yet
        return found

    monkeypatch.setattr(services, "_existing_monthly", raced)
    results, errors = [], []

    def worker():
        try:
            results.append(services.monthly_meeting_prepare(group=group, month=today, today=today).pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Meeting.objects.filter(group=group).count() == 1
    assert list(AgendaLine.objects.filter(meeting_id=results[0]).values_list("kind", "count")) == [
        ("rectification_overdue", 1)]
