"""Entitlements: what the county owes for a town-month under the arrangement in force, posted with its trace; the year-end settlement."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext

from core.deadlines import DeadlineRule
from core.history import actor_context
from core.ledger.models import Period, Posting
from core.ledger.services import (
    account_open,
    accounts_open_bulk,
    posting_create,
    posting_reverse,
    postings_create_bulk,
)
from core.services import save_validated
from regions.models import Division

from .. import rules as r
from ..choices import Earmark, EntitlementKind, EntitlementStatus, RuleKind, SettlementMethod, ShortfallRule
from ..models import (
    ZERO,
    ArrangementRule,
    Entitlement,
    FiscalArrangement,
    ReclamationRecord,
    RevenueRecord,
)
from ..selectors import LEDGER, month_closed
from .base import _lock_town, _refuse, _today
from .revenue import _arrangement_for

# --- entitlements -------------------------------------------------------------------------------


def _category_sums(town, month: datetime.date) -> dict[int, tuple[Decimal, Decimal]]:
    """category id → (the month's revenue, the year's revenue up to and including the month):
    one GROUP BY in the database."""
    rows = (RevenueRecord.objects.filter(town=town, month__year=month.year, month__lte=month)
            .values("category_id").annotate(m=Sum("amount", filter=Q(month=month)), y=Sum("amount")).order_by()
            .values_list("category_id", "m", "y"))
    return {cid: (m or ZERO, y or ZERO) for cid, m, y in rows}


def _arrangement_trace(a: FiscalArrangement) -> dict:
    return {"id": a.pk, "name": a.name, "base_year": a.base_year, "base_amount": str(a.base_amount),
            "term": [a.term_start.isoformat(), a.term_end.isoformat()], "settlement_method": a.settlement_method}


def _categories(rule: ArrangementRule) -> list[tuple[int, str]]:
    """(id, code) of the rule's categories (prefetched)."""
    return [(c.pk, c.code) for c in rule.categories.all()]


def _rule_trace(rule: ArrangementRule, categories: list[tuple[int, str]] | None = None) -> dict:
    categories = _categories(rule) if categories is None else categories
    return {"id": rule.pk, "name": rule.name, "kind": rule.kind, "share_percent": str(rule.share_percent),
            "earmark": rule.earmark, "categories": sorted(code for _pk, code in categories),
            **({"per_mu_amount": str(rule.per_mu_amount)} if rule.per_mu_amount else {}),
            **({"tiers": rule.tiers} if rule.tiers else {})}


def _rebate(rule: ArrangementRule, excess: Decimal, label: str) -> tuple[Decimal, list[dict], list[dict]]:
    """The excess rule's rebate of ``excess``: (amount, its trace steps, the tiers' breakdown).
    Tiered (分档): each band's part × its share, summed; else excess × the rule's share."""
    if not rule.tiers:
        amount = r.share_of(excess, rule.share_percent)
        return amount, [{"label": f"× 返还比例 {rule.share_percent}%{label}", "amount": str(amount)}], []
    amount, bands = r.tiered_share(excess, rule.tiers)
    steps = []
    for band in bands:
        span = (f"{r.fmt(Decimal(band['from']))} 至 {r.fmt(Decimal(band['up_to']))} 元" if band["up_to"]
                else f"{r.fmt(Decimal(band['from']))} 元以上")
        steps.append({"label": f"分档：超收 {span} 部分 {r.fmt(Decimal(band['part']))} × {band['share_percent']}%",
                      "amount": band["amount"]})
    steps.append({"label": f"= 分档返还合计{label}", "amount": str(amount)})
    return amount, steps, bands


def _inputs(categories: list[tuple[int, str]], sums, which: int) -> tuple[Decimal, dict]:
    """The sum over the categories (``_categories``) of the month's (0) or the year's (1) revenue, and per code."""
    total, per_category = ZERO, {}
    for pk, code in categories:
        value = sums[pk][which] if pk in sums else ZERO
        per_category[code] = str(value)
        total += value
    return total, per_category


