"""Every write of finance (DOMAIN.md §3). Keyword-only, one transaction each, attributed.

- ``revenue_category_create``, ``arrangement_create`` (supersedes the town's current one),
  ``arrangement_supersede`` (a given arrangement, from a date);
- ``revenue_record_create`` / ``revenue_record_reverse``, ``reclamation_record_create`` /
  ``reclamation_record_reverse``: facts written once, corrected by a reversal;
- ``entitlement_compute(town, month)``: what the county owes for the month under the arrangement
  in force, from aggregates in the database, posted to the ``finance`` ledger with its trace;
  ``settlement_compute(town, year)``: the year-end settlement of the excess rebate (advances,
  final, balance). Recomputing reverses the old posting and posts the new one; an unchanged
  month is a no-op;
- ``disbursement_create``: a transfer covering several entitlements, partially.

The ledger (core.ledger) holds the money: the county's account (owned by the county) owes,
the town's "owed" accounts (one per earmark) hold what is owed and not yet transferred, its
"received" accounts what was transferred.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from core.deadlines import DeadlineRule
from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.importing.copying import copy_rows, prepare_history
from core.ledger.models import Period, Posting
from core.ledger.services import (
    account_open,
    accounts_open_bulk,
    posting_create,
    posting_reverse,
    postings_create_bulk,
)
from core.services import require_reason, save_validated
from regions.choices import Level
from regions.models import Division

from . import rules as r
from .choices import Earmark, EntitlementKind, EntitlementStatus, RuleKind, SettlementMethod, ShortfallRule
from .models import (
    ZERO,
    ArrangementRule,
    Disbursement,
    DisbursementLine,
    Entitlement,
    FiscalArrangement,
    ReclamationRecord,
    RevenueCategory,
    RevenueRecord,
)
from .selectors import LEDGER, arrangement_in_force, closed_since, month_closed, paid_on_slot


def _today() -> datetime.date:
    return timezone.localdate()


def _refuse(message: str, code: str, field: str | None = None):
    raise ApplicationError(message, code=code, extra={field: [message]} if field else None)


def _lock_town(town) -> Division:
    """One writer per town at a time: computes and disbursements of a town queue here."""
    return Division.objects.select_for_update().get(pk=getattr(town, "pk", town))


# --- catalogue and arrangements ----------------------------------------------------------------


@transaction.atomic
def revenue_category_create(*, code: str, name: str, kind: str, actor=None) -> RevenueCategory:
    """A revenue category of the shared catalogue (a tax type or a fee)."""
    return save_validated(RevenueCategory(code=code, name=name, kind=kind), actor)


@transaction.atomic
def arrangement_create(
    *, town, name: str, base_year: int, base_amount, term_start: datetime.date, term_end: datetime.date,
    effective_from: datetime.date, rules: Sequence[dict], settlement_method: str = SettlementMethod.YEAR_END,
    shortfall_rule: str = ShortfallRule.OWED_BACK, disbursement_limit: str = "3M", document_number: str = "",
    actor=None,
) -> FiscalArrangement:
    """Set a town's fiscal arrangement, with its rules; it supersedes the town's current one
    from ``effective_from`` (the old one stays readable, ``superseded_by`` points here).

    ``rules``: dicts of ``name``, ``kind``, ``categories`` (RevenueCategory rows or codes),
    ``share_percent`` (default 100), ``per_mu_amount`` (per-mu rules), ``earmark``.
    A category is covered by one rule at most (it would be paid twice); one excess rule at most.
    """
    with actor_context(actor):
        current = (FiscalArrangement.objects.select_for_update()
                   .filter(town=town, superseded_by__isnull=True).order_by("-effective_from").first())
        if current is not None and effective_from <= current.effective_from:
            _refuse(gettext("新的财政体制须在现行体制（%(name)s，%(date)s起施行）之后施行。")
                    % {"name": current.name, "date": f"{current.effective_from:%Y-%m-%d}"},
                    "arrangement_effective_order", "effective_from")
        if current is not None and (closed := closed_since(town=town, month=effective_from)):
            _refuse(gettext("%(month)s已结账，新的财政体制不能从%(date)s起施行；请选择结账月份之后的日期。")
                    % {"month": f"{closed:%Y年%m月}", "date": f"{effective_from:%Y-%m-%d}"},
                    "period_closed", "effective_from")
        arrangement = save_validated(FiscalArrangement(
            town=town, name=name, document_number=document_number, base_year=base_year,
            base_amount=r.parse_money(base_amount, field="base_amount", label=gettext("基数")),
            term_start=term_start, term_end=term_end, effective_from=effective_from,
            settlement_method=settlement_method, shortfall_rule=shortfall_rule, disbursement_limit=disbursement_limit,
        ), actor)
        if not rules:
            _refuse(gettext("财政体制至少要有一条规则。"), "arrangement_no_rules", "rules")
        covered: dict[int, str] = {}
        for position, spec in enumerate(rules, start=1):
            _rule_create(arrangement, position, spec, covered, actor)
        if sum(1 for s in rules if s.get("kind") == RuleKind.EXCESS) > 1:
            _refuse(gettext("一个财政体制只能有一条超收返还规则。"), "arrangement_two_excess", "rules")
        if current is not None:
            current.superseded_by = arrangement
            save_validated(current, actor)
    return arrangement


@transaction.atomic
def arrangement_supersede(*, arrangement: FiscalArrangement, effective_from: datetime.date, name: str,
                          base_year: int, base_amount, term_start: datetime.date, term_end: datetime.date,
                          rules: Sequence[dict], settlement_method: str = SettlementMethod.YEAR_END,
                          shortfall_rule: str = ShortfallRule.OWED_BACK, disbursement_limit: str = "3M",
                          document_number: str = "", actor=None) -> FiscalArrangement:
    """Supersede ``arrangement`` from ``effective_from`` (the first of a month) by a new one of
    the same town, with its own base, term and rules. The old one stays readable and says
    "superseded by … from …"; months from that date are computed under the new one. Only the
    town's current arrangement can be superseded (an older one already was)."""
    current = FiscalArrangement.objects.select_for_update().get(pk=arrangement.pk)
    if current.superseded_by_id is not None:
        raise ConflictError(gettext("“%(name)s”已被“%(other)s”替代，只能替代现行的财政体制。")
                            % {"name": current.name, "other": current.superseded_by.name}, code="already_superseded")
    return arrangement_create(
        town=current.town, name=name, base_year=base_year, base_amount=base_amount, term_start=term_start,
        term_end=term_end, effective_from=effective_from, rules=rules, settlement_method=settlement_method,
        shortfall_rule=shortfall_rule, disbursement_limit=disbursement_limit, document_number=document_number,
        actor=actor)


