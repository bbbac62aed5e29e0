"""The ledger's bulk writes: many accounts and postings in a fixed number of queries.

The same rows, refusals and hash chains as ``core.ledger.services``' one-by-one calls made in the
same order; the helpers are looked up on that module at call time so its test switches apply.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

import orjson
from django.db import connection, transaction
from django.utils import timezone

from core.errors import ApplicationError, ConflictError

from . import registry
from . import services as _s
from .models import GENESIS_HASH, Account, Balance, Entry, Period, Phase, Posting, PostingType
from .registry import LedgerSpec

# --- bulk: many postings in a fixed number of queries -------------------------------------------
#
# A year's entitlements of 300 towns are 3,600 postings; through ``posting_create`` each costs
# ~7 queries and a round trip per statement. ``accounts_open_bulk`` and ``postings_create_bulk``
# write the same rows as the one-by-one calls made in the same order (same accounts, postings,
# entries, hash chains and balances; the same refusals, and nothing written when one is refused)
# in a number of queries that does not depend on how many there are.


@transaction.atomic
def accounts_open_bulk(*, ledger: str, accounts: Sequence[dict], actor=None,
                       ids_only: bool = False) -> dict[tuple[int, str], Account | int]:
    """``account_open`` for each of ``accounts`` (dicts of kind, owner, code, name), in order: the
    accounts already open are returned, the others opened. (owner id, code) → account (its id
    with ``ids_only``: no model instances, for callers that only pass them on as legs)."""
    spec = registry.get(ledger)
    wanted: dict[tuple[int, str], dict] = {}
    kinds: dict[str, str] = {}  # kind → invariant (each kind checked once)
    for item in accounts:
        kind = item["kind"]
        if kind not in kinds:
            kinds[kind] = spec.kind(kind).invariant
        owner = item["owner"]
        wanted.setdefault((owner if isinstance(owner, int) else owner.pk, item["code"]), item)
    found: dict[tuple[int, str], Account | int] = {}
    if not wanted:
        return found
    owners = sorted({owner for owner, _code in wanted})
    rows = Account.objects.filter(ledger=ledger, owner_id__in=owners, code__in=sorted({code for _o, code in wanted}))
    for pk, owner_id, code, kind in rows.values_list("pk", "owner_id", "code", "kind"):
        if (owner_id, code) in wanted:
            if kind != wanted[(owner_id, code)]["kind"]:
                raise ConflictError(f"账户代码“{code}”已用于另一类账户。", code="ledger_account_conflict")
            found[(owner_id, code)] = pk
    created_by = actor.pk if getattr(actor, "pk", None) else None
    new = [{"kind": item["kind"], "code": code, "name": item["name"], "invariant": kinds[item["kind"]], "owner": owner}
           for (owner, code), item in wanted.items() if (owner, code) not in found]
    if new:
        # The accounts and their balance rows in one statement, ids in the order of ``new``.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH a AS (INSERT INTO {Account._meta.db_table} "  # nosec B608 # table names from the models
                "(ledger, kind, code, name, unit, invariant, owner_id, created_at, created_by_id) "
                "SELECT %s, kind, code, name, %s, invariant, owner, %s, %s FROM ROWS FROM (json_to_recordset(%s::json) "
                "AS (kind text, code text, name text, invariant text, owner bigint)) "
                "WITH ORDINALITY AS x(kind, code, name, invariant, owner, n) "
                "ORDER BY n RETURNING id, owner_id, code, invariant), "
                f"b AS (INSERT INTO {Balance._meta.db_table} "
                "(account_id, invariant, posted, pending_debits, pending_credits, last_seq, last_hash) "
                "SELECT id, invariant, 0, 0, 0, 0, %s FROM a) SELECT id, owner_id, code FROM a",
                [ledger, spec.unit, timezone.now(), created_by, orjson.dumps(new).decode(), GENESIS_HASH])
            found.update({(owner_id, code): pk for pk, owner_id, code in cursor.fetchall()})
    if ids_only:
        return found
    instances = Account.objects.in_bulk(list(found.values()))
    return {key: instances[pk] for key, pk in found.items()}


class _Head:
    """A locked balance row with what the checks read of its account (``_check_invariant``'s
    duck type: no model instances for the thousands of accounts of a bulk write)."""

    __slots__ = ("pk", "account_id", "ledger", "owner_id", "name", "unit", "invariant", "posted", "pending_debits",
                 "pending_credits", "last_seq", "last_hash")

    def __init__(self, account_id, invariant, posted, pending_debits, pending_credits, last_seq, last_hash,
                 ledger, owner_id, name, unit):
        self.pk = self.account_id = account_id
        self.invariant, self.posted, self.pending_debits, self.pending_credits = (
            invariant, posted, pending_debits, pending_credits)
        self.last_seq, self.last_hash = last_seq, last_hash
        self.ledger, self.owner_id, self.name, self.unit = ledger, owner_id, name, unit

    @property
    def account(self):
        return self


class _Before:
    """The totals before a leg (``_check_invariant`` reads these two)."""

    __slots__ = ("posted", "pending_debits")

    def __init__(self, posted, pending_debits):
        self.posted, self.pending_debits = posted, pending_debits


def _lock_heads(account_ids) -> dict[int, _Head]:
    """``services._lock`` for a bulk write: the balance rows locked in account-id order (the same
    order as every writer), read as tuples with their accounts' fields."""
    ids = sorted(set(account_ids))
    lock = " FOR UPDATE OF b" if _s.LOCK_BALANCES else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.account_id, b.invariant, b.posted, b.pending_debits, b.pending_credits, b.last_seq, b.last_hash, "  # nosec B608 # table names from the models
            f"a.ledger, a.owner_id, a.name, a.unit FROM {Balance._meta.db_table} b "
            f"JOIN {Account._meta.db_table} a ON a.id = b.account_id WHERE b.account_id = ANY(%s) "
            f"ORDER BY b.account_id{lock}", [ids])
        heads = {row[0]: _Head(*row) for row in cursor.fetchall()}
    if _s._race_hook:
        _s._race_hook("read")
    return heads


