"""A year's entitlements of many towns at once, in a fixed number of queries (bench/finance_entitlements.py)."""

from __future__ import annotations

import datetime
import time
from contextlib import contextmanager
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
from regions.models import Division

from .. import rules as r
from ..choices import EntitlementKind, EntitlementStatus, RuleKind, SettlementMethod
from ..models import (
    ZERO,
    ArrangementRule,
    Entitlement,
    FiscalArrangement,
    ReclamationRecord,
    RevenueCategory,
    RevenueRecord,
)
from .base import _refuse, _today
from .entitlements import (
    _arrangement_trace,
    _due,
    _monthly_line,
    _nonzero,
    _post_months,
    _rule_trace,
    _Todo,
)
from .revenue import _arrangement_for

# --- bulk: a year's entitlements of many towns at once (bench/finance_entitlements.py) ------------
#
# ``entitlement_compute`` reads and writes one town-month at a time (~60 queries). The year of
# many towns goes through ``entitlements_compute_year``: the same figures, traces and postings in
# a number of queries that does not depend on the number of towns — the lines and traces by one
# statement in the database, the ledger's bulk writes, one INSERT … SELECT of the entitlements.
# finance/tests/test_bulk.py holds it to the per-month path.

PHASES: dict[str, float] = {}  # seconds of each step of the last call (the bench prints them)


