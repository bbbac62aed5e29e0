"""The yearly settlement statement (年度结算单) of a town as a PDF in GB/T 9704 layout (core/pdf.py).

For a town and a year under the arrangement in force in its December, the statement sets out:

- the arrangement (base year and amount, term, settlement method, what happens to advances
  beyond the final rebate) and whether the year lies in its term;
- per month: the revenue, what the county owes (every rule), the excess advance, the base
  consumed to date, what was transferred against it and what is still outstanding;
- the year-end settlement (年终结算) as ``finance.services.settlement_compute`` posted it:
  final entitlement, advances, what last year carried, the balance and its treatment;
- the transfers (调拨) against the year's entitlements, and the town's own accounts on the
  ``finance`` ledger with their balances and the result of verifying their hash chains
  (core.ledger.chain.verify; not the county's account, which holds every town's postings);
- attachments: the revenue by month and category, and the calculation trace of every
  entitlement (rule, inputs, each step's amount), so an auditor can follow every fen.

Everything is read, nothing is written: the settlement is the one already posted (none before
the office settles the year, and the statement says so). The caller has checked the town is
in the user's scope (finance.views_settlement).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from core.ledger import chain
from core.ledger.models import Account
from core.pdf import render_pdf, title_lines
from regions.models import Division

from . import rules as r
from .choices import EntitlementKind, EntitlementStatus, RuleKind, SettlementMethod, ShortfallRule
from .models import ZERO, DisbursementLine, Entitlement, RevenueCategory, RevenueRecord
from .selectors import LEDGER, arrangement_in_force

TREATMENTS = {"payable": "由县财政补拨", "owed_back": "由镇退回县财政", "carried": "结转下年抵扣"}


def fmt(value) -> str:
    """Money as the statement prints it: 3,500,000.00."""
    return r.fmt(Decimal(value))


@dataclass
class MonthLine:
    month: datetime.date
    revenue: Decimal = ZERO
    owed: Decimal = ZERO  # every rule's entitlement of the month
    advance: Decimal = ZERO  # of which the excess advance
    base_consumed: Decimal | None = None  # cumulative, None: the arrangement has no excess rule
    paid: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.paid


@dataclass
class TraceBlock:
    """One entitlement's calculation: rule, inputs and the steps with their amounts."""

    period: str
    rule: str
    kind: str
    inputs: list[str]
    steps: list[tuple[str, str]]
    amount: str
    base: list[str] = field(default_factory=list)


def _category_label(code: str, names: dict[str, str]) -> str:
    return f"{names.get(code, code)}（{code}）"


def _inputs(trace: dict, names: dict[str, str]) -> list[str]:
    inputs = trace.get("inputs") or {}
    out = []
    for key, label in (("revenue_by_category", "收入"), ("revenue_year_to_date_by_category", "本年累计收入")):
        for code, amount in sorted((inputs.get(key) or {}).items()):
            out.append(f"{label}：{_category_label(code, names)} {fmt(amount)} 元")
    if "area_mu" in inputs:
        out.append(f"新增耕地：{Decimal(inputs['area_mu']).normalize():f} 亩")
    return out


def _base(trace: dict) -> list[str]:
    base = trace.get("base") or {}
    if not base:
        return []
    out = [f"年度基数 {fmt(base['yearly'])} 元"]
    if "prorated" in base:
        out.append(f"按月均摊至第{base['months']}月 {fmt(base['prorated'])} 元")
    out.append(f"已消耗基数 {fmt(base['consumed'])} 元")
    remaining = base.get("remaining_for_year", base.get("remaining"))
    if remaining is not None:
        out.append(f"全年尚余基数 {fmt(remaining)} 元")
    return out


def _block(e: Entitlement, names: dict[str, str]) -> TraceBlock:
    trace = e.trace or {}
    steps = [(s["label"], fmt(s["amount"]) if s["label"] != "本月新增耕地（亩）" else
              f"{Decimal(s['amount']).normalize():f} 亩") for s in trace.get("steps", ())]
    period = f"{e.month.year}年度" if e.kind == EntitlementKind.SETTLEMENT else f"{e.month.month}月"
    return TraceBlock(period=period, rule=e.rule.name, kind=e.rule.get_kind_display(), inputs=_inputs(trace, names),
                      steps=steps, amount=fmt(e.amount), base=_base(trace))


