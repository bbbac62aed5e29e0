"""Every write of the ledger. Keyword-only, one transaction each, attributed to an actor.

How a write stays correct when twenty of them arrive at once: the balance rows of every
account a posting touches are locked with ``SELECT … FOR UPDATE`` in account-id order (one
order for everybody, so two postings never wait on each other in a cycle), *then* the
idempotency key, the period and the invariants are checked against what is now the truth,
then the posting, its entries (each linked into its account's hash chain) and the new totals
are written. Behind the lock the database holds the same rules on its own: CHECK constraints
on the balance rows (the account's invariant), a unique (account, seq) that refuses a second
link at the same place in a chain, a unique idempotency key and triggers that refuse UPDATE
and DELETE of entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import ApplicationError, ConflictError

from . import registry
from .chain import entry_hash
from .models import Account, Balance, Entry, Period, Phase, Posting, PostingType
from .registry import Invariant, LedgerSpec, Unit

# Tests turn these to show what the lock is for (tests/test_concurrency.py); never in production.
LOCK_BALANCES = True
_race_hook = None  # called with "read" after the balances are read, "checked" after the invariants pass


@dataclass(frozen=True)
class Leg:
    """One leg of a posting: an account and a signed amount (+ adds to it, − takes from it)."""

    account: Account | int
    amount: Decimal | int | str


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _today() -> datetime.date:
    return timezone.localdate()


def _fmt(amount: Decimal, unit: Unit) -> str:
    return f"{amount.quantize(unit.quantum):,}{unit.label}"


def _amount(value, unit: Unit) -> Decimal:
    """A leg's amount as an exact Decimal with no more places than the unit has; never a float."""
    if isinstance(value, float):
        raise ApplicationError("金额必须是精确的十进制数（Decimal 或字符串），不能是浮点数。", code="ledger_float_amount")
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(f"金额“{value}”不是数字。", code="ledger_bad_amount") from None
    if not amount.is_finite():
        raise ApplicationError(f"金额“{value}”不是有限的数字。", code="ledger_bad_amount")
    if amount != amount.quantize(unit.quantum):
        places = f"最多 {unit.places} 位小数" if unit.places else "必须是整数"
        raise ApplicationError(f"金额 {value} 不符合单位“{unit.label}”：{places}。", code="ledger_bad_scale")
    if amount == 0:
        raise ApplicationError("分录金额不能为零。", code="ledger_zero_amount")
    return amount


# --- accounts ---------------------------------------------------------------------------------


@transaction.atomic
def account_open(*, ledger: str, kind: str, owner, code: str, name: str, actor=None) -> Account:
    """Open an account of ``kind`` for ``owner`` (a division), or return the one already open.

    The unit comes from the ledger and the invariant from the kind; both are fixed for life.
    """
    spec = registry.get(ledger)
    account_kind = spec.kind(kind)
    owner_id = getattr(owner, "pk", owner)
    existing = Account.objects.filter(ledger=ledger, owner_id=owner_id, code=code).first()
    if existing is not None:
        if existing.kind != kind:
            raise ConflictError(f"账户代码“{code}”已用于另一类账户。", code="ledger_account_conflict")
        return existing
    account = Account.objects.create(
        ledger=ledger, kind=kind, code=code, name=name, unit=spec.unit, invariant=account_kind.invariant,
        owner_id=owner_id, created_by=actor if getattr(actor, "pk", None) else None,
    )
    Balance.objects.create(account=account, invariant=account.invariant)
    return account


# --- the write path shared by every kind of posting -------------------------------------------


def _lock(account_ids: Iterable[int]) -> dict[int, Balance]:
    """The balance rows of these accounts, locked in account-id order (the same for every writer),
    each with its (immutable) account. What must see other writers' commits — the idempotency
    key, the closed periods — is read *after* this, in statements of their own: a statement that
    waited for a lock still reads with the snapshot it started with."""
    ids = sorted(set(account_ids))
    rows = Balance.objects.filter(account_id__in=ids).select_related("account").order_by("account_id")
    if LOCK_BALANCES:
        rows = rows.select_for_update(of=("self",))
    balances = {b.account_id: b for b in rows}
    if _race_hook:
        _race_hook("read")
    return balances