@contextmanager
def _phase(name: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        PHASES[name] = time.perf_counter() - started


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


class _Year(NamedTuple):
    """What both ways of computing the year read first: the towns (locked), the months, each
    town's arrangements (newest first), each arrangement's rules, each rule's categories."""

    towns: list[Division]
    months: list[datetime.date]
    arrangements: dict[int, list[FiscalArrangement]]
    rules: dict[int, list[ArrangementRule]]
    categories: dict[int, list[tuple[int, str]]]

    def in_force(self, town: Division, month: datetime.date) -> FiscalArrangement:
        """The arrangement in force (as ``_arrangement_for`` finds it), or its refusal."""
        for a in self.arrangements.get(town.pk, ()):
            if a.effective_from <= month and (a.superseded_by is None or a.superseded_by.effective_from > month):
                return a
        return _arrangement_for(town, month)  # the per-month refusal, in its words


def _read_year(*, towns, year: int) -> _Year:
    ids = sorted({getattr(t, "pk", t) for t in towns})
    locked = list(Division.objects.select_related("parent").select_for_update(of=("self",))
                  .filter(pk__in=ids).order_by("pk"))
    arrangements: dict[int, list[FiscalArrangement]] = {}
    for a in FiscalArrangement.objects.filter(town_id__in=ids).select_related("superseded_by").order_by(
            "-effective_from"):
        arrangements.setdefault(a.town_id, []).append(a)
    rules: dict[int, list[ArrangementRule]] = {}
    for rule in ArrangementRule.objects.filter(arrangement__town_id__in=ids):
        rules.setdefault(rule.arrangement_id, []).append(rule)
    # Each rule's categories (id, code) in the categories' order, as prefetch_related gives them
    # (one read of the through table).
    categories: dict[int, list[tuple[int, str]]] = {}
    through = ArrangementRule.categories.through
    for rule_id, category_id, code in _fetch(
            through.objects.filter(arrangementrule__arrangement__town_id__in=ids)
            .order_by(*(f"revenuecategory__{f}" for f in RevenueCategory._meta.ordering), "revenuecategory_id")
            .values_list("arrangementrule_id", "revenuecategory_id", "revenuecategory__code")):
        categories.setdefault(rule_id, []).append((category_id, code))
    return _Year(locked, _year_months(year), arrangements, rules, categories)


def _year_plan(y: _Year, year: int) -> list[_MonthPlan]:
    """Compute every town-month's lines with ``_monthly_line`` in Python, as the per-month path
    would in town, then month order; writes nothing. (The way for tiered rules.)"""
    ids = [t.pk for t in y.towns]
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
    for town in y.towns:
        ytd: dict[int, Decimal] = {}
        advanced = ZERO  # the year's active excess advances before the month (as _advance sums them)
        for month in y.months:
            arrangement = y.in_force(town, month)
            skeleton = prepared.get(arrangement.pk)
            if skeleton is None:
                a_trace = _arrangement_trace(arrangement)
                skeleton = prepared[arrangement.pk] = {
                    rule.pk: (a_trace, _rule_trace(rule, y.categories.get(rule.pk, [])), y.categories.get(rule.pk, []))
                    for rule in y.rules.get(arrangement.pk, ())}
            this_month = revenue.get((town.pk, month), {})
            for category_id, s in this_month.items():
                ytd[category_id] = ytd.get(category_id, ZERO) + s
            sums = {c: (this_month.get(c) or ZERO, v) for c, v in ytd.items()}
            mu = area.get((town.pk, month)) or Decimal(0)
            lines = [line for rule in y.rules.get(arrangement.pk, ())
                     if (line := _monthly_line(arrangement, rule, month, sums, mu, before=advanced,
                                               prepared=skeleton[rule.pk]))]
            was = old.get((town.pk, month), [])
            changed = not _unchanged(was, lines)
            # kept or replaced, the month's active excess advances are the lines' (kept: equal amounts)
            advanced += sum((x["amount"] for x in lines if x["rule"].kind == RuleKind.EXCESS), ZERO)
            plans.append(_MonthPlan(town, month, arrangement, lines, was, changed))
    return plans


class _Due:
    """The due dates of the months' entitlements, one ``_due`` per (limit, month end)."""

    def __init__(self):
        self.cache: dict[tuple[str, datetime.date], object] = {}
        self.ends: dict[datetime.date, datetime.date] = {}

    def __call__(self, arrangement, month: datetime.date):
        trigger = self.ends.get(month) or self.ends.setdefault(month, r.month_end(month))
        due = self.cache.get((arrangement.disbursement_limit, trigger))
        if due is None:
            due = self.cache[(arrangement.disbursement_limit, trigger)] = _due(arrangement, trigger)
        return due


def _compute_year_python(y: _Year, year: int, actor) -> YearResult:
    """The year in Python (``_monthly_line`` per rule and month): for arrangements the set-wise
    SQL does not cover (tiered rules, two excess rules)."""
    plans = _year_plan(y, year)
    result = YearResult()
    todo = [p for p in plans if p.changed]
    result.kept = sum(len(p.old) for p in plans if not p.changed)
    if not todo:
        return result
    postings, slots = _post_months(
        [_Todo(p.town, p.month, _nonzero(p.lines), sorted({e.posting_id for e in p.old if e.posting_id is not None}))
         for p in todo], year, actor)
    result.postings = len(postings)
    # The entitlements: ids from the sequence, one COPY; the replaced rows in one UPDATE.
    count = sum(len(p.lines) for p in todo)
    table = Entitlement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # nosec B608 # the table name from the model
                       [count])
        ids = iter(sorted(row[0] for row in cursor.fetchall()))
    now, actor_id = timezone.now(), actor.pk if getattr(actor, "pk", None) else None
    due_of = _Due()
    rows, replaced = [], []
    for p, (reversals, index) in zip(todo, slots, strict=True):
        due = due_of(p.arrangement, p.month)
        posting_id = postings[index] if index is not None else None
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
            reversal = postings[reversals[e.posting_id]] if e.posting_id in reversals else None
            replaced.append((e.pk, reversal, replaced_by))
    with connection.cursor() as cursor:
        prepare_history(cursor)
        _mark_replaced(cursor, replaced, now, actor_id)
        copy_rows(cursor, table, _COLUMNS, rows)
        if replaced:
            cursor.execute(
                f"UPDATE {table} AS e SET replaced_by_id = v.rb FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, rb) "  # nosec B608 # the table name from the model
                "WHERE e.id = v.id", [[x[0] for x in replaced], [x[2] for x in replaced]])
    result.created, result.replaced = len(rows), len(replaced)
    return result


_COLUMNS = ("id", "created_at", "updated_at", "created_by_id", "updated_by_id", "town_id", "kind", "month",
            "arrangement_id", "rule_id", "earmark", "amount", "carried_forward", "trace", "due_on",
            "due_provisional", "posting_id", "status", "replaced_by_id", "reversal_posting_id")


def _mark_replaced(cursor, replaced: list[tuple[int, int | None, int | None]], now, actor_id) -> None:
    """The old rows marked replaced (with their reversal), first out of the way of the
    one-active-per-rule constraint."""
    if replaced:
        cursor.execute(
            f"UPDATE {Entitlement._meta.db_table} AS e SET status = %s, reversal_posting_id = v.rp, updated_at = %s, "  # nosec B608 # the table name from the model
            "updated_by_id = %s FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, rp) WHERE e.id = v.id",
            [EntitlementStatus.REPLACED, now, actor_id, [x[0] for x in replaced], [x[1] for x in replaced]])