def _is_nothing(e: Entitlement) -> bool:
    """An entitlement of 0.00 whose every input and step is zero (a rule with nothing to apply to)."""
    if e.amount:
        return False
    trace = e.trace or {}
    amounts = [s.get("amount", "0") for s in trace.get("steps", ())]
    for values in (trace.get("inputs") or {}).values():
        amounts += list(values.values()) if isinstance(values, dict) else [values]
    return all(Decimal(a) == 0 for a in amounts)


def _verification(town: Division) -> dict:
    """The town's accounts on the finance ledger (owed and received, per earmark): their posted
    balances and the verification of their hash chains. The county's account is left out: it
    holds every town's postings, and a town's clerk reads the town's own figures only."""
    accounts = list(Account.objects.filter(owner=town, ledger=LEDGER).select_related("balance").order_by("code"))
    result = chain.verify(accounts=[a.pk for a in accounts]) if accounts else chain.VerifyResult()
    first = result.first
    return {
        "accounts": [{"code": a.code, "name": a.name, "posted": fmt(a.balance.posted)} for a in accounts],
        "ok": result.ok, "checked_accounts": result.accounts, "entries": result.entries,
        "first_bad": first and {"entry": first.entry_id, "account": next(
            (a.name for a in accounts if a.pk == first.account_id), first.account_id), "seq": first.seq,
            "reason": first.reason},
        "problems": len(result.problems),
    }