def _rule_create(arrangement, position: int, spec: dict, covered: dict, actor) -> ArrangementRule:
    kind = spec.get("kind")
    per_mu = spec.get("per_mu_amount")
    tiers = r.parse_tiers(spec.get("tiers"))
    share = spec.get("share_percent") if spec.get("share_percent") not in (None, "") else "100"
    if tiers:  # the share of a tiered rule is its top band's (what every yuan above the last limit gets)
        share = tiers[-1]["share_percent"]
    rule = save_validated(ArrangementRule(
        arrangement=arrangement, position=position, name=spec.get("name", ""), kind=kind,
        share_percent=r.parse_decimal(share, field="share_percent", label=gettext("返还比例"), places=2, unit="%"),
        per_mu_amount=r.parse_money(per_mu, field="per_mu_amount", label=gettext("每亩补助")) if per_mu else None,
        earmark=spec.get("earmark") or Earmark.NONE, tiers=tiers,
    ), actor)
    categories = [c if isinstance(c, RevenueCategory) else RevenueCategory.objects.filter(code=c).first()
                  for c in spec.get("categories", ())]
    if any(c is None for c in categories):
        _refuse(gettext("规则“%(rule)s”中有未登记的收入科目。") % {"rule": rule.name}, "rule_unknown_category", "rules")
    if kind == RuleKind.PER_MU and categories:
        _refuse(gettext("按亩补助规则按复垦面积计算，不对应收入科目。"), "rule_per_mu_categories", "rules")
    if kind != RuleKind.PER_MU and not categories:
        _refuse(gettext("规则“%(rule)s”须指定适用的收入科目。") % {"rule": rule.name}, "rule_no_categories", "rules")
    for category in categories:
        if category.pk in covered:
            _refuse(gettext("收入科目“%(category)s”已由规则“%(other)s”计算，不能重复返还。")
                    % {"category": category.name, "other": covered[category.pk]}, "rule_category_twice", "rules")
        covered[category.pk] = rule.name
    rule.categories.set(categories)
    return rule