def _check_open(spec: LedgerSpec, accounts: dict[int, Account], booked_on: datetime.date) -> None:
    owners = {a.owner_id for a in accounts.values()}
    closed = Period.objects.filter(ledger=spec.code, owner_id__in=owners, month=_month(booked_on)).exists()
    if closed:
        raise ApplicationError(
            f"{booked_on:%Y年%m月}已结账，不能再记入该月；如需更正，请在当前月份冲销后重新记账。",
            code="ledger_period_closed", extra={"booked_on": [f"{booked_on:%Y-%m}已结账。"]},
        )


def _apply(balance: Balance, phase: str, amount: Decimal) -> None:
    if phase == Phase.POSTED:
        balance.posted += amount
    else:
        sign = 1 if phase == Phase.PENDING else -1
        if amount < 0:
            balance.pending_debits -= sign * amount
        else:
            balance.pending_credits += sign * amount


def _check_invariant(account: Account, before: Balance, after: Balance) -> None:
    unit = Unit(account.unit)
    if account.invariant == Invariant.NON_NEGATIVE and after.posted - after.pending_debits < 0:
        need = (before.posted - before.pending_debits) - (after.posted - after.pending_debits)
        raise ApplicationError(
            f"账户“{account.name}”可用余额不足：可用 {_fmt(before.posted - before.pending_debits, unit)}，"
            f"本次需 {_fmt(need, unit)}。",
            code="ledger_insufficient", extra={"account": account.pk},
        )
    if account.invariant == Invariant.NON_POSITIVE and after.posted + after.pending_credits > 0:
        raise ApplicationError(
            f"账户“{account.name}”只能支出，本次记入后余额将为正。", code="ledger_non_positive", extra={"account": account.pk}
        )


def _write(*, spec: LedgerSpec, accounts: dict[int, Account], balances: dict[int, Balance],
           posting: Posting, lines: Sequence[tuple[int, str, Decimal]]) -> Posting:
    """Check the period and the invariants, then write the posting, its chained entries and the totals."""
    _check_open(spec, accounts, posting.booked_on)
    after = {}
    for account_id, phase, amount in lines:
        b = after.get(account_id)
        if b is None:
            old = balances[account_id]
            b = after[account_id] = Balance(
                account_id=account_id, invariant=old.invariant, posted=old.posted,
                pending_debits=old.pending_debits, pending_credits=old.pending_credits,
                last_seq=old.last_seq, last_hash=old.last_hash,
            )
        _apply(b, phase, amount)
    for account_id, b in after.items():
        _check_invariant(accounts[account_id], balances[account_id], b)
    if _race_hook:
        _race_hook("checked")
    try:
        posting.save(force_insert=True)
    except IntegrityError:
        # The same key used at the same moment by a request on other accounts; the transaction
        # is lost either way, so no savepoint (it costs two round trips on every posting).
        raise ConflictError("该幂等键已被另一笔记账使用。", code="ledger_idempotency_conflict") from None
    entries = []
    for account_id, phase, amount in lines:
        b = after[account_id]
        b.last_seq += 1
        digest = entry_hash(
            account_id=account_id, seq=b.last_seq, posting_id=posting.pk, phase=phase, amount=amount,
            booked_on=posting.booked_on, prev_hash=b.last_hash,
        )
        entries.append(Entry(
            posting=posting, account_id=account_id, phase=phase, unit=spec.unit, amount=amount,
            booked_on=posting.booked_on, seq=b.last_seq, prev_hash=b.last_hash, hash=digest,
        ))
        b.last_hash = digest
    Entry.objects.bulk_create(entries)
    _save_balances(list(after.values()))
    return posting