def statement_context(*, town: Division, year: int, today: datetime.date | None = None) -> dict:
    """Everything the statement prints, read from the database (a fixed number of queries)."""
    today = today or timezone.localdate()
    county = town.parent or town
    december = datetime.date(year, 12, 1)
    arrangement = arrangement_in_force(town=town, month=december)
    rules = list(arrangement.rules.prefetch_related("categories").order_by("position", "pk")) if arrangement else []
    excess_rule = next((x for x in rules if x.kind == RuleKind.EXCESS), None)
    covered = {c.pk for c in excess_rule.categories.all()} if excess_rule else set()

    revenue = list(RevenueRecord.objects.filter(town=town, month__year=year)
                   .values_list("month", "category_id").annotate(s=Sum("amount")).order_by("month", "category_id"))
    categories = {c.pk: c for c in RevenueCategory.objects.filter(pk__in={c for _m, c, _s in revenue} | covered)}
    names = {c.code: c.name for c in RevenueCategory.objects.all()}
    months = {m: MonthLine(datetime.date(year, m, 1)) for m in range(1, 13)}
    by_category: dict[int, dict[int, Decimal]] = {}
    for month, category_id, s in revenue:
        months[month.month].revenue += s
        by_category.setdefault(category_id, {})[month.month] = s

    entitlements = list(Entitlement.objects.filter(town=town, month__year=year, status=EntitlementStatus.ACTIVE)
                        .select_related("rule", "posting").order_by("kind", "month", "rule__position", "rule_id"))
    monthly = [e for e in entitlements if e.kind == EntitlementKind.MONTHLY]
    settlement = next((e for e in entitlements if e.kind == EntitlementKind.SETTLEMENT), None)
    paid = dict(DisbursementLine.objects.filter(entitlement__in=[e.pk for e in entitlements])
                .values_list("entitlement_id").annotate(s=Sum("amount")).order_by())
    for e in monthly:
        line = months[e.month.month]
        line.owed += e.amount
        line.paid += paid.get(e.pk, ZERO)
        if e.rule.kind == RuleKind.EXCESS:
            line.advance += e.amount
            line.base_consumed = Decimal((e.trace.get("base") or {}).get("consumed", "0"))
    if excess_rule is not None:  # the base consumed to date where no advance recorded it: min(covered to date, base)
        to_date = ZERO
        for line in months.values():
            to_date += sum((by_category.get(c, {}).get(line.month.month, ZERO) for c in covered), ZERO)
            if line.base_consumed is None:
                line.base_consumed = min(to_date, arrangement.base_amount)
    lines = list(months.values())

    transfers = list(DisbursementLine.objects.filter(entitlement__in=[e.pk for e in entitlements])
                     .values_list("disbursement__paid_on", "disbursement__document_number", "disbursement__amount")
                     .annotate(s=Sum("amount")).order_by("disbursement__paid_on", "disbursement__document_number"))
    owed_total = sum((e.amount for e in entitlements), ZERO)
    paid_total = sum(paid.values(), ZERO)
    trace = settlement.trace if settlement else {}
    settled = None
    if settlement:
        settled = {
            "revenue": fmt(trace["revenue"]), "base": fmt(trace["base"]["yearly"]), "excess": fmt(trace["excess"]),
            "final": fmt(trace["final"]), "advances": fmt(trace["advances"]), "carried_in": fmt(trace["carried_in"]),
            "balance": fmt(trace["balance"]), "balance_negative": Decimal(trace["balance"]) < 0,
            "balance_abs": fmt(abs(Decimal(trace["balance"]))), "amount": fmt(settlement.amount),
            "carried_forward": fmt(settlement.carried_forward), "in_term": trace.get("in_term", True),
            "treatment": TREATMENTS.get(trace.get("treatment"), ""), "booked_on": settlement.posting.booked_on
            if settlement.posting else None, "paid": fmt(paid.get(settlement.pk, ZERO)),
            "outstanding": fmt(settlement.amount - paid.get(settlement.pk, ZERO)),
        }
    shown = [e for e in entitlements if not _is_nothing(e)]
    issuer = f"{county.name}财政局"
    title = [town.name, f"{year}年度", "财政体制结算单"]
    return {
        "issuer": issuer, "doc_number": "", "title": "".join(title), "title_lines": title_lines(title),
        "town": town, "county": county, "year": year, "arrangement": arrangement,
        "base_amount": fmt(arrangement.base_amount) if arrangement else "",
        "in_term": bool(arrangement and arrangement.in_term(year)),
        "monthly_advance": bool(arrangement and arrangement.settlement_method == SettlementMethod.MONTHLY_ADVANCE),
        "carried_rule": bool(arrangement and arrangement.shortfall_rule == ShortfallRule.CARRIED),
        "rules": rules, "excess_rule": excess_rule,
        "excess_categories": "、".join(c.name for c in excess_rule.categories.all()) if excess_rule else "",
        "months": [{"label": f"{line.month.month}月", "revenue": fmt(line.revenue), "owed": fmt(line.owed),
                    "advance": fmt(line.advance), "paid": fmt(line.paid), "outstanding": fmt(line.outstanding),
                    "base_consumed": "—" if line.base_consumed is None else fmt(line.base_consumed)} for line in lines],
        "totals": {"revenue": fmt(sum((x.revenue for x in lines), ZERO)), "owed": fmt(sum((x.owed for x in lines), ZERO)),
                   "advance": fmt(sum((x.advance for x in lines), ZERO)), "paid": fmt(sum((x.paid for x in lines), ZERO)),
                   "outstanding": fmt(sum((x.outstanding for x in lines), ZERO))},
        "by_rule": [{"name": x.name, "amount": fmt(sum((e.amount for e in monthly if e.rule_id == x.pk), ZERO))}
                    for x in rules if x.kind != RuleKind.EXCESS or any(e.rule_id == x.pk for e in monthly)],
        "revenue_months": [{"label": f"{m}月", "rows": [
            {"category": _category_label(categories[c].code, names), "amount": fmt(by_category[c][m]),
             "covered": c in covered} for c in sorted(by_category, key=lambda c: categories[c].code)
            if m in by_category[c]], "total": fmt(months[m].revenue)} for m in range(1, 13) if months[m].revenue
            or any(m in v for v in by_category.values())],
        "revenue_categories": [{"category": _category_label(categories[c].code, names), "covered": c in covered,
                                "total": fmt(sum(by_category[c].values(), ZERO))}
                               for c in sorted(by_category, key=lambda c: categories[c].code)],
        "covered_total": fmt(sum((sum(by_category.get(c, {}).values(), ZERO) for c in covered), ZERO)),
        "settlement": settled, "settlement_steps": [(s["label"], fmt(s["amount"])) for s in trace.get("steps", ())],
        "year_ended": december < today.replace(day=1),
        "transfers": [{"paid_on": d, "document": n, "amount": fmt(a), "this_year": fmt(s)} for d, n, a, s in transfers],
        "owed_total": fmt(owed_total), "paid_total": fmt(paid_total), "outstanding_total": fmt(owed_total - paid_total),
        "traces": [_block(e, names) for e in shown], "omitted": len(entitlements) - len(shown),
        "ledger": _verification(town),
        "signature": issuer, "date": today, "cc": [f"{county.name}审计局", f"{town.name}人民政府"],
        "printer": issuer, "printed_on": today,
    }


def settlement_pdf(*, town: Division, year: int) -> bytes:
    """The 年度结算单 of ``town`` for ``year`` as a PDF."""
    return render_pdf("finance/settlement.html", statement_context(town=town, year=year))