def _sql_covers(y: _Year) -> bool:
    """Whether the set-wise SQL computes these arrangements: no tiered rule, at most one excess rule each."""
    for rules in y.rules.values():
        if any(rule.tiers for rule in rules) or sum(rule.kind == RuleKind.EXCESS for rule in rules) > 1:
            return False
    return True


@transaction.atomic
def entitlements_compute_year(*, towns, year: int, actor=None) -> YearResult:
    """``entitlement_compute`` for every month of ``year`` (to this month in the current year)
    of every town of ``towns``: exactly the entitlements, traces and postings the per-month
    calls made town by town (in id order), month by month would write — an unchanged month
    kept, a changed one reversed and posted anew — all or nothing, in a fixed number of queries.
    The lines and their traces are computed in the database (``_LINES_SQL``); tiered
    arrangements in Python."""
    PHASES.clear()
    with actor_context(actor):
        with _phase("read the towns and arrangements"):
            y = _read_year(towns=towns, year=year)
        if not _sql_covers(y):
            return _compute_year_python(y, year, actor)
        return _compute_year_sql(y, year, actor)


# --- the year set-wise: one statement computes every line and its trace ----------------------------
#
# The same arithmetic as ``_monthly_line`` (rules.share_of, prorated_base and money round half
# away from zero to the fen, as PostgreSQL's round(numeric, 2) does), the same traces (the
# arrangement's and the rule's parts made once in Python, the rest built with jsonb_build_object;
# numbers as their text, like str(Decimal)): finance/tests/test_bulk.py holds it to the per-month
# path. The excess advance of a month is the cumulative rebate less what the year advanced before
# it: with a_k = max(0, C_k − B_k) and B_{k+1} = B_k + a_k, B_m = max(0, C_1 … C_{m−1}) — one window.

_LINES = "pg_temp.finance_year_lines"