# --- revenue and reclamation: written once, corrected by reversal ---------------------------------


def _check_month(town, month: datetime.date) -> None:
    if town.level != Level.TOWN:
        _refuse(gettext("财政收入按镇登记，“%(name)s”不是镇。") % {"name": town.name}, "not_a_town", "town")
    if month > _today().replace(day=1):
        _refuse(gettext("所属月份 %(month)s 尚未到来。") % {"month": f"{month:%Y-%m}"}, "future_month", "month")
    if month_closed(town=town, month=month):
        _refuse(gettext("%(month)s已结账，不能再登记或冲销该月的记录。") % {"month": f"{month:%Y年%m月}"},
                "period_closed", "month")


def _arrangement_for(town, month: datetime.date) -> FiscalArrangement:
    arrangement = arrangement_in_force(town=town, month=month)
    if arrangement is None:
        _refuse(gettext("%(town)s在%(month)s没有施行中的财政体制，请先由领导小组办公室设定。")
                % {"town": town.name, "month": f"{month:%Y年%m月}"}, "no_arrangement", "month")
    return arrangement


def revenue_problems(*, town, month: datetime.date, category, amount: Decimal) -> list[tuple[str, str, dict, str]]:
    """Why a revenue record of ``town``, ``month``, ``category``, ``amount`` (already read) may
    not be recorded: (field, gettext_lazy template, params, code), first problem first; [] when
    it may. The one set of checks of the service and the importer (which keeps each template, to
    show a row's error in its reader's language)."""
    from django.utils.translation import gettext_lazy as _

    if amount <= 0:
        return [("amount", _("收入金额须大于零；更正已登记的收入请冲销原记录后重新登记。"), {}, "revenue_not_positive")]
    if town.level != Level.TOWN:
        return [("town", _("财政收入按镇登记，“%(name)s”不是镇。"), {"name": town.name}, "not_a_town")]
    if month > _today().replace(day=1):
        return [("month", _("所属月份 %(month)s 尚未到来。"), {"month": f"{month:%Y-%m}"}, "future_month")]
    if month_closed(town=town, month=month):
        return [("month", _("%(month)s已结账，不能再登记或冲销该月的记录。"), {"month": f"{month:%Y年%m月}"},
                 "period_closed")]
    arrangement = arrangement_in_force(town=town, month=month)
    if arrangement is None:
        return [("month", _("%(town)s在%(month)s没有施行中的财政体制，请先由领导小组办公室设定。"),
                 {"town": town.name, "month": f"{month:%Y年%m月}"}, "no_arrangement")]
    if category is None:
        return [("category", _("收入科目不存在。"), {}, "unknown_category")]
    if not arrangement.rules.filter(categories=category).exists():
        return [("category", _("财政体制“%(arrangement)s”没有“%(category)s”这一收入科目，不能登记；如需纳入，请先调整财政体制。"),
                 {"arrangement": arrangement.name, "category": category.name}, "category_not_in_arrangement")]
    return []