def _monthly_line(arrangement, rule, month, sums, area, before=None, prepared=None) -> dict | None:
    """What one rule gives for the month, with its trace; None: the rule is settled yearly only.
    ``before``: the year's excess advances before the month, when the caller has them (bulk);
    ``prepared``: (the arrangement's trace, the rule's trace, its ``_categories``) when the caller
    made them once per rule (bulk; the dicts are then shared by the month's traces, read only)."""
    arrangement_trace, rule_trace, categories = prepared or (
        _arrangement_trace(arrangement), _rule_trace(rule), _categories(rule))
    trace = {"kind": EntitlementKind.MONTHLY, "month": f"{month:%Y-%m}", "arrangement": arrangement_trace,
             "rule": rule_trace}
    if rule.kind == RuleKind.SHARE:
        revenue, per_category = _inputs(categories, sums, 0)
        amount = r.share_of(revenue, rule.share_percent)
        trace["inputs"] = {"revenue_by_category": per_category}
        trace["steps"] = [{"label": "本月适用科目收入合计", "amount": str(revenue)},
                          {"label": f"× 返还比例 {rule.share_percent}%", "amount": str(amount)}]
    elif rule.kind == RuleKind.PER_MU:
        amount = r.money(area * rule.per_mu_amount)
        trace["inputs"] = {"area_mu": str(area)}
        trace["steps"] = [{"label": "本月新增耕地（亩）", "amount": str(area)},
                          {"label": f"× 每亩 {rule.per_mu_amount} 元", "amount": str(amount)}]
    else:  # the excess rebate: a monthly advance on a pro-rated base, or nothing until year end
        if arrangement.settlement_method != SettlementMethod.MONTHLY_ADVANCE:
            return None
        amount = _advance(arrangement, rule, month, sums, trace, before, categories)
    trace["amount"] = str(amount)
    return {"rule": rule, "amount": amount, "trace": trace}


def _advance(arrangement, rule, month, sums, trace, before=None, categories=None) -> Decimal:
    ytd, per_category = _inputs(_categories(rule) if categories is None else categories, sums, 1)
    base = arrangement.base_amount
    prorated = r.prorated_base(base, month.month)
    trace["inputs"] = {"revenue_year_to_date_by_category": per_category}
    trace["base"] = {"yearly": str(base), "months": month.month, "prorated": str(prorated),
                     "consumed": str(min(ytd, prorated)), "remaining_for_year": str(max(ZERO, base - ytd))}
    if not arrangement.in_term(month.year):
        trace["steps"] = [{"label": "不在体制期限内，不计超收返还", "amount": "0.00"}]
        return ZERO
    excess = max(ZERO, ytd - prorated)
    cumulative, rebate_steps, bands = _rebate(rule, excess, "")
    if bands:
        trace["tiers"] = bands
    before = before if before is not None else (Entitlement.objects.filter(
        town=arrangement.town, kind=EntitlementKind.MONTHLY, status=EntitlementStatus.ACTIVE,
        rule__kind=RuleKind.EXCESS, month__year=month.year, month__lt=month,
    ).aggregate(s=Sum("amount"))["s"] or ZERO)
    amount = max(ZERO, cumulative - before)
    trace["steps"] = [
        {"label": "本年累计适用科目收入", "amount": str(ytd)},
        {"label": f"− 按月均摊基数（{month.month}/12）", "amount": str(prorated)},
        {"label": "= 累计超收", "amount": str(excess)},
        *rebate_steps,
        {"label": "− 本年此前已预拨", "amount": str(before)},
        {"label": "= 本月预拨（不为负，多拨于年终清算）", "amount": str(amount)},
    ]
    return amount


def _accounts(town, earmark: str, actor):
    county = town.parent
    suffix = f":{earmark}" if earmark else ""
    label = f"（{Earmark(earmark).label}）" if earmark else ""
    return (
        account_open(ledger=LEDGER, kind="county", owner=county, code="county", name=f"{county.name}财政", actor=actor),
        account_open(ledger=LEDGER, kind="owed", owner=town, code=f"owed{suffix}", name=f"{town.name}应返未拨{label}",
                     actor=actor),
        account_open(ledger=LEDGER, kind="received", owner=town, code=f"received{suffix}",
                     name=f"{town.name}已拨资金{label}", actor=actor),
    )


def _due(arrangement, trigger: datetime.date):
    return DeadlineRule.parse(arrangement.disbursement_limit).due_provisional(trigger)


