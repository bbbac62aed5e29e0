"""The ledger's bulk writes: many accounts and postings in a fixed number of queries.

The same rows, refusals and hash chains as ``core.ledger.services``' one-by-one calls made in the
same order; the helpers are looked up on that module at call time so its test switches apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.errors import ApplicationError, ConflictError

from . import registry
from . import services as _s
from .chain import entry_hash
from .models import Account, Balance, Entry, Period, Phase, Posting, PostingType
from .registry import LedgerSpec

# --- bulk: many postings in a fixed number of queries -------------------------------------------
#
# A year's entitlements of 300 towns are 3,600 postings; through ``posting_create`` each costs
# ~7 queries and a round trip per statement. ``accounts_open_bulk`` and ``postings_create_bulk``
# write the same rows as the one-by-one calls made in the same order (same accounts, postings,
# entries, hash chains and balances; the same refusals, and nothing written when one is refused)
# in a number of queries that does not depend on how many there are.


@transaction.atomic
def accounts_open_bulk(*, ledger: str, accounts: Sequence[dict], actor=None) -> dict[tuple[int, str], Account]:
    """``account_open`` for each of ``accounts`` (dicts of kind, owner, code, name), in order: the
    accounts already open are returned, the others opened. (owner id, code) → account."""
    spec = registry.get(ledger)
    wanted: dict[tuple[int, str], dict] = {}
    for item in accounts:
        spec.kind(item["kind"])
        wanted.setdefault((getattr(item["owner"], "pk", item["owner"]), item["code"]), item)
    found: dict[tuple[int, str], Account] = {}
    if wanted:
        owners = sorted({owner for owner, _code in wanted})
        for account in Account.objects.filter(ledger=ledger, owner_id__in=owners,
                                              code__in=sorted({code for _owner, code in wanted})):
            if (account.owner_id, account.code) in wanted:
                found[(account.owner_id, account.code)] = account
    for key, account in found.items():
        if account.kind != wanted[key]["kind"]:
            raise ConflictError(f"账户代码“{account.code}”已用于另一类账户。", code="ledger_account_conflict")
    created_by = actor if getattr(actor, "pk", None) else None
    new = [
        Account(ledger=ledger, kind=item["kind"], code=code, name=item["name"], unit=spec.unit,
                invariant=spec.kind(item["kind"]).invariant, owner_id=owner, created_by=created_by)
        for (owner, code), item in wanted.items() if (owner, code) not in found
    ]
    if new:
        Account.objects.bulk_create(new)
        Balance.objects.bulk_create([Balance(account=a, invariant=a.invariant) for a in new])
        found.update({(a.owner_id, a.code): a for a in new})
    return found


def _unnest_insert(table: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple]) -> None:
    """One INSERT … SELECT FROM unnest(arrays) of ``rows``: one statement whatever their number
    (bulk_create splits at 65,535 parameters). ``columns``: (name, SQL type) pairs."""
    names = ", ".join(name for name, _type in columns)
    arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in columns)
    params = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in columns]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})", params)  # nosec B608 # names from the models, values are parameters


@transaction.atomic
def postings_create_bulk(*, ledger: str, items: Sequence[dict], actor=None) -> list[Posting]:
    """Write ``items`` in order, as ``posting_create`` / ``posting_reverse`` called one after the
    other would: the same postings, entries (each account's chain continued in this order) and
    balances, the same checks and refusals — and, all or nothing, in about ten queries.

    An item is either the keyword arguments of ``posting_create`` (``legs``, ``kind``,
    ``idempotency_key``, ``booked_on``, ``memo``; no pending postings) or a reversal:
    ``{"reverses": posting, "reason": "…"}`` (booked today, key ``<key>:reverse`` unless given).
    A retry of an item already written (same key, same legs) returns its posting.
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
    balances = _s._lock(a for plan in plans for a in plan["amounts"])
    accounts = _s._accounts(spec, {a for plan in plans for a in plan["amounts"]}, balances)
    existing = {p.idempotency_key: p for p in Posting.objects.filter(ledger=ledger, idempotency_key__in=list(by_key))}
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
        after = {a: Balance(account_id=a, invariant=b.invariant, posted=b.posted, pending_debits=b.pending_debits,
                            pending_credits=b.pending_credits, last_seq=b.last_seq, last_hash=b.last_hash)
                 for a, b in balances.items()}
        for plan in todo:
            month = _s._month(plan["booked_on"])
            if any((accounts[a].owner_id, month) in closed for a in plan["amounts"]):
                booked_on = plan["booked_on"]
                raise ApplicationError(
                    f"{booked_on:%Y年%m月}已结账，不能再记入该月；如需更正，请在当前月份冲销后重新记账。",
                    code="ledger_period_closed", extra={"booked_on": [f"{booked_on:%Y-%m}已结账。"]},
                )
            for a, amount in plan["amounts"].items():
                before = Balance(posted=after[a].posted, pending_debits=after[a].pending_debits)
                after[a].posted += amount
                _s._check_invariant(accounts[a], before, after[a])
        _write_many(spec, todo, after, actor)
    return [plan["posting"] for plan in plans]


def _write_many(spec: LedgerSpec, plans: list[dict], balances: dict[int, Balance], actor) -> None:
    """The rows of checked plans: postings with ids taken from the sequence in one query, then
    every entry linked into its account's chain in the plans' order, then the balances; each
    table in one statement."""
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    table = Posting._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # nosec B608 # the table name from the model
                       [len(plans)])
        ids = sorted(row[0] for row in cursor.fetchall())
    now = timezone.now()
    # Each account's chain continues from its locked head (``balances`` carry the new totals
    # and the heads as they were read).
    chain: dict[int, tuple[int, str]] = {}
    postings, entries = [], []
    for posting_id, plan in zip(ids, plans, strict=True):
        posting = Posting(
            pk=posting_id, ledger=spec.code, type=PostingType.NORMAL, kind=plan["kind"], idempotency_key=plan["key"],
            booked_on=plan["booked_on"], memo=plan["memo"], reverses=plan["reverses"], actor_id=actor_id,
            created_at=now,
        )
        plan["posting"] = posting
        postings.append((posting_id, spec.code, PostingType.NORMAL, plan["kind"], plan["key"], plan["booked_on"],
                         plan["memo"], plan["reverses"].pk if plan["reverses"] else None, actor_id, now))
        for account_id, amount in plan["amounts"].items():
            seq, prev = chain.get(account_id) or (balances[account_id].last_seq, balances[account_id].last_hash)
            seq += 1
            digest = entry_hash(account_id=account_id, seq=seq, posting_id=posting_id, phase=Phase.POSTED,
                                amount=amount, booked_on=plan["booked_on"], prev_hash=prev)
            entries.append((posting_id, account_id, Phase.POSTED, spec.unit, amount, plan["booked_on"], seq, prev,
                            digest, now))
            chain[account_id] = (seq, digest)
    _unnest_insert(table, [("id", "bigint"), ("ledger", "varchar"), ("type", "varchar"), ("kind", "varchar"),
                           ("idempotency_key", "varchar"), ("booked_on", "date"), ("memo", "text"),
                           ("reverses_id", "bigint"), ("actor_id", "bigint"), ("created_at", "timestamptz")], postings)
    _unnest_insert(Entry._meta.db_table, [("posting_id", "bigint"), ("account_id", "bigint"), ("phase", "varchar"),
                                          ("unit", "varchar"), ("amount", "numeric"), ("booked_on", "date"),
                                          ("seq", "bigint"), ("prev_hash", "varchar"), ("hash", "varchar"),
                                          ("created_at", "timestamptz")], entries)
    rows = []
    for account_id, (seq, digest) in chain.items():
        b = balances[account_id]
        b.last_seq, b.last_hash = seq, digest
        rows.append(b)
    _s._save_balances(rows)