@transaction.atomic
def revenue_record_create(*, town, month, category, collecting_body: str, amount, actor=None) -> RevenueRecord:
    """Record a month's revenue of one category in a town. Refused, writing nothing: an amount
    that is not a number, has three decimals or is not positive (a correction is a reversal),
    a closed month, a category the arrangement in force does not know."""
    amount = r.parse_money(amount)
    month = r.parse_month(month)
    category = category if isinstance(category, RevenueCategory) else RevenueCategory.objects.filter(
        code=category).first()
    for field, template, params, code in revenue_problems(town=town, month=month, category=category, amount=amount):
        _refuse(str(template) % params if params else str(template), code, field)
    return save_validated(RevenueRecord(
        town=town, month=month, category=category, collecting_body=collecting_body, amount=amount,
    ), actor)


def _reverse(record, *, reason: str, actor, copy: dict):
    reason = require_reason(reason)
    model = type(record)
    record = model.objects.select_for_update().get(pk=record.pk)
    if record.reverses_id is not None:
        raise ConflictError(gettext("这是一条冲销记录，不能再冲销；请重新登记正确的数据。"), code="reverse_a_reversal")
    if model.objects.filter(reverses=record).exists():
        raise ConflictError(gettext("该记录已被冲销。"), code="already_reversed")
    _check_month(record.town, record.month)
    return save_validated(model(town=record.town, month=record.month, reverses=record, reason=reason, **copy), actor)


@transaction.atomic
def revenue_record_reverse(*, record: RevenueRecord, reason: str, actor=None) -> RevenueRecord:
    """Reverse a revenue record (红字冲销): a record of the opposite amount, linked to it."""
    return _reverse(record, reason=reason, actor=actor, copy={
        "category_id": record.category_id, "collecting_body": record.collecting_body, "amount": -record.amount,
    })


@transaction.atomic
def reclamation_record_create(*, town, month, area_mu, project: str, basis: str = "", actor=None) -> ReclamationRecord:
    """Record farmland newly made in a month (mu): the base of the per-mu subsidy. ``basis``: the
    row it rests on ("landuse.reclamation_acceptance:7"), kept in the record's history context."""
    area = r.parse_area(area_mu)
    month = r.parse_month(month)
    if area <= 0:
        _refuse(gettext("新增耕地面积须大于零；更正请冲销原记录。"), "area_not_positive", "area_mu")
    _check_month(town, month)
    arrangement = _arrangement_for(town, month)
    if not arrangement.rules.filter(kind=RuleKind.PER_MU).exists():
        _refuse(gettext("财政体制“%(arrangement)s”没有复垦补助规则。") % {"arrangement": arrangement.name},
                "no_per_mu_rule", "area_mu")
    with actor_context(actor, **({"basis": basis} if basis else {})):
        return save_validated(ReclamationRecord(town=town, month=month, area_mu=area, project=project), actor)


@transaction.atomic
def reclamation_record_reverse(*, record: ReclamationRecord, reason: str, actor=None) -> ReclamationRecord:
    return _reverse(record, reason=reason, actor=actor, copy={"area_mu": -record.area_mu, "project": record.project})


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