def _post(town, kind: str, month: datetime.date, lines: list[dict], actor, *, trigger: datetime.date):
    """Post the lines' amounts (county → the town's owed accounts, one per earmark); None if all zero."""
    by_earmark: dict[str, Decimal] = {}
    for line in lines:
        by_earmark[line["rule"].earmark] = by_earmark.get(line["rule"].earmark, ZERO) + line["amount"]
    legs, total = [], ZERO
    county = None
    for earmark, amount in sorted(by_earmark.items()):
        if amount == 0:
            continue
        county, owed, _received = _accounts(town, earmark, actor)
        legs.append((owed, amount))
        total += amount
    if not legs:
        return None
    legs.append((county, -total))
    prefix = f"finance:{kind}:{town.code}:{month:%Y-%m}:"
    version = Posting.objects.filter(ledger=LEDGER, idempotency_key__startswith=prefix, reverses__isnull=True).count()
    today = _today()
    booked_on = min(trigger, today)
    if month_closed(town=town, month=booked_on.replace(day=1)):
        booked_on = today
    memo = (f"{town.name}{month:%Y年%m月}应返" if kind == EntitlementKind.MONTHLY
            else f"{town.name}{month:%Y}年度超收返还年终结算")
    return posting_create(ledger=LEDGER, kind=kind, legs=legs, idempotency_key=f"{prefix}{version + 1}",
                          booked_on=booked_on, memo=memo, actor=actor)


# --- the posting side of many town-months at once (services/bulk.py) ------------------------------


class _Todo(NamedTuple):
    """A town-month to (re)post: its non-zero totals by earmark (sorted) and the postings of its
    active entitlements (to reverse)."""

    town: Division
    month: datetime.date
    nonzero: list[tuple[str, Decimal]]
    old_postings: list[int]


def _post_months(todo: list[_Todo], year: int, actor) -> tuple[list[int], list[tuple[dict[int, int], int | None]]]:
    """The ledger side of the changed town-months, as ``_replace`` / ``_post`` write it month by
    month: each old posting reversed, then the new posting (county → the town's owed accounts,
    one per earmark), in one ``postings_create_bulk``. (posting ids, per month: (old posting id →
    index of its reversal, index of its posting or None))."""
    today = _today()
    prefixes = {f"finance:{EntitlementKind.MONTHLY}:{t.town.code}:{t.month:%Y-%m}:" for t in todo}
    versions: dict[str, int] = {}
    for key in (Posting.objects.filter(ledger=LEDGER, reverses__isnull=True,
                                       idempotency_key__startswith=f"finance:{EntitlementKind.MONTHLY}:",
                                       idempotency_key__contains=f":{year}-")
                .values_list("idempotency_key", flat=True)):
        prefix = key[:key.rfind(":") + 1]
        if prefix in prefixes:
            versions[prefix] = versions.get(prefix, 0) + 1
    owners = {t.town.pk for t in todo} | {t.town.parent_id for t in todo if t.town.parent_id}
    closed = set(Period.objects.filter(ledger=LEDGER, owner_id__in=owners).values_list("owner_id", "month"))
    # Accounts as _post opens them: per earmark with a non-zero total, county, owed, received.
    wanted, seen = [], set()
    for t in todo:
        for earmark, _amount in t.nonzero:
            if (t.town.pk, earmark) in seen:
                continue
            seen.add((t.town.pk, earmark))
            county, suffix = t.town.parent, f":{earmark}" if earmark else ""
            label = f"（{Earmark(earmark).label}）" if earmark else ""
            wanted += [
                {"kind": "county", "owner": county.pk, "code": "county", "name": f"{county.name}财政"},
                {"kind": "owed", "owner": t.town.pk, "code": f"owed{suffix}", "name": f"{t.town.name}应返未拨{label}"},
                {"kind": "received", "owner": t.town.pk, "code": f"received{suffix}",
                 "name": f"{t.town.name}已拨资金{label}"},
            ]
    accounts = accounts_open_bulk(ledger=LEDGER, accounts=wanted, actor=actor, ids_only=True)
    wanted_old = sorted({pk for t in todo for pk in t.old_postings})
    old_postings = Posting.objects.in_bulk(wanted_old) if wanted_old else {}
    items, slots, ends = [], [], {}
    reason = gettext("收入或体制变动，重新计算应返")
    for t in todo:
        reversals = {}
        for posting_id in t.old_postings:
            reversals[posting_id] = len(items)
            items.append({"reverses": old_postings[posting_id], "reason": reason})
        index = None
        if t.nonzero:
            legs = [(accounts[(t.town.pk, f"owed:{e}" if e else "owed")], amount) for e, amount in t.nonzero]
            legs.append((accounts[(t.town.parent_id, "county")], -sum((a for _e, a in t.nonzero), ZERO)))
            prefix = f"finance:{EntitlementKind.MONTHLY}:{t.town.code}:{t.month:%Y-%m}:"
            booked_on = min(ends.get(t.month) or ends.setdefault(t.month, r.month_end(t.month)), today)
            if {(t.town.pk, booked_on.replace(day=1)), (t.town.parent_id, booked_on.replace(day=1))} & closed:
                booked_on = today
            index = len(items)
            items.append({"kind": EntitlementKind.MONTHLY, "legs": legs, "booked_on": booked_on,
                          "idempotency_key": f"{prefix}{versions.get(prefix, 0) + 1}",
                          "memo": f"{t.town.name}{t.month:%Y年%m月}应返"})
        slots.append((reversals, index))
    return postings_create_bulk(ledger=LEDGER, items=items, actor=actor, ids_only=True), slots


