"""Demo data of the farmland balance and reclamation (l2's part of issue 13) for 临溪镇, called from
landuse/demo.py after the quota demo and finance's demo (the subsidy needs 临溪's fiscal
arrangement): one reclamation accepted in 2013 (36 mu: the town gains 36 mu of quota and
180,000.00 yuan of subsidy in finance), one waiting for acceptance, and the farmland balance of
2013 left open in 临溪镇 (its projects occupied more farmland than it replaced), so the balance
page, its warning and the daily notice have a row. Through the services; idempotent."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from regions.models import Division

from . import services
from .choices import ReclamationKind
from .models import Reclamation

D = datetime.date
TOWN = "341824101"  # 临溪镇


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
    return True