_LINES_SQL = f"""
CREATE TEMP TABLE finance_year_lines ON COMMIT DROP AS
WITH tm AS (
    SELECT * FROM json_to_recordset(%(tm)s::json) AS t(town_id bigint, month date, arrangement_id bigint, ord int)
), ru AS (
    SELECT * FROM json_to_recordset(%(rules)s::json) AS x(rule_id bigint, arrangement_id bigint, pos int, kind text,
        share numeric, share_text text, per_mu numeric, per_mu_text text, earmark text, advance boolean,
        in_term boolean, base numeric, prefix text)
), rc AS (
    SELECT * FROM json_to_recordset(%(categories)s::json) AS c(rule_id bigint, category_id bigint, code text)
), rev AS (
    SELECT town_id, category_id, month, sum(amount) AS s FROM {RevenueRecord._meta.db_table}
    WHERE town_id = ANY(%(towns)s) AND month >= %(start)s AND month < %(end)s GROUP BY 1, 2, 3
), grid AS (  -- every town-month × every category a rule names: the month's revenue and the year's to date
    SELECT tm.town_id, tm.month, c.category_id, coalesce(rev.s, 0.00) AS m,
           sum(coalesce(rev.s, 0.00)) OVER (PARTITION BY tm.town_id, c.category_id ORDER BY tm.month) AS y
    FROM tm CROSS JOIN (SELECT DISTINCT category_id FROM rc) AS c
    LEFT JOIN rev ON rev.town_id = tm.town_id AND rev.category_id = c.category_id AND rev.month = tm.month
), area AS (
    SELECT town_id, month, sum(area_mu) AS s FROM {ReclamationRecord._meta.db_table}
    WHERE town_id = ANY(%(towns)s) AND month >= %(start)s AND month < %(end)s GROUP BY 1, 2
), agg AS (  -- per line: its categories' sums, and per category the one its trace shows (month / year to date)
    SELECT tm.town_id, tm.month, tm.ord, ru.rule_id,
           coalesce(sum(g.m), 0.00) AS m_total, coalesce(sum(g.y), 0.00) AS y_total,
           coalesce(json_object_agg(rc.code, g.m::text) FILTER (WHERE rc.code IS NOT NULL AND ru.kind = 'share'), '{{}}') AS m_by,
           coalesce(json_object_agg(rc.code, g.y::text) FILTER (WHERE rc.code IS NOT NULL AND ru.kind = 'excess'), '{{}}') AS y_by
    FROM tm JOIN ru ON ru.arrangement_id = tm.arrangement_id AND (ru.kind <> 'excess' OR ru.advance)
    LEFT JOIN rc ON rc.rule_id = ru.rule_id AND ru.kind <> 'per_mu'
    LEFT JOIN grid AS g ON g.town_id = tm.town_id AND g.month = tm.month AND g.category_id = rc.category_id
    GROUP BY tm.town_id, tm.month, tm.ord, ru.rule_id
), calc AS (
    SELECT agg.*, ru.pos, ru.arrangement_id, ru.kind, ru.earmark, ru.share_text, ru.per_mu, ru.per_mu_text,
           ru.in_term, ru.base, ru.prefix, extract(month FROM agg.month)::int AS months,
           CASE WHEN ar.s IS NULL OR ar.s = 0 THEN 0::numeric ELSE ar.s END AS mu,
           round(ru.base * extract(month FROM agg.month)::int / 12, 2) AS prorated,
           greatest(0.00, agg.y_total - round(ru.base * extract(month FROM agg.month)::int / 12, 2)) AS excess,
           round(greatest(0.00, agg.y_total - round(ru.base * extract(month FROM agg.month)::int / 12, 2))
                 * ru.share / 100, 2) AS cumulative,
           round(agg.m_total * ru.share / 100, 2) AS share_amount
    FROM agg JOIN ru ON ru.rule_id = agg.rule_id
    LEFT JOIN area AS ar ON ar.town_id = agg.town_id AND ar.month = agg.month
), before AS (
    SELECT calc.*, greatest(0.00, coalesce(max(CASE WHEN kind = 'excess' AND in_term THEN cumulative END) OVER (
               PARTITION BY town_id ORDER BY month, pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0.00)) AS before
    FROM calc
), amounts AS (
    SELECT before.*, CASE kind WHEN 'share' THEN share_amount WHEN 'per_mu' THEN round(mu * per_mu, 2)
                               ELSE CASE WHEN in_term THEN greatest(0.00, cumulative - before) ELSE 0.00 END END AS amount
    FROM before
)
SELECT town_id, month, ord, pos, arrangement_id, rule_id, earmark, amount,
       count(*) OVER (PARTITION BY town_id, month) AS month_lines,
       (prefix || to_char(month, 'YYYY-MM') || '","amount":"' || amount || '",' || CASE kind
           WHEN 'share' THEN '"inputs":{{"revenue_by_category":' || m_by || '}},"steps":[{{"label":"本月适用科目收入合计","amount":"'
               || m_total || '"}},{{"label":"× 返还比例 ' || share_text || '%%","amount":"' || amount || '"}}]}}'
           WHEN 'per_mu' THEN '"inputs":{{"area_mu":"' || mu || '"}},"steps":[{{"label":"本月新增耕地（亩）","amount":"' || mu
               || '"}},{{"label":"× 每亩 ' || per_mu_text || ' 元","amount":"' || amount || '"}}]}}'
           ELSE '"inputs":{{"revenue_year_to_date_by_category":' || y_by || '}},"base":{{"yearly":"' || base
               || '","months":' || months || ',"prorated":"' || prorated || '","consumed":"' || least(y_total, prorated)
               || '","remaining_for_year":"' || greatest(0.00, base - y_total) || '"}},"steps":[' || CASE WHEN in_term THEN
               '{{"label":"本年累计适用科目收入","amount":"' || y_total || '"}},{{"label":"− 按月均摊基数（' || months
               || '/12）","amount":"' || prorated || '"}},{{"label":"= 累计超收","amount":"' || excess
               || '"}},{{"label":"× 返还比例 ' || share_text || '%%","amount":"' || cumulative
               || '"}},{{"label":"− 本年此前已预拨","amount":"' || before
               || '"}},{{"label":"= 本月预拨（不为负，多拨于年终清算）","amount":"' || amount || '"}}]}}'
               ELSE '{{"label":"不在体制期限内，不计超收返还","amount":"0.00"}}]}}' END
       END)::jsonb AS trace
FROM amounts
"""  # nosec B608 # table names from the models; every value is a parameter

