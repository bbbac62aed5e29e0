"""What the land quota reports to the leading group's monthly dispatch meeting (oversight reads
this, never landuse's models): per town, the counts behind each agenda line, in a fixed number
of GROUP BY queries whatever the number of towns."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count

from regions.models import Division

from .choices import ProjectStatus
from .models import ZERO_MU, Project, QuotaAccount
from .selectors import account_figures, farmland_balance

RESERVATION_WITHIN_DAYS = 30  # as selectors.reservations_expiring's default


def agenda_counts(*, town_ids: Iterable[int], today: datetime.date) -> dict[str, dict[int, int]]:
    """{line: {town id: count}}: ``reservation_expiring`` (projects under review whose quota
    reservation lapses within 30 days), ``quota_exhausted`` (the town's quota accounts of this
    year that received or gained quota and have none left), ``farmland_unbalanced`` (1 where
    the town has not balanced the farmland it occupied up to this year)."""
    ids = list(town_ids)
    expiring = dict(
        Project.objects.filter(town_id__in=ids, status=ProjectStatus.UNDER_REVIEW,
                               reservation_expires_on__lte=today + datetime.timedelta(days=RESERVATION_WITHIN_DAYS))
        .order_by().values("town_id").annotate(n=Count("id")).values_list("town_id", "n"))
    accounts = list(QuotaAccount.objects.filter(division_id__in=ids, year=today.year))
    exhausted: dict[int, int] = {}
    figures = account_figures(accounts)
    for qa in accounts:
        f = figures[qa.pk]
        if (f.received + f.gained) > 0 and f.available <= ZERO_MU:
            exhausted[qa.division_id] = exhausted.get(qa.division_id, 0) + 1
    towns = Division.objects.filter(pk__in=ids)
    unbalanced = {town_id: 1 for town_id, years in farmland_balance(towns=towns, until_year=today.year).items()
                  if (row := years.get(today.year)) is not None and not row.balanced}
    return {"reservation_expiring": expiring, "quota_exhausted": exhausted, "farmland_unbalanced": unbalanced}