def _save_balances(rows: list[Balance]) -> None:
    """One UPDATE … FROM (VALUES …) for every balance a posting changed (one round trip)."""
    values = ", ".join(["(%s::bigint, %s::numeric, %s::numeric, %s::numeric, %s::bigint, %s)"] * len(rows))
    params = [x for b in rows for x in (b.account_id, b.posted, b.pending_debits, b.pending_credits, b.last_seq, b.last_hash)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Balance._meta.db_table} AS b SET posted = v.posted, pending_debits = v.pd, "  # nosec B608 # the table name from the model, placeholders only; values are parameters
            "pending_credits = v.pc, last_seq = v.seq, last_hash = v.h "
            f"FROM (VALUES {values}) AS v(id, posted, pd, pc, seq, h) WHERE b.account_id = v.id",
            params,
        )


def _same_request(existing: Posting, type_: str, kind: str, legs: dict[int, Decimal]) -> bool:
    phase = Phase.PENDING if type_ == PostingType.PENDING else Phase.POSTED
    written = {e.account_id: e.amount for e in existing.entries.filter(phase=phase)}
    return existing.type == type_ and existing.kind == kind and written == legs


# --- postings ---------------------------------------------------------------------------------


def _prepare(spec: LedgerSpec, legs: Sequence[Leg | tuple]) -> dict[int, Decimal]:
    if len(legs) < 2:
        raise ApplicationError("一张凭证至少要有两条分录（借贷相等）。", code="ledger_unbalanced")
    amounts: dict[int, Decimal] = {}
    for leg in legs:
        account, value = (leg.account, leg.amount) if isinstance(leg, Leg) else leg
        account_id = getattr(account, "pk", account)
        if account_id in amounts:
            raise ApplicationError("同一账户在一张凭证中只能出现一次。", code="ledger_duplicate_account")
        amounts[account_id] = _amount(value, spec.unit)
    total = sum(amounts.values(), Decimal(0))
    if total != 0:
        raise ApplicationError(
            f"凭证不平衡：各分录合计应为零，实为 {_fmt(total, spec.unit)}。", code="ledger_unbalanced",
            extra={"legs": [f"合计 {total}"]},
        )
    return amounts


def _accounts(spec: LedgerSpec, wanted, balances: dict[int, Balance]) -> dict[int, Account]:
    missing = set(wanted) - set(balances)
    if missing:
        raise ApplicationError(f"账户 {sorted(missing)} 不存在。", code="ledger_unknown_account")
    accounts = {account_id: b.account for account_id, b in balances.items()}
    for account in accounts.values():
        if account.ledger != spec.code:
            raise ApplicationError(f"账户“{account.name}”不属于台账“{spec.name}”。", code="ledger_wrong_ledger")
    return accounts


def _check_kind(spec: LedgerSpec, kind: str) -> None:
    if spec.posting_kinds and kind not in spec.posting_kinds:
        raise ApplicationError(f"台账“{spec.name}”没有“{kind}”这类业务。", code="ledger_unknown_posting_kind")


@transaction.atomic
def posting_create(
    *, ledger: str, legs: Sequence[Leg | tuple], kind: str, idempotency_key: str, actor=None,
    booked_on: datetime.date | None = None, memo: str = "",
    pending: bool = False, expires_on: datetime.date | None = None,
) -> Posting:
    """Post legs that sum to zero, in one transaction; or reserve them (``pending=True``).

    A second call with the same ``idempotency_key`` returns the first posting and writes
    nothing; the same key with different legs is a conflict. ``pending``: the amounts are
    reserved (they count against "never below zero" at once) until ``pending_post``,
    ``pending_void`` or the expiry job after ``expires_on``.
    """
    spec = registry.get(ledger)
    _check_kind(spec, kind)
    if not idempotency_key:
        raise ApplicationError("缺少幂等键。", code="ledger_no_idempotency_key")
    type_ = PostingType.PENDING if pending else PostingType.NORMAL
    amounts = _prepare(spec, legs)
    today = _today()
    booked_on = booked_on or today
    if booked_on > today:
        raise ApplicationError("记账日期不能晚于今天。", code="ledger_future_date")
    if pending and expires_on is not None and expires_on < today:
        raise ApplicationError("预留的到期日不能早于今天。", code="ledger_bad_expiry")
    if not pending and expires_on is not None:
        raise ApplicationError("只有预留才有到期日。", code="ledger_bad_expiry")
    balances = _lock(amounts)
    accounts = _accounts(spec, amounts, balances)
    existing = Posting.objects.filter(ledger=ledger, idempotency_key=idempotency_key).first()
    if existing is not None:
        if _same_request(existing, type_, kind, amounts):
            return existing
        raise ConflictError("该幂等键已用于另一笔内容不同的记账。", code="ledger_idempotency_conflict")
    posting = Posting(
        ledger=ledger, type=type_, kind=kind, idempotency_key=idempotency_key, booked_on=booked_on, memo=memo,
        expires_on=expires_on if pending else None, actor=actor if getattr(actor, "pk", None) else None,
    )
    phase = Phase.PENDING if pending else Phase.POSTED
    return _write(spec=spec, accounts=accounts, balances=balances, posting=posting,
                  lines=[(account_id, phase, amount) for account_id, amount in amounts.items()])