# The months whose active rows are what the lines are (same rules, amounts, nothing carried,
# traces) are kept: their lines are dropped. Returned: the active rows of the other months (to
# replace), then the number kept. (Window functions, no join on a CTE: their row counts are
# unknown to the planner, which would loop.)
_COMPARE_SQL = f"""
WITH w AS (
    SELECT o.id, o.town_id, o.month, o.rule_id, o.posting_id,
           bool_and(coalesce(l.amount = o.amount AND o.carried_forward = 0 AND l.trace = o.trace, false)) OVER m
           AND count(*) OVER m = max(l.month_lines) OVER m AS kept
    FROM {Entitlement._meta.db_table} AS o
    LEFT JOIN {_LINES} AS l ON l.town_id = o.town_id AND l.month = o.month AND l.rule_id = o.rule_id
    WHERE o.town_id = ANY(%(towns)s) AND o.kind = %(kind)s AND o.status = %(active)s AND o.month >= %(start)s
          AND o.month < %(end)s
    WINDOW m AS (PARTITION BY o.town_id, o.month)
), gone AS (
    DELETE FROM {_LINES} AS l USING (SELECT DISTINCT town_id, month FROM w WHERE kept) AS k
    WHERE l.town_id = k.town_id AND l.month = k.month
)
SELECT id, town_id, month, rule_id, posting_id FROM w WHERE NOT kept
UNION ALL SELECT NULL, NULL, NULL, NULL, count(*) FROM w WHERE kept
"""  # nosec B608 # table names from the models; every value is a parameter

_TOTALS_SQL = f"""
SELECT town_id, month, earmark, sum(amount), max(abs(amount)), count(*) FROM {_LINES}
GROUP BY town_id, month, earmark ORDER BY town_id, month, earmark
"""  # nosec B608 # the temp table's name


def _arrangement_json(y: _Year, year: int, used: dict[int, FiscalArrangement]) -> tuple[list[dict], list[dict]]:
    """The rules of the arrangements in force (with their fixed trace parts) and their categories,
    as the statement's json parameters."""
    rules, categories = [], []
    for a in used.values():
        a_trace = _arrangement_trace(a)
        for pos, rule in enumerate(y.rules.get(a.pk, ())):
            cats = y.categories.get(rule.pk, [])
            rules.append({
                "rule_id": rule.pk, "arrangement_id": a.pk, "pos": pos, "kind": rule.kind,
                "share": str(rule.share_percent), "share_text": str(rule.share_percent),
                "per_mu": None if rule.per_mu_amount is None else str(rule.per_mu_amount),
                "per_mu_text": str(rule.per_mu_amount), "earmark": rule.earmark,
                "advance": a.settlement_method == SettlementMethod.MONTHLY_ADVANCE, "in_term": a.in_term(year),
                "base": str(a.base_amount), "prefix": orjson.dumps({
                    "kind": EntitlementKind.MONTHLY, "arrangement": a_trace, "rule": _rule_trace(rule, cats)},
                ).decode()[:-1] + ',"month":"'})
            categories += [{"rule_id": rule.pk, "category_id": c, "code": code} for c, code in cats]
    return rules, categories