@transaction.atomic
def postings_create_bulk(*, ledger: str, items: Sequence[dict], actor=None, ids_only: bool = False) -> list:
    """Write ``items`` in order, as ``posting_create`` / ``posting_reverse`` called one after the
    other would: the same postings, entries (each account's chain continued in this order) and
    balances, the same checks and refusals — and, all or nothing, in about ten queries.

    An item is either the keyword arguments of ``posting_create`` (``legs``, ``kind``,
    ``idempotency_key``, ``booked_on``, ``memo``; no pending postings) or a reversal:
    ``{"reverses": posting, "reason": "…"}`` (booked today, key ``<key>:reverse`` unless given).
    A retry of an item already written (same key, same legs) returns its posting.
    ``ids_only``: the postings' ids instead of model instances.
    """
    spec = registry.get(ledger)
    today = _s._today()
    by_key: dict[str, int] = {}
    plans: list[dict] = []
    originals = [item["reverses"] for item in items if item.get("reverses") is not None]
    original_legs: dict[int, list[tuple[int, Decimal]]] = {}
    if originals:
        for posting_id, account_id, amount in (
            Entry.objects.filter(posting_id__in=[p.pk for p in originals], phase=Phase.POSTED)
            .order_by("id").values_list("posting_id", "account_id", "amount")
        ):
            original_legs.setdefault(posting_id, []).append((account_id, amount))
    for item in items:
        original = item.get("reverses")
        if original is not None:
            reason = (item.get("reason") or "").strip()
            if not reason:
                raise ApplicationError("冲销必须写明原因。", code="ledger_reason_required",
                                       extra={"reason": ["请填写冲销原因。"]})
            if original.type not in (PostingType.NORMAL, PostingType.POST):
                raise ConflictError("只能冲销正式记账；预留请撤销。", code="ledger_not_reversible")
            if original.ledger != ledger:
                raise ApplicationError(f"凭证 {original.pk} 不属于台账“{spec.name}”。", code="ledger_wrong_ledger")
            plan = {"kind": original.kind, "key": item.get("idempotency_key") or f"{original.idempotency_key}:reverse",
                    "booked_on": today, "memo": f"冲销凭证 {original.pk}：{reason}", "reverses": original,
                    "amounts": {a: -amount for a, amount in original_legs.get(original.pk, [])}}
        else:
            _s._check_kind(spec, item["kind"])
            if not item.get("idempotency_key"):
                raise ApplicationError("缺少幂等键。", code="ledger_no_idempotency_key")
            if item.get("pending") or item.get("expires_on") is not None:
                raise ApplicationError("批量记账不含预留。", code="ledger_bulk_pending")
            booked_on = item.get("booked_on") or today
            if booked_on > today:
                raise ApplicationError("记账日期不能晚于今天。", code="ledger_future_date")
            plan = {"kind": item["kind"], "key": item["idempotency_key"], "booked_on": booked_on,
                    "memo": item.get("memo", ""), "reverses": None, "amounts": _s._prepare(spec, item["legs"])}
        if plan["key"] in by_key:
            raise ConflictError("该幂等键已用于另一笔内容不同的记账。", code="ledger_idempotency_conflict")
        by_key[plan["key"]] = len(plans)
        plans.append(plan)
    if not plans:
        return []
    with connection.cursor() as cursor:
        # No per-row exception blocks in the triggers of the balance rows (see bench/README,
        # "history triggers make big writes quadratic"): the setting is given a value.
        cursor.execute("SELECT set_config('pgtrigger.ignore', coalesce(nullif(current_setting('pgtrigger.ignore', true),"
                       " ''), '{}'), true)")
    balances = _lock_heads(a for plan in plans for a in plan["amounts"])
    accounts = _s._accounts(spec, {a for plan in plans for a in plan["amounts"]}, balances)
    with connection.cursor() as cursor:  # = ANY(array): one parameter for thousands of keys
        cursor.execute(f"SELECT id FROM {Posting._meta.db_table} WHERE ledger = %s AND idempotency_key = ANY(%s)",  # nosec B608 # the table name from the model
                       [ledger, list(by_key)])
        found = [row[0] for row in cursor.fetchall()]
    existing = {p.idempotency_key: p for p in Posting.objects.filter(pk__in=found)} if found else {}
    if existing:
        written: dict[int, dict[int, Decimal]] = {}
        for posting_id, account_id, amount, phase in Entry.objects.filter(
                posting__in=list(existing.values())).values_list("posting_id", "account_id", "amount", "phase"):
            if phase == Phase.POSTED:
                written.setdefault(posting_id, {})[account_id] = amount
        for key, posting in existing.items():
            plan = plans[by_key[key]]
            same = (posting.type == PostingType.NORMAL and posting.kind == plan["kind"]
                    and written.get(posting.pk, {}) == plan["amounts"]
                    and posting.reverses_id == (plan["reverses"].pk if plan["reverses"] else None))
            if not same:
                raise ConflictError("该幂等键已用于另一笔内容不同的记账。", code="ledger_idempotency_conflict")
            plan["posting"] = posting
    if originals:
        done = {p.reverses_id: p for p in Posting.objects.filter(reverses__in=originals)}
        for plan in plans:
            if plan["reverses"] is not None and "posting" not in plan and plan["reverses"].pk in done:
                raise ConflictError(f"凭证 {plan['reverses'].pk} 已被凭证 {done[plan['reverses'].pk].pk} 冲销。",
                                    code="ledger_already_reversed")
    todo = [plan for plan in plans if "posting" not in plan]
    if todo:
        owners = {a.owner_id for a in accounts.values()}
        closed = set(Period.objects.filter(ledger=ledger, owner_id__in=owners,
                                           month__in={_s._month(p["booked_on"]) for p in todo})
                     .values_list("owner_id", "month"))
        after = {a: _Head(a, b.invariant, b.posted, b.pending_debits, b.pending_credits, b.last_seq, b.last_hash,
                          b.ledger, b.owner_id, b.name, b.unit) for a, b in balances.items()}
        for plan in todo:
            month = _s._month(plan["booked_on"])
            if any((accounts[a].owner_id, month) in closed for a in plan["amounts"]):
                booked_on = plan["booked_on"]
                raise ApplicationError(
                    f"{booked_on:%Y年%m月}已结账，不能再记入该月；如需更正，请在当前月份冲销后重新记账。",
                    code="ledger_period_closed", extra={"booked_on": [f"{booked_on:%Y-%m}已结账。"]},
                )
            for a, amount in plan["amounts"].items():
                head = after[a]
                before = _Before(head.posted, head.pending_debits)
                head.posted += amount
                _s._check_invariant(accounts[a], before, head)
        _write_many(spec, todo, after, actor, ids_only)
    if ids_only:
        return [p if isinstance(p, int) else p.pk for p in (plan["posting"] for plan in plans)]
    return [plan["posting"] for plan in plans]