def _nonzero(lines: list[dict]) -> list[tuple[str, Decimal]]:
    by_earmark: dict[str, Decimal] = {}
    for line in lines:
        by_earmark[line["rule"].earmark] = by_earmark.get(line["rule"].earmark, ZERO) + line["amount"]
    return [(earmark, amount) for earmark, amount in sorted(by_earmark.items()) if amount != 0]


def _signature(rows) -> dict:
    return {row["rule"].pk: (row["amount"], row.get("carried_forward", ZERO), row["trace"]) for row in rows}


def _replace(*, town, kind: str, month: datetime.date, arrangement, lines: list[dict], actor,
             trigger: datetime.date, reason: str) -> list[Entitlement]:
    """Write the month's (or year's) entitlements unless they are what is already there; a change
    reverses the old posting and posts the new one (nothing is edited on the ledger)."""
    old = list(Entitlement.objects.filter(town=town, kind=kind, month=month, status=EntitlementStatus.ACTIVE)
               .select_related("rule", "posting"))
    was = {e.rule_id: (e.amount, e.carried_forward, e.trace) for e in old}
    if old and was == _signature(lines):
        return old
    reversals = {}
    for posting in {e.posting for e in old if e.posting is not None}:
        reversals[posting.pk] = posting_reverse(posting=posting, actor=actor, reason=reason)
    for e in old:
        e.status = EntitlementStatus.REPLACED
        e.reversal_posting = reversals.get(e.posting_id)
        save_validated(e, actor)
    posting = _post(town, kind, month, lines, actor, trigger=trigger)
    due = _due(arrangement, trigger)
    new = [save_validated(Entitlement(
        town=town, kind=kind, month=month, arrangement=arrangement, rule=line["rule"], earmark=line["rule"].earmark,
        amount=line["amount"], carried_forward=line.get("carried_forward", ZERO), trace=line["trace"],
        due_on=due.date, due_provisional=due.provisional, posting=posting,
    ), actor) for line in lines]
    by_rule = {e.rule_id: e for e in new}
    for e in old:
        e.replaced_by = by_rule.get(e.rule_id) or (new[0] if new else None)
        if e.replaced_by is None:
            _refuse(gettext("重算后没有应返款项可替代原记录。"), "nothing_to_replace")
        save_validated(e, actor)
    return new


