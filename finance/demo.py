"""Demo data of 临溪镇 2009–2013 from fixtures/demo_finance.json, through the services,
idempotently: revenue by month and category, reclamation, every month's entitlements and each
year's settlement computed and posted, disbursements on the 20th of the next month (one late,
the last month still unpaid so the overdue pages have a row), and the next term's arrangement
superseding the 2009—2013 one from 2014 (both readable)."""

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
    _supersede(town, a, actor)
    return True


def _supersede(town, old: dict, actor) -> None:
    """The next term's arrangement (2014—2018) superseding the demo's from 2014-01-01, so the
    pages show a superseded arrangement beside the one in force: base 2013 (增值税 and 企业所得税,
    19,000,000.00), its excess returned in tiers (the first 3,000,000.00 in full, beyond that
    half), the other rules as before."""
    rules = [dict(rule) for rule in old["rules"]]
    for rule in rules:
        if rule["kind"] == "excess":
            rule["tiers"] = [{"up_to": "3000000.00", "share_percent": "100"}, {"up_to": None, "share_percent": "50"}]
    services.arrangement_supersede(
        arrangement=FiscalArrangement.objects.get(town=town), name="临溪镇财政体制（2014—2018）",
        document_number="绩政〔2013〕96号", base_year=2013, base_amount="19000000.00", term_start=D(2014, 1, 1),
        term_end=D(2018, 12, 31), effective_from=D(2014, 1, 1), rules=rules,
        settlement_method=old["settlement_method"], shortfall_rule=old["shortfall_rule"], actor=actor)


def _pay(town, month: datetime.date, entitlements: list[Entitlement], data: dict, actor) -> None:
    key = f"{month:%Y-%m}"
    lines = [(e, e.amount) for e in entitlements if e.amount > 0]
    if not lines or key in data["unpaid"]:
        return
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=data["pay_day"])
    paid_on = D.fromisoformat(data["late"][key]) if key in data["late"] else following
    services.disbursement_create(town=town, paid_on=paid_on, document_number=f"绩财拨〔{month:%Y}〕{month.month}号",
                                 lines=lines, memo=f"{month:%Y年%m月}应返调拨", actor=actor)


# --- targets, debt, quarterly inspection (issue 11 §6, §8; engineer f3) ------------------------------

TARGETS_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_finance_targets.json"


@transaction.atomic
def load_demo_targets() -> bool:
    """临溪镇's targets, yearly figures, debt register and one quarterly inspection, through the
    services (fixtures/demo_finance_targets.json); False when already there (nothing done)."""
    from .models import GrowthTarget
    from .services import targets as st

    data = json.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    town = Division.objects.get(code=data["town"])
    if GrowthTarget.objects.filter(town=town).exists():
        return False
    actor = get_user_model().objects.filter(username="office").first()
    for year in data["target_years"]:
        for indicator, percent in data["targets"].items():
            st.growth_target_set(town=town, year=year, indicator=indicator, target_percent=percent,
                                 document_number=data["target_document"], actor=actor)
    for indicator, years in data["figures"].items():
        for year, amount in years.items():
            st.year_figure_enter(town=town, year=int(year), indicator=indicator, amount=amount,
                                 source=data["figure_source"], actor=actor)
    for row in data["debt"]:
        common = {"town": town, "lender": row["lender"], "occurred_on": D.fromisoformat(row["on"]),
                  "amount": row["amount"], "document_number": row["document"], "actor": actor}
        if row["kind"] == "borrowing":
            st.debt_borrow(approved_by=row["approved_by"], purpose=row["purpose"], **common)
        else:
            st.debt_repay(**common)
    items = {code: st.checklist_item_create(county=town.parent, code=code, text=text, position=n, actor=actor)
             for n, (code, text) in enumerate(data["checklist"], start=1)}
    i = data["inspection"]
    inspection = st.inspection_open(town=town, year=i["year"], quarter=i["quarter"],
                                    inspected_on=D.fromisoformat(i["inspected_on"]), inspectors=i["inspectors"],
                                    actor=actor)
    st.inspection_results_record(inspection=inspection, actor=actor, results=[
        {"item": item.pk, "result": "fail" if code in i["fail"] else "pass", "note": i["fail"].get(code, "")}
        for code, item in items.items()])
    for finding in i["findings"]:
        st.inspection_finding_add(inspection=inspection, text=finding["text"], severity=finding["severity"],
                                  item=items[finding["item"]], actor=actor)
    st.inspection_complete(inspection=inspection, summary=i["summary"], actor=actor)
    return True


# --- funds and incentives (issue 11 §5, §7) -----------------------------------------------------------

FUNDS_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_finance_funds.json"


@transaction.atomic
def load_demo_funds() -> bool:
    """临溪镇's start-up fund (3,000,000.00 in 2009), a yearly development fund with a spend
    reversed, a special fund pooled by the county's water bureau, the county's two incentive
    policies and an incentive under each (the 以奖代补 one paid from the start-up fund), through
    the services (fixtures/demo_finance_funds.json); False when already there (nothing done).
    Then the finance ledgers are verified and the outcome recorded, for the pages' badges."""
    from core.ledger.chain import verify_and_record
    from regions.models import Department

    from .models import Fund
    from .services import funds as sf

    data = json.loads(FUNDS_FILE.read_text(encoding="utf-8"))
    town = Division.objects.get(code=data["town"])
    if Fund.objects.filter(town=town).exists():
        return False
    actor = get_user_model().objects.filter(username="office").first()
    funds = {}
    for row in data["funds"]:
        department = Department.objects.filter(code=row.get("department")).first() if row.get("department") else None
        funds[row["key"]] = sf.fund_create(town=town, kind=row["kind"], name=row["name"], year=row["year"],
                                           department=department, document_number=row["document_number"],
                                           purpose=row["purpose"], actor=actor)
    for row in data["entries"]:
        common = {"fund": funds[row["fund"]], "amount": row["amount"], "booked_on": D.fromisoformat(row["on"]),
                  "document_number": row["document_number"], "purpose": row["purpose"], "actor": actor}
        entry = (sf.fund_grant(**common) if row["kind"] == "grant"
                 else sf.fund_spend(project=row["project"], **common))
        if row.get("reverse"):
            sf.fund_entry_reverse(entry=entry, reason=row["reverse"], actor=actor)
    policies = {row["key"]: sf.incentive_policy_create(
        county=town.parent, kind=row["kind"], name=row["name"], document_number=row["document_number"],
        investment_threshold=row["investment_threshold"], effective_from=D.fromisoformat(row["effective_from"]),
        actor=actor) for row in data["policies"]}
    for row in data["incentives"]:
        sf.incentive_grant(town=town, policy=policies[row["policy"]], enterprise=row["enterprise"],
                           project=row["project"], investment=row["investment"], amount=row["amount"],
                           document_number=row["document_number"], booked_on=D.fromisoformat(row["on"]),
                           fund=funds.get(row.get("fund")), actor=actor)
    for ledger in ("finance", "finance_funds", "finance_debt"):
        verify_and_record(ledger=ledger)
    return True
