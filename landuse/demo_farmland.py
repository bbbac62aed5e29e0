"""Demo data of the farmland balance and reclamation (l2's part of issue 13) for 临溪镇, called from
landuse/demo.py after the quota demo and finance's demo (the subsidy needs 临溪's fiscal
arrangement): one reclamation accepted in 2013 (36 mu: the town gains 36 mu of quota and
180,000.00 yuan of subsidy in finance), one waiting for acceptance, and the farmland balance of
2013 left open in 华阳镇 (a county road approved on record took 12 mu of farmland it has not
replaced), so the balance page, its warning and the daily notice have a row. Through the
services; idempotent. Without quota left at the county for 华阳镇 (the quota demo not loaded) the
road is left out and said so in the return value."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from core.errors import ApplicationError
from regions.models import Division

from . import services
from .choices import MovementKind, ProjectKind, ReclamationKind
from .models import Reclamation

D = datetime.date
TOWN = "341824101"  # 临溪镇
UNBALANCED_TOWN = "341824100"  # 华阳镇


@transaction.atomic
def load_demo_farmland() -> bool:
    """Load the demo; False when 临溪镇 already has reclamations (nothing done)."""
    town = Division.objects.get(code=TOWN)
    if Reclamation.objects.filter(town=town).exists():
        return False
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["office", "clerk_linxi"])}
    office, clerk = users.get("office"), users.get("clerk_linxi")
    accepted = services.reclamation_create(
        town=town, name="湖村废弃采石场复垦", kind=ReclamationKind.ABANDONED, area_mu="36", location="湖村村民组",
        applied_on=D(2013, 5, 20), actor=clerk)
    services.reclamation_accept(reclamation=accepted, accepted_on=D(2013, 6, 18),
                                document_number="绩国土验〔2013〕12号", actor=office)
    services.reclamation_create(
        town=town, name="东山坡地土地整理", kind=ReclamationKind.CONSOLIDATION, area_mu="24.5", location="东山村",
        applied_on=D(2013, 11, 15), actor=clerk)
    return _unbalanced_town(office)


def _unbalanced_town(office) -> bool:
    """华阳镇: quota handed down by the county for a road that takes 12 mu of farmland, drawn on
    record; no reclamation replaces it. False (and nothing written) when the county has no quota."""
    town = Division.objects.get(code=UNBALANCED_TOWN)
    try:
        with transaction.atomic():
            services.allocation_create(kind=MovementKind.ALLOCATE, year=2013, source=town.parent, target=town,
                                       amount_mu="15", document_number="绩土指〔2013〕9号", allocated_on=D(2013, 3, 1),
                                       actor=office)
            road = services.project_create(town=town, name="华阳镇扬溪至石门公路改线", kind=ProjectKind.INFRASTRUCTURE,
                                           year=2013, area_mu="15", quota_mu="15", farmland_mu="12",
                                           application_document="华政〔2013〕21号", actor=office)
            services.project_draw(project=road, approval_document="皖政地〔2013〕188号", approved_on=D(2013, 7, 2),
                                  actor=office)
    except ApplicationError:
        return False
    return True
