"""core.deadlines.due_within_q: the pending state's condition narrowed to a horizon, the rule of
every "due within N days" (the home figure, the records list's filter)."""

from datetime import date, timedelta

import pytest
from django.db.models import Q

from core.deadlines import DUE_WITHIN_MAX_DAYS, DeadlineStatus, deadline_status_q, due_within_q

TODAY = date(2026, 12, 2)


def test_it_is_the_pending_condition_up_to_the_horizon():
    assert due_within_q(7, TODAY, due="due_on", done="filed_on") == (
        deadline_status_q(DeadlineStatus.PENDING, TODAY, due="due_on", done="filed_on") & Q(due_on__lte=date(2026, 12, 9)))


@pytest.mark.parametrize("days", [0, 1, 7, DUE_WITHIN_MAX_DAYS])
def test_the_horizon_counts_calendar_days_from_today(days):
    q = due_within_q(days, TODAY, due="due_on", done="filed_on")
    assert ("due_on__lte", TODAY + timedelta(days=days)) in q.children


@pytest.mark.parametrize("days", [-1, DUE_WITHIN_MAX_DAYS + 1])
def test_a_horizon_out_of_range_is_a_programming_error(days):
    with pytest.raises(ValueError):
        due_within_q(days, TODAY, due="due_on", done="filed_on")
