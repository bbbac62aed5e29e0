"""Demo data of 临溪镇 2009–2013 from fixtures/demo_finance.json, through the services,
idempotently: revenue by month and category, reclamation, every month's entitlements and each
year's settlement computed and posted, disbursements on the 20th of the next month (one late,
the last month still unpaid so the overdue pages have a row)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from regions.models import Division

from . import services
from .models import Entitlement, FiscalArrangement, RevenueCategory

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_finance.json"
D = datetime.date


def _spread(total: Decimal, weights: list[int]) -> list[Decimal]:
    """``total`` over the months by ``weights``, to the fen; the last month takes the rest."""
    parts = [(total * w / sum(weights)).quantize(Decimal("0.01")) for w in weights[:-1]]
    return [*parts, total - sum(parts)]


@transaction.atomic
def load_demo_finance() -> bool:
    """Load the demo; False when 临溪's arrangement is already there (nothing done)."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    town = Division.objects.get(code=data["town"])
    if FiscalArrangement.objects.filter(town=town).exists():
        return False
    actor = get_user_model().objects.filter(username="office").first()
    for code, name, kind in data["categories"]:
        if not RevenueCategory.objects.filter(code=code).exists():
            services.revenue_category_create(code=code, name=name, kind=kind, actor=actor)
    a = data["arrangement"]
    services.arrangement_create(
        town=town, actor=actor, **{k: v for k, v in a.items() if k not in {"term_start", "term_end", "effective_from"}},
        term_start=D.fromisoformat(a["term_start"]), term_end=D.fromisoformat(a["term_end"]),
        effective_from=D.fromisoformat(a["effective_from"]),
    )
    for year, totals in data["yearly"].items():
        for code, total in totals.items():
            weights = data["weights_by_year"].get(year, data["weights"])
            for month, amount in enumerate(_spread(Decimal(total), weights), start=1):
                services.revenue_record_create(town=town, month=D(int(year), month, 1), category=code,
                                               collecting_body=data["bodies"][code], amount=amount, actor=actor)
    for row in data["single"]:
        services.revenue_record_create(town=town, month=row["month"], category=row["category"],
                                       collecting_body=row["body"], amount=row["amount"], actor=actor)
    for row in data["reclamation"]:
        services.reclamation_record_create(town=town, month=row["month"], area_mu=row["area_mu"],
                                           project=row["project"], actor=actor)
    years = sorted(int(y) for y in data["yearly"])
    for year in years:
        for month in range(1, 13):
            entitlements = services.entitlement_compute(town=town, month=D(year, month, 1), actor=actor)
            _pay(town, D(year, month, 1), entitlements, data, actor)
        settlement = services.settlement_compute(town=town, year=year, actor=actor)
        if settlement is not None and settlement.amount > 0 and f"{year}-12" not in data["unpaid"]:
            services.disbursement_create(town=town, paid_on=D(year + 1, 2, data["pay_day"]),
                                         document_number=f"绩财结〔{year + 1}〕1号", lines=[(settlement, settlement.amount)],
                                         memo=f"{year}年度超收返还年终结算", actor=actor)
    return True


def _pay(town, month: datetime.date, entitlements: list[Entitlement], data: dict, actor) -> None:
    key = f"{month:%Y-%m}"
    lines = [(e, e.amount) for e in entitlements if e.amount > 0]
    if not lines or key in data["unpaid"]:
        return
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=data["pay_day"])
    paid_on = D.fromisoformat(data["late"][key]) if key in data["late"] else following
    services.disbursement_create(town=town, paid_on=paid_on, document_number=f"绩财拨〔{month:%Y}〕{month.month}号",
                                 lines=lines, memo=f"{month:%Y年%m月}应返调拨", actor=actor)