def _rule_trace(rule: ArrangementRule) -> dict:
    return {"id": rule.pk, "name": rule.name, "kind": rule.kind, "share_percent": str(rule.share_percent),
            "earmark": rule.earmark, "categories": sorted(c.code for c in rule.categories.all()),
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


def _inputs(rule, sums, which: int) -> tuple[Decimal, dict]:
    per_category = {c.code: str(sums.get(c.pk, (ZERO, ZERO))[which]) for c in rule.categories.all()}
    return sum((sums.get(c.pk, (ZERO, ZERO))[which] for c in rule.categories.all()), ZERO), per_category


def _monthly_line(arrangement, rule, month, sums, area, before=None) -> dict | None:
    """What one rule gives for the month, with its trace; None: the rule is settled yearly only.
    ``before``: the year's excess advances before the month, when the caller has them (bulk)."""
    trace = {"kind": EntitlementKind.MONTHLY, "month": f"{month:%Y-%m}", "arrangement": _arrangement_trace(arrangement),
             "rule": _rule_trace(rule)}
    if rule.kind == RuleKind.SHARE:
        revenue, per_category = _inputs(rule, sums, 0)
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
        amount = _advance(arrangement, rule, month, sums, trace, before)
    trace["amount"] = str(amount)
    return {"rule": rule, "amount": amount, "trace": trace}


def _advance(arrangement, rule, month, sums, trace, before=None) -> Decimal:
    ytd, per_category = _inputs(rule, sums, 1)
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
        revenue, per_category = _inputs(rule, sums, 1)
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


# --- disbursements ------------------------------------------------------------------------------


@transaction.atomic
def disbursement_create(*, town, paid_on: datetime.date, document_number: str,
                        lines: Sequence[tuple[Entitlement | int, object]], memo: str = "",
                        actor=None) -> Disbursement:
    """A transfer (调拨) from the county to ``town`` paying ``lines`` — (entitlement, amount)
    pairs, each at most what is still outstanding on it; posted to the ledger (owed → received,
    per earmark)."""
    with actor_context(actor):
        town = _lock_town(town)
        if not document_number.strip():
            _refuse(gettext("请填写拨款凭证号。"), "required", "document_number")
        if paid_on > _today():
            _refuse(gettext("调拨日期不能晚于今天。"), "future_date", "paid_on")
        if not lines:
            _refuse(gettext("调拨至少要对应一笔应返款项。"), "no_lines", "lines")
        if Disbursement.objects.filter(town=town, document_number=document_number).exists():
            raise ConflictError(gettext("拨款凭证号“%(number)s”已登记。") % {"number": document_number},
                                code="disbursement_duplicate")
        parsed, taken = [], {}
        for entitlement, value in lines:
            e = entitlement if isinstance(entitlement, Entitlement) else Entitlement.objects.get(pk=entitlement)
            amount = r.parse_money(value, label=gettext("调拨金额"))
            if e.town_id != town.pk:
                _refuse(gettext("应返款项“%(e)s”不属于%(town)s。") % {"e": e, "town": town.name}, "wrong_town", "lines")
            if e.status != EntitlementStatus.ACTIVE or e.amount <= 0:
                _refuse(gettext("应返款项“%(e)s”已重算或无应拨金额。") % {"e": e}, "not_payable", "lines")
            if amount <= 0:
                _refuse(gettext("调拨金额须大于零。"), "amount_not_positive", "lines")
            outstanding = e.amount - paid_on_slot(e) - taken.get(e.pk, ZERO)
            if amount > outstanding:
                _refuse(gettext("应返款项“%(e)s”未拨余额为 %(left)s 元，本次调拨 %(amount)s 元超出。")
                        % {"e": e, "left": r.fmt(outstanding), "amount": r.fmt(amount)}, "over_outstanding", "lines")
            taken[e.pk] = taken.get(e.pk, ZERO) + amount
            parsed.append((e, amount))
        by_earmark: dict[str, Decimal] = {}
        for e, amount in parsed:
            by_earmark[e.earmark] = by_earmark.get(e.earmark, ZERO) + amount
        legs = []
        for earmark, amount in sorted(by_earmark.items()):
            _county, owed, received = _accounts(town, earmark, actor)
            legs += [(owed, -amount), (received, amount)]
        total = sum(by_earmark.values(), ZERO)
        posting = posting_create(
            ledger=LEDGER, kind="disbursement", legs=legs, idempotency_key=f"finance:disbursement:{town.code}:"
            f"{document_number}", booked_on=paid_on, memo=memo or f"调拨 {document_number}", actor=actor)
        disbursement = save_validated(Disbursement(
            town=town, paid_on=paid_on, amount=total, document_number=document_number, memo=memo, posting=posting,
        ), actor)
        DisbursementLine.objects.bulk_create(
            [DisbursementLine(disbursement=disbursement, entitlement=e, amount=amount) for e, amount in parsed])
        return disbursement


# --- bulk: a year's entitlements of many towns at once (engineer f4; bench/finance.py) -------------
#
# ``entitlement_compute`` reads and writes one town-month at a time (~60 queries). The year of a
# whole county, or of 300 towns, goes through ``entitlements_compute_year``: the same arithmetic
# (``_monthly_line``), the same traces, the same ledger postings — in a number of queries that
# does not depend on the number of towns: one grouped read of the year's revenue, one of the
# reclamation, the ledger's bulk writes (``core.ledger.services.postings_create_bulk``) and one
# COPY of the entitlements. finance/tests/test_bulk.py holds both paths to the same rows.


@dataclass
class YearResult:
    """What ``entitlements_compute_year`` did: entitlements written, kept (unchanged months),
    replaced (their postings reversed), and postings written."""

    created: int = 0
    kept: int = 0
    replaced: int = 0
    postings: int = 0


@dataclass
class _MonthPlan:
    town: Division
    month: datetime.date
    arrangement: FiscalArrangement
    lines: list[dict]
    old: list[Entitlement]
    changed: bool


def _year_months(year: int) -> list[datetime.date]:
    last = _today().replace(day=1)
    return [m for m in (datetime.date(year, n, 1) for n in range(1, 13)) if m <= last]


def _year_plan(*, towns, year: int) -> tuple[list[Division], list[_MonthPlan]]:
    """Read everything the year needs (locking the towns) and compute every town-month's lines
    with ``_monthly_line``, as the per-month path would in town, then month order; writes nothing."""
    ids = sorted({getattr(t, "pk", t) for t in towns})
    locked = list(Division.objects.select_related("parent").select_for_update(of=("self",))
                  .filter(pk__in=ids).order_by("pk"))
    months = _year_months(year)
    arrangements: dict[int, list[FiscalArrangement]] = {}
    for a in FiscalArrangement.objects.filter(town_id__in=ids).select_related("superseded_by").order_by(
            "-effective_from"):
        arrangements.setdefault(a.town_id, []).append(a)
    rules: dict[int, list[ArrangementRule]] = {}
    for rule in ArrangementRule.objects.filter(arrangement__town_id__in=ids).prefetch_related("categories"):
        rules.setdefault(rule.arrangement_id, []).append(rule)
    revenue: dict[tuple[int, datetime.date], dict[int, Decimal]] = {}
    for town_id, category_id, month, s in (
            RevenueRecord.objects.filter(town_id__in=ids, month__year=year).values("town_id", "category_id", "month")
            .annotate(s=Sum("amount")).order_by().values_list("town_id", "category_id", "month", "s")):
        revenue.setdefault((town_id, month), {})[category_id] = s
    area = {(t, m): s for t, m, s in ReclamationRecord.objects.filter(town_id__in=ids, month__year=year)
            .values("town_id", "month").annotate(s=Sum("area_mu")).order_by().values_list("town_id", "month", "s")}
    old: dict[tuple[int, datetime.date], list[Entitlement]] = {}
    for e in (Entitlement.objects.filter(town_id__in=ids, kind=EntitlementKind.MONTHLY, status=EntitlementStatus.ACTIVE,
                                         month__year=year).select_related("rule", "posting")):
        old.setdefault((e.town_id, e.month), []).append(e)
    plans = []
    for town in locked:
        ytd: dict[int, Decimal] = {}
        advanced = ZERO  # the year's active excess advances before the month (as _advance sums them)
        for month in months:
            in_force = [a for a in arrangements.get(town.pk, ()) if a.effective_from <= month
                        and (a.superseded_by is None or a.superseded_by.effective_from > month)]
            if not in_force:
                _arrangement_for(town, month)  # the per-month refusal, in its words
            arrangement = in_force[0]
            this_month = revenue.get((town.pk, month), {})
            for category_id, s in this_month.items():
                ytd[category_id] = ytd.get(category_id, ZERO) + s
            sums = {c: (this_month.get(c) or ZERO, y) for c, y in ytd.items()}
            mu = area.get((town.pk, month)) or Decimal(0)
            lines = [line for rule in rules.get(arrangement.pk, ())
                     if (line := _monthly_line(arrangement, rule, month, sums, mu, before=advanced))]
            was = old.get((town.pk, month), [])
            changed = not (was and {e.rule_id: (e.amount, e.carried_forward, e.trace) for e in was} == _signature(lines))
            active = lines if changed else [{"rule": e.rule, "amount": e.amount} for e in was]
            advanced += sum((x["amount"] for x in active if x["rule"].kind == RuleKind.EXCESS), ZERO)
            plans.append(_MonthPlan(town, month, arrangement, lines, was, changed))
    return locked, plans


@transaction.atomic
def entitlements_compute_year(*, towns, year: int, actor=None) -> YearResult:
    """``entitlement_compute`` for every month of ``year`` (to this month in the current year)
    of every town of ``towns``: exactly the entitlements, traces and postings the per-month
    calls made town by town (in id order), month by month would write — an unchanged month
    kept, a changed one reversed and posted anew — all or nothing, in a fixed number of queries."""
    with actor_context(actor):
        _towns, plans = _year_plan(towns=towns, year=year)
        result = YearResult()
        todo = [p for p in plans if p.changed]
        result.kept = sum(len(p.old) for p in plans if not p.changed)
        if not todo:
            return result
        today = _today()
        prefixes = {f"finance:{EntitlementKind.MONTHLY}:{p.town.code}:{p.month:%Y-%m}:" for p in todo}
        versions: dict[str, int] = {}
        for key in (Posting.objects.filter(ledger=LEDGER, reverses__isnull=True,
                                           idempotency_key__startswith=f"finance:{EntitlementKind.MONTHLY}:",
                                           idempotency_key__contains=f":{year}-")
                    .values_list("idempotency_key", flat=True)):
            prefix = key[:key.rfind(":") + 1]
            if prefix in prefixes:
                versions[prefix] = versions.get(prefix, 0) + 1
        owners = {p.town.pk for p in todo} | {p.town.parent_id for p in todo if p.town.parent_id}
        closed = set(Period.objects.filter(ledger=LEDGER, owner_id__in=owners).values_list("owner_id", "month"))
        # Accounts as _post opens them: per earmark with a non-zero total, county, owed, received.
        totals: list[list[tuple[str, Decimal]]] = []
        wanted = []
        for p in todo:
            by_earmark: dict[str, Decimal] = {}
            for line in p.lines:
                by_earmark[line["rule"].earmark] = by_earmark.get(line["rule"].earmark, ZERO) + line["amount"]
            nonzero = [(earmark, amount) for earmark, amount in sorted(by_earmark.items()) if amount != 0]
            totals.append(nonzero)
            for earmark, _amount in nonzero:
                county, suffix = p.town.parent, f":{earmark}" if earmark else ""
                label = f"（{Earmark(earmark).label}）" if earmark else ""
                wanted += [
                    {"kind": "county", "owner": county, "code": "county", "name": f"{county.name}财政"},
                    {"kind": "owed", "owner": p.town, "code": f"owed{suffix}", "name": f"{p.town.name}应返未拨{label}"},
                    {"kind": "received", "owner": p.town, "code": f"received{suffix}",
                     "name": f"{p.town.name}已拨资金{label}"},
                ]
        accounts = accounts_open_bulk(ledger=LEDGER, accounts=wanted, actor=actor)
        items, slots = [], []  # slots: per plan, (index of its reversal items, index of its posting or None)
        reason = gettext("收入或体制变动，重新计算应返")
        for p, nonzero in zip(todo, totals, strict=True):
            reversals = {}
            for posting in sorted({e.posting for e in p.old if e.posting is not None}, key=lambda x: x.pk):
                reversals[posting.pk] = len(items)
                items.append({"reverses": posting, "reason": reason})
            index = None
            if nonzero:
                legs = [(accounts[(p.town.pk, f"owed:{e}" if e else "owed")], amount) for e, amount in nonzero]
                legs.append((accounts[(p.town.parent_id, "county")], -sum((a for _e, a in nonzero), ZERO)))
                prefix = f"finance:{EntitlementKind.MONTHLY}:{p.town.code}:{p.month:%Y-%m}:"
                booked_on = min(r.month_end(p.month), today)
                if {(p.town.pk, booked_on.replace(day=1)), (p.town.parent_id, booked_on.replace(day=1))} & closed:
                    booked_on = today
                index = len(items)
                items.append({"kind": EntitlementKind.MONTHLY, "legs": legs, "booked_on": booked_on,
                              "idempotency_key": f"{prefix}{versions.get(prefix, 0) + 1}",
                              "memo": f"{p.town.name}{p.month:%Y年%m月}应返"})
            slots.append((reversals, index))
        postings = postings_create_bulk(ledger=LEDGER, items=items, actor=actor)
        result.postings = len(postings)
        # The entitlements: ids from the sequence, one COPY; the replaced rows in one UPDATE.
        count = sum(len(p.lines) for p in todo)
        table = Entitlement._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # nosec B608 # the table name from the model
                           [count])
            ids = iter(sorted(row[0] for row in cursor.fetchall()))
        now, actor_id = timezone.now(), actor.pk if getattr(actor, "pk", None) else None
        dues: dict[tuple[str, datetime.date], object] = {}
        rows, replaced = [], []
        for p, (reversals, index) in zip(todo, slots, strict=True):
            trigger = r.month_end(p.month)
            due = dues.get((p.arrangement.disbursement_limit, trigger))
            if due is None:
                due = dues[(p.arrangement.disbursement_limit, trigger)] = _due(p.arrangement, trigger)
            posting_id = postings[index].pk if index is not None else None
            by_rule = {}
            for line in p.lines:
                if abs(line["amount"]) > r.MAX_MONEY:
                    _refuse(gettext("金额 %(value)s 超出可记录的范围。") % {"value": line["amount"]}, "too_large")
                pk = next(ids)
                by_rule.setdefault(line["rule"].pk, pk)
                rows.append((pk, now, now, actor_id, actor_id, p.town.pk, EntitlementKind.MONTHLY, p.month,
                             p.arrangement.pk, line["rule"].pk, line["rule"].earmark, line["amount"], ZERO,
                             json.dumps(line["trace"], ensure_ascii=False), due.date, due.provisional, posting_id,
                             EntitlementStatus.ACTIVE, None, None))
            first = next(iter(by_rule.values()), None)
            for e in p.old:
                replaced_by = by_rule.get(e.rule_id) or first
                if replaced_by is None:
                    _refuse(gettext("重算后没有应返款项可替代原记录。"), "nothing_to_replace")
                reversal = postings[reversals[e.posting_id]].pk if e.posting_id in reversals else None
                replaced.append((e.pk, reversal, replaced_by))
        columns = ("id", "created_at", "updated_at", "created_by_id", "updated_by_id", "town_id", "kind", "month",
                   "arrangement_id", "rule_id", "earmark", "amount", "carried_forward", "trace", "due_on",
                   "due_provisional", "posting_id", "status", "replaced_by_id", "reversal_posting_id")
        with connection.cursor() as cursor:
            prepare_history(cursor)
            if replaced:  # first out of the way of the one-active-per-rule constraint
                cursor.execute(
                    f"UPDATE {table} AS e SET status = %s, reversal_posting_id = v.rp, updated_at = %s, "  # nosec B608 # the table name from the model
                    "updated_by_id = %s FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, rp) WHERE e.id = v.id",
                    [EntitlementStatus.REPLACED, now, actor_id, [x[0] for x in replaced], [x[1] for x in replaced]])
            copy_rows(cursor, table, columns, rows)
            if replaced:
                cursor.execute(
                    f"UPDATE {table} AS e SET replaced_by_id = v.rb FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, rb) "  # nosec B608 # the table name from the model
                    "WHERE e.id = v.id", [[x[0] for x in replaced], [x[2] for x in replaced]])
        result.created, result.replaced = len(rows), len(replaced)
        return result
