"""What the catalogue reports to the leading group's monthly dispatch meeting (oversight reads
this, never delegation's models): per town, the counts behind each agenda line. One GROUP BY
query per line, whatever the number of towns."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count

from core.deadlines import DeadlineStatus

from .choices import TakeOverStatus
from .models import Assignment, ExerciseRecord


def _by_town(qs) -> dict[int, int]:
    return dict(qs.order_by().values("division_id").annotate(n=Count("id")).values_list("division_id", "n"))


def agenda_counts(*, town_ids: Iterable[int], today: datetime.date) -> dict[str, dict[int, int]]:
    """{line: {town id: count}}: ``filing_overdue`` (exercise records past their filing due date,
    unfiled), ``takeover_pending`` (assignments not yet taken over), ``deadline_provisional``
    (records whose filing due date is still 暂定). Three queries."""
    ids = list(town_ids)
    records = ExerciseRecord.objects.filter(division_id__in=ids)
    return {
        "filing_overdue": _by_town(records.filter(ExerciseRecord.filing_state_q(DeadlineStatus.OVERDUE, today))),
        "takeover_pending": _by_town(Assignment.objects.filter(division_id__in=ids,
                                                               takeover_status=TakeOverStatus.ASSIGNED)),
        "deadline_provisional": _by_town(records.filter(filing_due_provisional=True, filed_on__isnull=True)),
    }
