"""Disbursements: a transfer covering several entitlements, partially."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ConflictError
from core.history import actor_context
from core.ledger.services import (
    posting_create,
)
from core.services import save_validated

from .. import rules as r
from ..choices import EntitlementStatus
from ..models import (
    ZERO,
    Disbursement,
    DisbursementLine,
    Entitlement,
)
from ..selectors import LEDGER, paid_on_slot
from .base import _lock_town, _refuse, _today
from .entitlements import (
    _accounts,
)

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


