"""Rows of plans for the tests: a plan of a pilot town (the designation made when missing)."""

from __future__ import annotations

import datetime
import itertools

from plans import services
from regions import services as regions_services
from regions.choices import Level, PilotKind
from regions.models import PilotDesignation

serial = itertools.count(1)


def pilot(division):
    """``division`` as an active pilot (扩权强镇 for a town, 扩权强县 for a county)."""
    kind = PilotKind.TOWN if division.level == Level.TOWN else PilotKind.COUNTY
    if not PilotDesignation.objects.filter(division=division, kind=kind, revoked_on__isnull=True).exists():
        regions_services.pilot_designate(division=division, kind=kind, batch="全省首批",
                                         designated_on=datetime.date(2009, 6, 1), designated_by="省人民政府")
    return division


def plan(division, *, title: str | None = None, actor=None, min_chars: int = 1503):
    pilot(division)
    return services.plan_create(division=division, title=title or f"{division.name}扩权强镇试点工作实施方案{next(serial)}",
                                min_chars=min_chars, actor=actor)