@transaction.atomic
def postings_create_linked(*, items: Sequence[dict], actor=None) -> list[Posting]:
    """Several postings that succeed or fail together (TigerBeetle's linked transfers).

    ``items`` are keyword arguments of ``posting_create`` (without ``actor``). Every account
    of every item is locked first, in one order, so linked batches cannot deadlock each other.
    """
    accounts = [leg.account if isinstance(leg, Leg) else leg[0] for item in items for leg in item["legs"]]
    _lock(getattr(account, "pk", account) for account in accounts)
    return [posting_create(**item, actor=actor) for item in items]


def _resolve(*, pending: Posting, type_: str, actor, idempotency_key: str | None, memo: str) -> tuple[Posting, bool]:
    """Post, void or expire a reservation; (the resolution, whether this call wrote it)."""
    if pending.type != PostingType.PENDING:
        raise ConflictError("这笔记账不是预留，不能转正式或撤销。", code="ledger_not_pending")
    spec = registry.get(pending.ledger)
    reserved = list(pending.entries.order_by("id").values_list("account_id", "amount"))
    balances = _lock(a for a, _ in reserved)
    accounts = _accounts(spec, [a for a, _ in reserved], balances)
    done = Posting.objects.filter(resolves=pending).first()
    key = idempotency_key or f"{pending.idempotency_key}:{type_}"
    if done is not None:
        if done.type == type_ and done.idempotency_key == key:
            return done, False  # a retry of this very step
        raise ConflictError(
            f"该预留已于 {timezone.localtime(done.created_at):%Y-%m-%d %H:%M} {done.get_type_display()}。",
            code="ledger_pending_resolved",
        )
    today = _today()
    if type_ == PostingType.POST and pending.expires_on is not None and pending.expires_on < today:
        raise ConflictError(f"该预留已于 {pending.expires_on:%Y-%m-%d} 到期，不能再转正式。", code="ledger_pending_expired")
    posting = Posting(
        ledger=pending.ledger, type=type_, kind=pending.kind, idempotency_key=key, booked_on=today, memo=memo,
        resolves=pending, actor=actor if getattr(actor, "pk", None) else None,
    )
    lines = [(account_id, Phase.RELEASE, amount) for account_id, amount in reserved]
    if type_ == PostingType.POST:
        lines += [(account_id, Phase.POSTED, amount) for account_id, amount in reserved]
    return _write(spec=spec, accounts=accounts, balances=balances, posting=posting, lines=lines), True


@transaction.atomic
def pending_post(*, pending: Posting, actor=None, idempotency_key: str | None = None, memo: str = "") -> Posting:
    """Turn a reservation into a posting, booked today (e.g. the project was approved)."""
    return _resolve(pending=pending, type_=PostingType.POST, actor=actor, idempotency_key=idempotency_key, memo=memo)[0]


