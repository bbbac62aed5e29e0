"""Reads of the ledger: an account's statement for a period, a ledger's trial balance.

Selectors take an account or a queryset the caller has already scoped (``core.ledger.scoping``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from . import registry
from .models import Account, Balance, Entry, Phase, Posting
from .registry import Unit


@dataclass
class StatementLine:
    entry_id: int
    posting_id: int
    booked_on: datetime.date
    kind: str
    memo: str
    amount: Decimal
    balance: Decimal  # running balance after this entry
    reverses_id: int | None
    actor: str | None
    kind_label: str = ""


@dataclass
class Statement:
    """Opening balance, the posted entries of the period, closing balance (对账单)."""

    account: Account
    start: datetime.date
    end: datetime.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    closing: Decimal = Decimal(0)
    debits: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)
    pending_debits: Decimal = Decimal(0)  # reserved now, whatever the period

    @property
    def unit(self) -> Unit:
        return Unit(self.account.unit)


def _q(amount: Decimal, unit: Unit) -> Decimal:
    return amount.quantize(unit.quantum)


def account_statement(*, account: Account, start: datetime.date, end: datetime.date) -> Statement:
    """The statement of ``account`` from ``start`` to ``end`` inclusive (posted entries only:
    pending reservations are not yet on the books; today's reserved total is shown beside)."""
    unit = Unit(account.unit)
    posted = Entry.objects.filter(account=account, phase=Phase.POSTED)
    opening = posted.filter(booked_on__lt=start).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    rows = (
        posted.filter(booked_on__gte=start, booked_on__lte=end)
        .order_by("booked_on", "seq")
        .values_list("id", "posting_id", "booked_on", "posting__kind", "posting__memo", "amount",
                     "posting__reverses_id", "posting__actor__username")
    )
    statement = Statement(account=account, start=start, end=end, opening=_q(opening, unit))
    labels = registry.get(account.ledger).posting_kinds if account.ledger in registry.codes() else {}
    running = opening
    for entry_id, posting_id, booked_on, kind, memo, amount, reverses_id, actor in rows:
        running += amount
        if amount < 0:
            statement.debits -= amount
        else:
            statement.credits += amount
        statement.lines.append(StatementLine(
            entry_id, posting_id, booked_on, kind, memo, _q(amount, unit), _q(running, unit), reverses_id, actor,
            labels.get(kind, kind),
        ))
    statement.closing = _q(running, unit)
    statement.debits, statement.credits = _q(statement.debits, unit), _q(statement.credits, unit)
    reserved = Balance.objects.filter(account=account).values_list("pending_debits", flat=True).first()
    statement.pending_debits = _q(reserved or Decimal(0), unit)
    return statement


@dataclass
class TrialBalance:
    """Every account's posted balance in one ledger; the total of all legs is zero when sound."""

    ledger: str
    on: datetime.date | None
    rows: list[dict]
    total_posted: Decimal
    total_pending: Decimal

    @property
    def balanced(self) -> bool:
        return self.total_posted == 0 and self.total_pending == 0


def trial_balance(*, ledger: str, on: datetime.date | None = None, accounts=None) -> TrialBalance:
    """Sum of the legs per account (up to ``on``), and over the ledger; both totals must be zero.

    ``accounts`` narrows the rows shown (a scoped queryset); the totals are always the ledger's
    whole, since a posting may cross owners and only the whole must balance.
    """
    entries = Entry.objects.filter(account__ledger=ledger)
    if on is not None:
        entries = entries.filter(booked_on__lte=on)
    pending_q = Q(phase=Phase.PENDING) | Q(phase=Phase.RELEASE)
    totals = entries.aggregate(
        posted=Sum("amount", filter=Q(phase=Phase.POSTED)),
        pending=Sum("amount", filter=Q(phase=Phase.PENDING)),
        released=Sum("amount", filter=Q(phase=Phase.RELEASE)),
    )
    shown = Account.objects.filter(ledger=ledger) if accounts is None else accounts.filter(ledger=ledger)
    per_account = (
        entries.filter(account__in=shown).values("account_id")
        .annotate(posted=Sum("amount", filter=Q(phase=Phase.POSTED)), touched=Sum("amount", filter=pending_q))
    )
    sums = {row["account_id"]: row["posted"] or Decimal(0) for row in per_account}
    rows = [
        {"account": a.pk, "code": a.code, "name": a.name, "owner": a.owner_id, "kind": a.kind,
         "posted": _q(sums.get(a.pk, Decimal(0)), Unit(a.unit))}
        for a in shown.order_by("owner_id", "code")
    ]
    total_pending = (totals["pending"] or Decimal(0)) - (totals["released"] or Decimal(0))
    return TrialBalance(ledger, on, rows, totals["posted"] or Decimal(0), total_pending)


def pending_list(*, accounts) -> list[Posting]:
    """Open reservations on these accounts (not yet posted, voided or expired)."""
    return list(
        Posting.objects.filter(type="pending", resolution__isnull=True, entries__account__in=accounts)
        .distinct().order_by("expires_on", "id")
    )
