"""Reading the areas a clerk types and the unit arithmetic of land (DOMAIN.md §5: 1 ha = 15 mu).

Every way in (service call, form, API, import) reads areas through ``parse_mu`` / ``parse_ha``
(the generic reader and the unit arithmetic are core.units', shared with finance),
so "-3", "1.23456", "abc" or a float gets the same refusal, in words, on the field it came from.
Mu are kept with four decimals; hectares are shown beside them, rounded to four decimals
(a mu is 1/15 ha, not a finite decimal). A hectare figure with four decimals converts to mu
exactly (× 15).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from core.errors import ApplicationError
from core.units import MAX_MU, MU_PER_HA, MU_QUANTUM, mu_to_ha, parse_decimal_area
from core.units import parse_ha as _parse_ha

__all__ = ["MAX_MU", "MU_PER_HA", "MU_QUANTUM", "fmt_mu", "mu_to_ha", "parse_ha", "parse_mu", "parse_year"]


def _refuse(field: str, message: str, code: str):
    raise ApplicationError(message, code=code, extra={field: [message]})


def parse_mu(value, *, field: str = "amount_mu", label: str | None = None, allow_zero: bool = False) -> Decimal:
    """``value`` in mu as an exact Decimal with at most four decimals, greater than zero
    (or zero, with ``allow_zero``); refused with a message naming the field otherwise
    (core.units.parse_decimal_area, shared with finance)."""
    return parse_decimal_area(value, field=field, label=label, allow_zero=allow_zero)


def parse_ha(value, *, field: str = "amount_mu", label: str | None = None) -> Decimal:
    """An area typed in hectares (at most four decimals), as mu: × 15, exact."""
    return _parse_ha(value, field=field, label=label)


def fmt_mu(mu: Decimal | None) -> str:
    """"1,234.5000 亩（82.3000 公顷）"."""
    if mu is None:
        return "—"
    mu = Decimal(mu).quantize(MU_QUANTUM)
    return gettext("%(mu)s亩（%(ha)s公顷）") % {"mu": f"{mu:,}", "ha": f"{mu_to_ha(mu):,}"}


def parse_year(value, *, field: str = "year") -> int:
    """A quota year between 2000 and 2199."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        _refuse(field, gettext("指标年度“%(value)s”不是年份。") % {"value": value}, "bad_year")
    if not 2000 <= year <= 2199:
        _refuse(field, gettext("指标年度应在 2000 至 2199 年之间。"), "bad_year")
    return year
