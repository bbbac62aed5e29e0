"""The catalogue's services, filing (备案): due dates counted by core.deadlines (months, working
days, holidays), filing states, refusals, a calendar year not known.

Factories build their own hierarchy (codes starting with 6–9), the 扩权强县 tests use the demo's
德阳市/广汉市. Dates lie in years the holiday calendar knows (2004–2026); only the services' own
"today" (publication, filing) is the wall clock. Fixtures: conftest.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.deadlines import CalendarUnknownYear
from core.errors import ConflictError
from delegation import services
from delegation.choices import FilingState, ItemStatus

from .factories import (
    AssignmentFactory,
    ExerciseRecordFactory,
    ItemFactory,
)
from .services_helpers import fresh

pytestmark = pytest.mark.django_db

D = datetime.date


# --- filing ------------------------------------------------------------------------------------
def test_one_month_filing_rolls_past_a_sunday():
    """Decided 31 January 2010: one month ends on 28 February (no 31st), a Sunday → Monday 1 March."""
    record = ExerciseRecordFactory(received_on=D(2010, 1, 25), decided_on=D(2010, 1, 31))
    assert record.filing_due_on == D(2010, 3, 1)
    assert fresh(record).filing_due_on == D(2010, 3, 1)


def test_working_day_filing_skips_the_2025_national_day_holiday(department):
    """20 working days from Friday 26 September 2025: Sunday 28 September and Saturday 11 October are
    make-up working days, 1–8 October are holidays → Thursday 30 October (not 24 October)."""
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE, filing_deadline="20WD")
    record = ExerciseRecordFactory(assignment=AssignmentFactory(item=item), received_on=D(2025, 9, 22),
                                   decided_on=D(2025, 9, 26))
    assert record.filing_due_on == D(2025, 10, 30)


def test_thirty_day_filing_rolls_past_the_qingming_break(department, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE, filing_deadline="30D")
    assignment = AssignmentFactory(item=item)
    record = ExerciseRecordFactory(assignment=assignment, received_on=D(2025, 3, 3), decided_on=D(2025, 3, 10))
    assert record.filing_due_on == D(2025, 4, 9)  # Wednesday
    rolled = ExerciseRecordFactory(assignment=assignment, received_on=D(2025, 3, 3), decided_on=D(2025, 3, 6))
    assert rolled.filing_due_on == D(2025, 4, 7)  # 5 April is a Saturday in the 清明 break (4–6 April)


def test_filing_states(department, actor):
    assignment = AssignmentFactory(item=ItemFactory(department=department, status=ItemStatus.IN_FORCE))
    on_time = ExerciseRecordFactory(assignment=assignment, decided_on=D(2025, 3, 10))
    late = ExerciseRecordFactory(assignment=assignment, decided_on=D(2025, 3, 10))
    unfiled = ExerciseRecordFactory(assignment=assignment, decided_on=D(2025, 3, 10))
    due = D(2025, 4, 10)
    assert on_time.filing_due_on == due

    assert unfiled.filing_state(due) == FilingState.PENDING
    assert unfiled.filing_state(due + datetime.timedelta(days=1)) == FilingState.OVERDUE
    on_time = services.exercise_record_file(record=on_time, filed_on=due, actor=actor,
                                            filing_receipt_number="回执")  # recorded today: a late entry
    late = services.exercise_record_file(record=late, filed_on=due + datetime.timedelta(days=1), actor=actor)
    assert on_time.filing_state(D(2026, 1, 1)) == FilingState.ON_TIME
    assert late.filing_state(D(2026, 1, 1)) == FilingState.LATE
    assert fresh(on_time).filed_on == due and fresh(on_time).updated_by == actor


def test_filing_refuses_a_second_filing_and_dates_before_the_decision_or_after_today(actor):
    record = ExerciseRecordFactory(received_on=D(2025, 3, 3), decided_on=D(2025, 3, 10))

    with pytest.raises(ValidationError) as invalid:
        services.exercise_record_file(record=record, filed_on=D(2025, 3, 9), actor=actor)
    assert invalid.value.message_dict["filed_on"] == ["备案日期不能早于办结日期。"]
    with pytest.raises(ValidationError) as invalid:
        services.exercise_record_file(record=record, filed_on=timezone.localdate() + datetime.timedelta(days=1), actor=actor)
    assert "备案日期不能晚于今天。" in invalid.value.message_dict["filed_on"]
    assert fresh(record).filed_on is None

    services.exercise_record_file(record=record, filed_on=D(2025, 3, 20), actor=actor, filing_receipt_number="回执")
    with pytest.raises(ConflictError) as refused:
        services.exercise_record_file(record=record, filed_on=D(2025, 3, 21), actor=actor)
    assert refused.value.code == "already_filed"
    assert "2025-03-20" in refused.value.message
    assert fresh(record).filed_on == D(2025, 3, 20)


def test_a_later_change_of_the_filing_rule_does_not_move_an_existing_deadline(department, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    record = ExerciseRecordFactory(assignment=AssignmentFactory(item=item), decided_on=D(2025, 3, 10))
    assert record.filing_due_on == D(2025, 4, 10)
    services.item_update(item=item, actor=actor, filing_deadline="3M")

    filed = services.exercise_record_file(record=record, filed_on=D(2025, 5, 20), actor=actor)

    assert fresh(filed).filing_due_on == D(2025, 4, 10)
    assert filed.filing_state(D(2026, 1, 1)) == FilingState.LATE
    later = ExerciseRecordFactory(assignment=AssignmentFactory(item=item), decided_on=D(2025, 3, 10))
    assert later.filing_due_on == D(2025, 6, 10)  # new decisions follow the new rule


def test_a_record_may_be_filed_when_it_is_created(actor):
    record = ExerciseRecordFactory(decided_on=D(2025, 3, 10), filed_on=D(2025, 3, 12))
    assert record.filing_state(D(2026, 1, 1)) == FilingState.ON_TIME
    with pytest.raises(ConflictError):
        services.exercise_record_file(record=record, filed_on=D(2025, 3, 13), actor=actor)


def test_a_due_date_in_a_year_the_calendar_does_not_know_is_never_guessed_silently(department, actor, monkeypatch):
    """Decided 15 December 2026 under a one-month rule: due in 2027, which the calendar lacks.

    The decision is recorded (DOMAIN.md §0) with a weekends-only due date marked provisional;
    the strict computation still refuses (see delegation/tests/test_provisional.py for the rest).
    """
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: D(2026, 12, 20))
    assignment = AssignmentFactory(item=ItemFactory(department=department, status=ItemStatus.IN_FORCE))
    with pytest.raises(CalendarUnknownYear) as refused:
        assignment.item.filing_rule.due(D(2026, 12, 15))
    assert refused.value.code == "calendar_unknown_year" and refused.value.year == 2027
    record = services.exercise_record_create(
        actor=actor, division=assignment.division, item=assignment.item, applicant="某公司",
        received_on=D(2026, 12, 10), decided_on=D(2026, 12, 15), outcome="approved", decision_number="测〔2026〕1号",
    )
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 15), True)