def _compute_year_sql(y: _Year, year: int, actor) -> YearResult:
    result = YearResult()
    tm, in_force = [], {}
    for town in y.towns:
        for month in y.months:
            a = y.in_force(town, month)
            in_force[(town.pk, month)] = a
            tm.append({"town_id": town.pk, "month": month, "arrangement_id": a.pk, "ord": len(tm)})
    rules, categories = _arrangement_json(y, year, {a.pk: a for a in in_force.values()})
    span = {"towns": [t.pk for t in y.towns], "start": datetime.date(year, 1, 1), "end": datetime.date(year + 1, 1, 1),
            "kind": EntitlementKind.MONTHLY.value, "active": EntitlementStatus.ACTIVE.value}
    with _phase("lines and traces (one statement, temp table)"), connection.cursor() as cursor:
        # The statement's sorts and hashes (~100,000 rows for 300 towns) in memory, for this transaction.
        cursor.execute(f"DROP TABLE IF EXISTS {_LINES}; SET LOCAL work_mem = '64MB'")  # nosec B608 # a fixed name
        cursor.execute(_LINES_SQL, {**span, "tm": orjson.dumps(tm).decode(), "rules": orjson.dumps(rules).decode(),
                                    "categories": orjson.dumps(categories).decode()})
        # Its size and an index for the comparison's plan (CTEs and json rows look like one row to the planner).
        cursor.execute(f"CREATE INDEX ON {_LINES} (town_id, month, rule_id); ANALYZE {_LINES} (town_id, month, rule_id)")  # nosec B608 # a fixed name
    with _phase("compare with the active rows"), connection.cursor() as cursor:
        cursor.execute(_COMPARE_SQL, span)
        olds = cursor.fetchall()
        result.kept = next(row[4] for row in olds if row[0] is None)
        cursor.execute(_TOTALS_SQL)
        totals = cursor.fetchall()
    old: dict[tuple[int, datetime.date], list[tuple[int, int, int | None]]] = {}
    for pk, town_id, month, rule_id, posting_id in olds:
        if pk is not None:
            old.setdefault((town_id, month), []).append((pk, rule_id, posting_id))
    lines: dict[tuple[int, datetime.date], list[tuple[str, Decimal]]] = {}
    for town_id, month, earmark, total, biggest, _count in totals:
        if biggest > r.MAX_MONEY:
            _refuse(gettext("金额 %(value)s 超出可记录的范围。") % {"value": biggest}, "too_large")
        lines.setdefault((town_id, month), []).append((earmark, total))
    todo = []
    for town in y.towns:
        for month in y.months:
            key = (town.pk, month)
            if key in old and key not in lines:
                _refuse(gettext("重算后没有应返款项可替代原记录。"), "nothing_to_replace")
            if key in old or key in lines:
                todo.append(_Todo(town, month, [(e, a) for e, a in lines.get(key, []) if a != 0],
                                  sorted({p for _pk, _rule, p in old.get(key, []) if p is not None})))
    if not todo:
        return result
    with _phase("ledger (accounts, postings, entries, balances)"):
        postings, slots = _post_months(todo, year, actor)
    result.postings = len(postings)
    due_of = _Due()
    months, replaced = [], []
    for t, (reversals, index) in zip(todo, slots, strict=True):
        due = due_of(in_force[(t.town.pk, t.month)], t.month)
        months.append({"town_id": t.town.pk, "month": t.month, "posting_id": postings[index] if index is not None
                       else None, "due_on": due.date, "due_provisional": due.provisional})
        replaced += [(pk, postings[reversals[p]] if p in reversals else None, None)
                     for pk, _rule, p in old.get((t.town.pk, t.month), [])]
    now, actor_id = timezone.now(), actor.pk if getattr(actor, "pk", None) else None
    table = Entitlement._meta.db_table
    with _phase("entitlements (INSERT … SELECT, history)"), connection.cursor() as cursor:
        prepare_history(cursor)
        _mark_replaced(cursor, replaced, now, actor_id)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_COLUMNS[1:])}) "  # nosec B608 # names from the model; values are parameters
            "SELECT %(now)s, %(now)s, %(actor)s, %(actor)s, l.town_id, %(kind)s, l.month, l.arrangement_id, l.rule_id, "
            "l.earmark, l.amount, 0.00, l.trace, p.due_on, p.due_provisional, p.posting_id, %(active)s, NULL, NULL "
            f"FROM {_LINES} AS l JOIN json_to_recordset(%(months)s::json) AS p(town_id bigint, month date, "
            "posting_id bigint, due_on date, due_provisional boolean) ON p.town_id = l.town_id AND p.month = l.month "
            "ORDER BY l.ord, l.pos",
            {"now": now, "actor": actor_id, "kind": EntitlementKind.MONTHLY.value,
             "active": EntitlementStatus.ACTIVE.value, "months": orjson.dumps(months).decode()})
        result.created = cursor.rowcount
        if replaced:  # each old row → the new row of its rule, else the month's first
            cursor.execute(
                f"UPDATE {table} AS e SET replaced_by_id = coalesce("  # nosec B608 # the table name from the model
                f"(SELECT n.id FROM {table} AS n WHERE n.town_id = e.town_id AND n.kind = e.kind AND n.month = e.month "
                "AND n.status = %(active)s AND n.rule_id = e.rule_id), "
                f"(SELECT min(n.id) FROM {table} AS n WHERE n.town_id = e.town_id AND n.kind = e.kind "
                "AND n.month = e.month AND n.status = %(active)s)) WHERE e.id = ANY(%(ids)s)",
                {"active": EntitlementStatus.ACTIVE.value, "ids": [x[0] for x in replaced]})
    result.replaced = len(replaced)
    return result