def _write_many(spec: LedgerSpec, plans: list[dict], balances: dict[int, _Head], actor, ids_only: bool) -> None:
    """The rows of checked plans: postings with ids taken from the sequence in one query, then
    every entry linked into its account's chain in the plans' order, then the balances; the
    postings and the entries each in one COPY, the balances in one UPDATE."""
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    table = Posting._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # nosec B608 # the table name from the model
                       [len(plans)])
        ids = sorted(row[0] for row in cursor.fetchall())
    now = timezone.now()
    # Each account's chain continues from its locked head (``balances`` carry the new totals
    # and the heads as they were read). The hash is chain.entry_hash's, written out here (the
    # same canonical line; chain.verify and the tests recompute it).
    chain: dict[int, tuple[int, str]] = {}
    postings, entries = [], []
    sha256, posted, unit = hashlib.sha256, Phase.POSTED, spec.unit
    for posting_id, plan in zip(ids, plans, strict=True):
        booked_on = plan["booked_on"]
        reverses = plan["reverses"].pk if plan["reverses"] else None
        plan["posting"] = posting_id if ids_only else Posting(
            pk=posting_id, ledger=spec.code, type=PostingType.NORMAL, kind=plan["kind"], idempotency_key=plan["key"],
            booked_on=booked_on, memo=plan["memo"], reverses=plan["reverses"], actor_id=actor_id, created_at=now)
        postings.append((posting_id, spec.code, PostingType.NORMAL, plan["kind"], plan["key"], booked_on,
                         plan["memo"], reverses, actor_id, now))
        day = booked_on.isoformat()
        for account_id, amount in plan["amounts"].items():
            seq, prev = chain.get(account_id) or (balances[account_id].last_seq, balances[account_id].last_hash)
            seq += 1
            digest = sha256(f"v1|{account_id}|{seq}|{posting_id}|{posted}|{amount:.4f}|{day}|{prev}".encode()).hexdigest()
            entries.append((posting_id, account_id, posted, unit, amount, booked_on, seq, prev, digest, now))
            chain[account_id] = (seq, digest)
    with connection.cursor() as cursor:
        _copy(cursor, table, ("id", "ledger", "type", "kind", "idempotency_key", "booked_on", "memo", "reverses_id",
                              "actor_id", "created_at"), postings)
        _copy(cursor, Entry._meta.db_table, ("posting_id", "account_id", "phase", "unit", "amount", "booked_on", "seq",
                                             "prev_hash", "hash", "created_at"), entries)
    rows = []
    for account_id, (seq, digest) in chain.items():
        b = balances[account_id]
        b.last_seq, b.last_hash = seq, digest
        rows.append(b)
    _s._save_balances(rows)


def _copy(cursor, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """One COPY of ``rows`` into ``table`` (the values formatted by psycopg's C code, not quoted
    into a statement)."""
    with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
        write = copy.write_row
        for row in rows:
            write(row)