@transaction.atomic
def pending_void(*, pending: Posting, actor=None, idempotency_key: str | None = None, memo: str = "") -> Posting:
    """Release a reservation without posting it (e.g. the project was refused)."""
    return _resolve(pending=pending, type_=PostingType.VOID, actor=actor, idempotency_key=idempotency_key, memo=memo)[0]


def pending_expire_due(*, today: datetime.date | None = None) -> int:
    """Release every reservation whose ``expires_on`` has passed. Safe to run twice: a
    reservation is resolved at most once (unique ``resolves``), the second run finds none.
    Each expiry is its own transaction, so one refusal does not hold back the others."""
    today = today or _today()
    due = (Posting.objects.filter(type=PostingType.PENDING, expires_on__lt=today, resolution__isnull=True)
           .order_by("id").values_list("pk", flat=True))
    done = 0
    for pk in list(due):
        with transaction.atomic():
            pending = Posting.objects.get(pk=pk)
            try:
                _posting, created = _resolve(pending=pending, type_=PostingType.EXPIRE, actor=None,
                                             idempotency_key=None, memo=f"预留于 {pending.expires_on:%Y-%m-%d} 到期")
            except ConflictError:  # posted or voided meanwhile
                continue
        done += created  # a run beside this one may have expired it first
    return done


@transaction.atomic
def posting_reverse(*, posting: Posting, actor=None, reason: str, idempotency_key: str | None = None) -> Posting:
    """Reverse a posting (红字冲销): a new posting of the opposite legs, linked to it, booked
    today in the current open period. The original is never edited; a correction is this
    reversal plus a new posting."""
    if not reason.strip():
        raise ApplicationError("冲销必须写明原因。", code="ledger_reason_required", extra={"reason": ["请填写冲销原因。"]})
    if posting.type not in (PostingType.NORMAL, PostingType.POST):
        raise ConflictError("只能冲销正式记账；预留请撤销。", code="ledger_not_reversible")
    spec = registry.get(posting.ledger)
    legs = list(posting.entries.filter(phase=Phase.POSTED).order_by("id").values_list("account_id", "amount"))
    balances = _lock(a for a, _ in legs)
    accounts = _accounts(spec, [a for a, _ in legs], balances)
    key = idempotency_key or f"{posting.idempotency_key}:reverse"
    done = Posting.objects.filter(reverses=posting).first()
    if done is not None:
        if done.idempotency_key == key:
            return done
        raise ConflictError(f"凭证 {posting.pk} 已被凭证 {done.pk} 冲销。", code="ledger_already_reversed")
    reversal = Posting(
        ledger=posting.ledger, type=PostingType.NORMAL, kind=posting.kind, idempotency_key=key,
        booked_on=_today(), memo=f"冲销凭证 {posting.pk}：{reason.strip()}", reverses=posting,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return _write(spec=spec, accounts=accounts, balances=balances, posting=reversal,
                  lines=[(account_id, Phase.POSTED, -amount) for account_id, amount in legs])


# --- periods ----------------------------------------------------------------------------------


@transaction.atomic
def period_close(*, ledger: str, owner, month: datetime.date, actor=None) -> Period:
    """Close a month of one owner's accounts in a ledger (结账). Only a month that has ended.

    The owner's balance rows are locked (in the postings' order) so no posting into that month
    can commit after the close. Closing a closed month returns it.
    """
    registry.get(ledger)
    month = _month(month)
    if month >= _month(_today()):
        raise ApplicationError(f"{month:%Y年%m月}尚未结束，不能结账。", code="ledger_period_not_ended")
    owner_id = getattr(owner, "pk", owner)
    _lock(Account.objects.filter(ledger=ledger, owner_id=owner_id).values_list("pk", flat=True))
    existing = Period.objects.filter(ledger=ledger, owner_id=owner_id, month=month).first()
    if existing is not None:
        return existing
    return Period.objects.create(
        ledger=ledger, owner_id=owner_id, month=month, closed_by=actor if getattr(actor, "pk", None) else None
    )


# The bulk writes live in core/ledger/bulk.py; imported last (they use the helpers above).
from .bulk import accounts_open_bulk, postings_create_bulk  # noqa: E402,F401
