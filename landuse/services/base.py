"""The pieces every write of landuse's quota shares: refusals in words, the role and scope
checks, closed years, the ledger accounts of a division and year, the balance lock and the
available-balance check (see landuse.services for the whole picture)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError
from core.ledger.models import Balance
from core.ledger.services import account_open
from core.services import save_validated
from regions import scoping
from regions.choices import Level, Role
from regions.models import Division

from .. import rules
from ..choices import (
    LEDGER,
    Pool,
)
from ..models import (
    QuotaAccount,
)
from ..selectors import Figures, account_figures, year_closed

# Tests turn this off to show what the lock is for (landuse/tests/test_quota_concurrency.py); never in production.
LOCK_ACCOUNTS = True


def _today() -> datetime.date:
    return timezone.localdate()


def _refuse(message: str, code: str, field: str | None = None, cls=ApplicationError):
    raise cls(message, code=code, extra={field: [message]} if field else None)


def _fmt(mu: Decimal) -> str:
    return f"{Decimal(mu).quantize(rules.MU_QUANTUM):,}"


def _require_role(actor, division: Division, roles: tuple[str, ...], refusal: str) -> None:
    """``actor`` (None: the system) holds one of ``roles`` over ``division``; else 403 with
    ``refusal``: the whole sentence of the action, naming the roles as %(who)s (only %(who)s may …),
    never an action's label set into a shared sentence (it does not translate)."""
    if actor is None or (getattr(actor, "is_superuser", False) and actor.is_active):
        return
    if not any(g.role in roles and division.path.startswith(g.path) for g in scoping.grants(actor)):
        raise PermissionDenied(str(refusal) % {"who": gettext("、").join(str(Role(r).label) for r in roles)})


require_role = _require_role


def _require_in_scope(actor, division: Division, field: str) -> None:
    """A write about a division outside the actor's jurisdiction is refused in words, writing nothing."""
    if actor is None or (getattr(actor, "is_superuser", False) and actor.is_active):
        return
    if not any(division.path.startswith(g.path) for g in scoping.grants(actor)):
        _refuse(gettext("“%(name)s”不在您的管辖范围内。") % {"name": division.name}, "out_of_jurisdiction", field)


def _check_year_open(division: Division, year: int, field: str = "year") -> None:
    closed = year_closed(division, year)
    if closed is not None:
        _refuse(gettext("%(division)s %(year)s年度的用地指标已于 %(date)s 关闭，不能再记入该年度。") % {
            "division": closed.division.name, "year": year, "date": f"{closed.closed_on:%Y-%m-%d}"},
            "year_closed", field)


# --- accounts ------------------------------------------------------------------------------------

def _ledger_account(division: Division, year: int, kind: str, code: str, name: str, actor):
    return account_open(ledger=LEDGER, kind=kind, owner=division, code=f"{code}:{year}",
                        name=f"{division.name}{year}年{name}", actor=actor)


@transaction.atomic
def quota_account_open(*, division: Division, year: int, pool: str = Pool.GENERAL, actor=None) -> QuotaAccount:
    """The division's account of the year and pool, opened the first time quota moves into it.
    A town's account of used quota (where its projects' draws go) is opened with it, here, where
    one writer at a time opens accounts, not by the first of many concurrent draws (which would
    race to insert the same account)."""
    existing = QuotaAccount.objects.filter(division=division, year=year, pool=pool).first()
    if existing is not None:
        return existing
    label = str(Pool(pool).label)
    account = _ledger_account(division, year, "quota", pool, label, actor)
    qa = save_validated(QuotaAccount(division=division, year=year, pool=pool, account=account), actor)
    if division.level == Level.TOWN:
        _used_account(division, year, actor)
    return qa


def _used_account(town: Division, year: int, actor):
    """The town's used quota of the year (opened with its quota accounts; opened here if a town's
    accounts predate that)."""
    return _ledger_account(town, year, "used", "used", "已用指标", actor)


def _lock(account_ids) -> None:
    """The balance rows a posting touches, locked in account order (the ledger's order), so the
    figures read next are the truth until this transaction ends."""
    if LOCK_ACCOUNTS:
        list(Balance.objects.select_for_update().filter(account_id__in=sorted(set(account_ids)))
             .order_by("account_id").values_list("account_id", flat=True))


def _check_available(qa: QuotaAccount, need: Decimal, shortfall: str, field: str, **names) -> Figures:
    """Refuse, with the numbers, taking ``need`` from ``qa`` beyond what is available. ``shortfall``
    is the action's own sentence with %(need)s and %(over)s (项目“%(name)s”需 %(need)s亩，超出 %(over)s亩。), with ``names`` for its other placeholders."""
    f = account_figures([qa])[qa.pk]
    if need > f.available:
        _refuse(gettext(
            "%(account)s可用指标不足：已收到 %(received)s亩，新增 %(gained)s亩，已下达 %(given)s亩，已使用 %(used)s亩，"
            "预留 %(reserved)s亩，可用 %(available)s亩。") % {
            "account": qa, "received": _fmt(f.received), "gained": _fmt(f.gained), "given": _fmt(f.given),
            "used": _fmt(f.used), "reserved": _fmt(f.reserved), "available": _fmt(f.available)}
            + str(shortfall) % {"need": _fmt(need), "over": _fmt(need - f.available), **names}, "quota_insufficient", field)
    return f
