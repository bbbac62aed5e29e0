"""The hash chain of each account, and its verification.

Each entry's hash is sha256 over a canonical encoding of its content and the previous entry's
hash, so changing an entry's amount, date, phase or account — or removing or reordering one —
breaks the chain at that entry. The encoding is one line of ``|``-separated fields, none of
which can contain ``|`` (integers, fixed codes, an ISO date, hex):

    v1|<account id>|<seq>|<posting id>|<phase>|<amount, exactly 4 decimals>|<booked_on>|<prev hash>

The amount is written as a decimal string with four places ("-12.5000"), the way PostgreSQL
prints ``numeric(24,4)``, so the same bytes can be produced in SQL (pgcrypto ``digest``) and in
Python; no float ever enters it.

Verification reads each account's entries in ``seq`` order with a server-side cursor and checks:
seq runs 1, 2, 3 … without gaps; ``prev_hash`` is the previous entry's hash; ``hash`` recomputes;
the balance row's head (last seq and hash) and totals match the entries.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from .models import GENESIS_HASH, Account, Balance, Entry, Phase, VerificationRun


def canonical(*, account_id: int, seq: int, posting_id: int, phase: str, amount: Decimal, booked_on, prev_hash: str) -> bytes:
    return (
        f"v1|{account_id}|{seq}|{posting_id}|{phase}|{amount:.4f}|{booked_on.isoformat()}|{prev_hash}"
    ).encode("ascii")


def entry_hash(**content) -> str:
    return hashlib.sha256(canonical(**content)).hexdigest()


@dataclass
class Problem:
    entry_id: int | None
    account_id: int
    seq: int | None
    reason: str

    def as_dict(self) -> dict:
        return {"entry": self.entry_id, "account": self.account_id, "seq": self.seq, "reason": self.reason}


@dataclass
class VerifyResult:
    accounts: int = 0
    entries: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        """The first entry that does not verify: the lowest entry id among the accounts' first problems."""
        if not self.problems:
            return None
        return min(self.problems, key=lambda p: (p.entry_id is None, p.entry_id or 0, p.account_id))

    def as_dict(self) -> dict:
        first = self.first
        return {
            "ok": self.ok, "accounts": self.accounts, "entries": self.entries, "seconds": round(self.seconds, 3),
            "first_bad": first.as_dict() if first else None,
            "problems": [p.as_dict() for p in self.problems[:100]],
        }


_ENTRY_SQL = (
    "SELECT id, account_id, seq, posting_id, phase, amount, booked_on, prev_hash, hash "  # nosec B608 # the table name comes from the model; ids are a parameter
    f"FROM {Entry._meta.db_table} WHERE account_id = ANY(%s) ORDER BY account_id, seq"
)


def verify(*, accounts=None, ledger: str | None = None) -> VerifyResult:
    """Verify the chains of ``accounts`` (a queryset or list), or of a ledger, or of everything.

    Reports at most one problem per account: the first entry of its chain that does not verify
    (everything after it depends on it).
    """
    started = time.perf_counter()
    if accounts is None:
        accounts = Account.objects.all()
        if ledger:
            accounts = accounts.filter(ledger=ledger)
    account_ids = sorted(a if isinstance(a, int) else a.pk for a in accounts) if isinstance(accounts, list) else list(
        accounts.order_by("pk").values_list("pk", flat=True)
    )
    result = VerifyResult(accounts=len(account_ids))
    heads = {
        b["account_id"]: b for b in Balance.objects.filter(account_id__in=account_ids).values(
            "account_id", "last_seq", "last_hash", "posted", "pending_debits", "pending_credits"
        )
    }
    for start in range(0, len(account_ids), 500):
        chunk = account_ids[start:start + 500]
        _verify_chunk(chunk, heads, result)
    result.seconds = time.perf_counter() - started
    return result


class _Walk:
    """The state of one account's chain while its entries stream past."""

    __slots__ = ("account_id", "seq", "prev", "posted", "pend_dr", "pend_cr", "bad")

    def __init__(self, account_id: int):
        self.account_id = account_id
        self.seq = 0
        self.prev = GENESIS_HASH
        self.posted = self.pend_dr = self.pend_cr = Decimal(0)
        self.bad = False


def _verify_chunk(chunk: list[int], heads: dict, result: VerifyResult) -> None:
    walks: dict[int, _Walk] = {}
    sha256 = hashlib.sha256
    # A named (server-side) cursor streams a million rows without holding them in memory.
    with connection.chunked_cursor() as cursor:
        cursor.execute(_ENTRY_SQL, [chunk])
        while rows := cursor.fetchmany(5000):
            for entry_id, account_id, seq, posting_id, phase, amount, booked_on, prev_hash, stored in rows:
                result.entries += 1
                walk = walks.get(account_id)
                if walk is None:
                    walk = walks[account_id] = _Walk(account_id)
                if walk.bad:
                    continue
                reason = None
                if seq != walk.seq + 1:
                    reason = f"序号应为 {walk.seq + 1}，实为 {seq}（分录缺失或被移动）"
                elif prev_hash != walk.prev:
                    reason = "前一分录的哈希不符（链条断开）"
                else:
                    line = (
                        f"v1|{account_id}|{seq}|{posting_id}|{phase}|{amount:.4f}|{booked_on.isoformat()}|{prev_hash}"
                    )
                    if sha256(line.encode("ascii")).hexdigest() != stored:
                        reason = "分录内容与哈希不符（金额、日期、账户或性质被改动）"
                if reason:
                    walk.bad = True
                    result.problems.append(Problem(entry_id, account_id, seq, reason))
                    continue
                walk.seq, walk.prev = seq, stored
                if phase == Phase.POSTED:
                    walk.posted += amount
                else:
                    sign = 1 if phase == Phase.PENDING else -1
                    if amount < 0:
                        walk.pend_dr -= sign * amount
                    else:
                        walk.pend_cr += sign * amount
    for account_id in chunk:
        walk = walks.get(account_id) or _Walk(account_id)
        if walk.bad:
            continue
        head = heads.get(account_id)
        if head is None:
            if walk.seq:
                result.problems.append(Problem(None, account_id, None, "账户没有余额行"))
            continue
        if head["last_seq"] != walk.seq or head["last_hash"] != walk.prev:
            result.problems.append(Problem(
                None, account_id, walk.seq, f"链尾应为第 {head['last_seq']} 条，分录只到第 {walk.seq} 条（分录缺失）"
            ))
        elif (head["posted"], head["pending_debits"], head["pending_credits"]) != (walk.posted, walk.pend_dr, walk.pend_cr):
            result.problems.append(Problem(None, account_id, walk.seq, "余额与分录合计不符"))


def verify_and_record(*, ledger: str = "") -> tuple[VerifyResult, VerificationRun]:
    """Verify (a ledger or everything) and keep the outcome for the badge on the auditor's pages."""
    started_at = timezone.now()
    result = verify(ledger=ledger or None)
    first = result.first
    run = VerificationRun.objects.create(
        ledger=ledger, started_at=started_at, seconds=result.seconds, accounts_checked=result.accounts,
        entries_checked=result.entries, ok=result.ok,
        first_bad_entry_id=first.entry_id if first else None,
        first_bad_account_id=first.account_id if first else None,
        reason=first.reason if first else "",
    )
    return result, run
