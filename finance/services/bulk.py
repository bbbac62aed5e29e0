"""A year's entitlements of many towns at once, in a fixed number of queries (bench/finance_entitlements.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import orjson
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from core.history import actor_context
from core.importing.copying import copy_rows, prepare_history
from core.ledger.models import Period, Posting
from core.ledger.services import (
    accounts_open_bulk,
    postings_create_bulk,
)
from regions.models import Division

from .. import rules as r
from ..choices import Earmark, EntitlementKind, EntitlementStatus, RuleKind
from ..models import (
    ZERO,
    ArrangementRule,
    Entitlement,
    FiscalArrangement,
    ReclamationRecord,
    RevenueCategory,
    RevenueRecord,
)
from ..selectors import LEDGER
from .base import _refuse, _today
from .entitlements import (
    _arrangement_trace,
    _due,
    _monthly_line,
    _rule_trace,
)
from .revenue import _arrangement_for

# --- bulk: a year's entitlements of many towns at once (engineer f4; bench/finance_entitlements.py) -------------
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


class _Old(NamedTuple):
    """An active entitlement of the year as read for the comparison (no model instance)."""

    pk: int
    rule_id: int
    amount: Decimal
    carried_forward: Decimal
    trace: str  # the stored JSON text (jsonb as the driver gives it), decoded only if the rest is equal
    posting_id: int | None


@dataclass
class _MonthPlan:
    town: Division
    month: datetime.date
    arrangement: FiscalArrangement
    lines: list[dict]
    old: list[_Old]
    changed: bool


def _fetch(queryset) -> list[tuple]:
    """The rows of ``queryset`` (a ``values_list``) as the database driver gives them: the ORM's
    own SQL, without its per-value converters (numeric → Decimal and date come from psycopg,
    jsonb as its text)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _unchanged(was: list[_Old], lines: list[dict]) -> bool:
    """What ``_replace`` tests: the active rows are, rule by rule, the lines' (amount, carried
    forward, trace). The amounts first; only then the traces (orjson: ~4 µs a trace)."""
    if not was or len(was) != len(lines):
        return False
    new = {line["rule"].pk: line for line in lines}
    if len(new) != len(lines):
        return False
    for e in was:
        line = new.get(e.rule_id)
        if line is None or e.amount != line["amount"] or e.carried_forward != line.get("carried_forward", ZERO):
            return False
    return all(orjson.loads(e.trace) == new[e.rule_id]["trace"] for e in was)


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
    for rule in ArrangementRule.objects.filter(arrangement__town_id__in=ids):
        rules.setdefault(rule.arrangement_id, []).append(rule)
    # Each rule's categories (id, code) in the categories' order, as prefetch_related gives them
    # (one read of the through table), then each rule's and arrangement's trace: once per rule.
    categories: dict[int, list[tuple[int, str]]] = {}
    through = ArrangementRule.categories.through
    for rule_id, category_id, code in _fetch(
            through.objects.filter(arrangementrule__arrangement__town_id__in=ids)
            .order_by(*(f"revenuecategory__{f}" for f in RevenueCategory._meta.ordering), "revenuecategory_id")
            .values_list("arrangementrule_id", "revenuecategory_id", "revenuecategory__code")):
        categories.setdefault(rule_id, []).append((category_id, code))
    prepared: dict[int, dict[int, tuple]] = {}  # arrangement id → rule id → _monthly_line's ``prepared``
    revenue: dict[tuple[int, datetime.date], dict[int, Decimal]] = {}
    for town_id, category_id, month, s in _fetch(
            RevenueRecord.objects.filter(town_id__in=ids, month__year=year).values("town_id", "category_id", "month")
            .annotate(s=Sum("amount")).order_by().values_list("town_id", "category_id", "month", "s")):
        revenue.setdefault((town_id, month), {})[category_id] = s
    area = {(t, m): s for t, m, s in _fetch(ReclamationRecord.objects.filter(town_id__in=ids, month__year=year)
            .values("town_id", "month").annotate(s=Sum("area_mu")).order_by().values_list("town_id", "month", "s"))}
    old: dict[tuple[int, datetime.date], list[_Old]] = {}
    for town_id, month, *row in _fetch(
            Entitlement.objects.filter(town_id__in=ids, kind=EntitlementKind.MONTHLY, status=EntitlementStatus.ACTIVE,
                                       month__year=year).order_by()
            .values_list("town_id", "month", "id", "rule_id", "amount", "carried_forward", "trace", "posting_id")):
        old.setdefault((town_id, month), []).append(_Old(*row))
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
            skeleton = prepared.get(arrangement.pk)
            if skeleton is None:
                a_trace = _arrangement_trace(arrangement)
                skeleton = prepared[arrangement.pk] = {
                    rule.pk: (a_trace, _rule_trace(rule, categories.get(rule.pk, [])), categories.get(rule.pk, []))
                    for rule in rules.get(arrangement.pk, ())}
            this_month = revenue.get((town.pk, month), {})
            for category_id, s in this_month.items():
                ytd[category_id] = ytd.get(category_id, ZERO) + s
            sums = {c: (this_month.get(c) or ZERO, y) for c, y in ytd.items()}
            mu = area.get((town.pk, month)) or Decimal(0)
            lines = [line for rule in rules.get(arrangement.pk, ())
                     if (line := _monthly_line(arrangement, rule, month, sums, mu, before=advanced,
                                               prepared=skeleton[rule.pk]))]
            was = old.get((town.pk, month), [])
            changed = not _unchanged(was, lines)
            # kept or replaced, the month's active excess advances are the lines' (kept: equal amounts)
            advanced += sum((x["amount"] for x in lines if x["rule"].kind == RuleKind.EXCESS), ZERO)
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
        old_postings = {p.pk: p for p in Posting.objects.filter(
            pk__in=sorted({e.posting_id for p in todo for e in p.old if e.posting_id is not None}))} if any(
            p.old for p in todo) else {}
        items, slots = [], []  # slots: per plan, (index of its reversal items, index of its posting or None)
        reason = gettext("收入或体制变动，重新计算应返")
        for p, nonzero in zip(todo, totals, strict=True):
            reversals = {}
            for posting_id in sorted({e.posting_id for e in p.old if e.posting_id is not None}):
                reversals[posting_id] = len(items)
                items.append({"reverses": old_postings[posting_id], "reason": reason})
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
                             orjson.dumps(line["trace"]).decode(), due.date, due.provisional, posting_id,
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