@transaction.atomic
def entitlement_compute(*, town, month, actor=None) -> list[Entitlement]:
    """Compute what the county owes ``town`` for ``month`` under the arrangement in force: one
    entitlement per monthly rule (shares, per-mu subsidy, and the excess advance when the
    arrangement pays monthly), each with its trace, posted to the ledger in one posting.
    The revenue comes from one GROUP BY over the month's (and the year's) records."""
    month = r.parse_month(month)
    with actor_context(actor):
        town = _lock_town(town)
        arrangement = _arrangement_for(town, month)
        rules = list(arrangement.rules.prefetch_related("categories"))
        sums = _category_sums(town, month)
        area = ReclamationRecord.objects.filter(town=town, month=month).aggregate(s=Sum("area_mu"))["s"] or Decimal(0)
        lines = [line for rule in rules if (line := _monthly_line(arrangement, rule, month, sums, area))]
        return _replace(town=town, kind=EntitlementKind.MONTHLY, month=month, arrangement=arrangement, lines=lines,
                        actor=actor, trigger=r.month_end(month), reason=gettext("收入或体制变动，重新计算应返"))


@transaction.atomic
def settlement_compute(*, town, year: int, actor=None) -> Entitlement | None:
    """The year-end settlement (年终结算) of the excess rebate: final = (the year's revenue of the
    covered categories − base) × share, never below zero, and nothing outside the term; balance
    = final − the year's monthly advances − what last year carried. A negative balance is owed
    back by the town, or carried to next year, as the arrangement says."""
    december = datetime.date(year, 12, 1)
    with actor_context(actor):
        town = _lock_town(town)
        arrangement = _arrangement_for(town, december)
        rule = arrangement.rules.filter(kind=RuleKind.EXCESS).prefetch_related("categories").first()
        if rule is None:
            return None
        if december >= _today().replace(day=1):
            _refuse(gettext("%(year)s年尚未结束，不能年终结算。") % {"year": year}, "year_not_ended", "year")
        sums = _category_sums(town, december)
        revenue, per_category = _inputs(_categories(rule), sums, 1)
        base = arrangement.base_amount
        in_term = arrangement.in_term(year)
        excess = max(ZERO, revenue - base) if in_term else ZERO
        final, rebate_steps, bands = _rebate(rule, excess, " = 全年应返")
        advances = Entitlement.objects.filter(
            town=town, kind=EntitlementKind.MONTHLY, status=EntitlementStatus.ACTIVE, rule__kind=RuleKind.EXCESS,
            month__year=year).aggregate(s=Sum("amount"))["s"] or ZERO
        carried_in = Entitlement.objects.filter(
            town=town, kind=EntitlementKind.SETTLEMENT, status=EntitlementStatus.ACTIVE,
            month=datetime.date(year - 1, 12, 1)).aggregate(s=Sum("carried_forward"))["s"] or ZERO
        balance = final - advances - carried_in
        carried_forward = ZERO
        amount = balance
        if balance < 0 and arrangement.shortfall_rule == ShortfallRule.CARRIED:
            amount, carried_forward = ZERO, -balance
        trace = {
            "kind": EntitlementKind.SETTLEMENT, "year": year, "arrangement": _arrangement_trace(arrangement),
            "rule": _rule_trace(rule), "inputs": {"revenue_by_category": per_category},
            "base": {"yearly": str(base), "consumed": str(min(revenue, base)),
                     "remaining": str(max(ZERO, base - revenue))},
            **({"tiers": bands} if bands else {}),
            "in_term": in_term, "revenue": str(revenue), "excess": str(excess), "final": str(final),
            "advances": str(advances), "carried_in": str(carried_in), "balance": str(balance),
            "treatment": ("owed_back" if balance < 0 and carried_forward == 0 else
                          "carried" if carried_forward else "payable"),
            "amount": str(amount), "carried_forward": str(carried_forward),
            "steps": [
                {"label": "本年适用科目收入", "amount": str(revenue)},
                {"label": "− 基数", "amount": str(base)},
                {"label": "= 超收" if in_term else "不在体制期限内，不计超收返还", "amount": str(excess)},
                *rebate_steps,
                {"label": "− 本年已预拨", "amount": str(advances)},
                {"label": "− 上年结转抵扣", "amount": str(carried_in)},
                {"label": "= 结算差额", "amount": str(balance)},
            ],
        }
        rows = _replace(town=town, kind=EntitlementKind.SETTLEMENT, month=december, arrangement=arrangement,
                        lines=[{"rule": rule, "amount": amount, "carried_forward": carried_forward, "trace": trace}],
                        actor=actor, trigger=datetime.date(year, 12, 31), reason=gettext("重新年终结算"))
        return rows[0]


