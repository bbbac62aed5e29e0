"""Reading the areas a clerk types and the unit arithmetic of land (DOMAIN.md §5: 1 ha = 15 mu).

Every way in (service call, form, API, import) reads areas through ``parse_mu`` / ``parse_ha``,
so "-3", "1.23456", "abc" or a float gets the same refusal, in words, on the field it came from.
Mu are kept with four decimals; hectares are shown beside them, rounded to four decimals
(a mu is 1/15 ha, not a finite decimal). A hectare figure with four decimals converts to mu
exactly (× 15).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

from core.errors import ApplicationError

MU_QUANTUM = Decimal("0.0001")
MU_PER_HA = Decimal(15)
MAX_MU = Decimal("9999999999.9999")  # models.MU: 14 digits, 4 places


def _refuse(field: str, message: str, code: str):
    raise ApplicationError(message, code=code, extra={field: [message]})


def parse_mu(value, *, field: str = "amount_mu", label: str | None = None, allow_zero: bool = False) -> Decimal:
    """``value`` in mu as an exact Decimal with at most four decimals, greater than zero
    (or zero, with ``allow_zero``); refused with a message naming the field otherwise."""
    label = label or gettext("面积")
    if isinstance(value, (bool, float)):
        _refuse(field, gettext("%(label)s须以精确的十进制数填写，不能是浮点数。") % {"label": label}, "float_amount")
    text = value.strip().replace(",", "").replace("，", "") if isinstance(value, str) else value
    if text in (None, ""):
        _refuse(field, gettext("请填写%(label)s。") % {"label": label}, "required")
    try:
        amount = text if isinstance(text, Decimal) else Decimal(text if isinstance(text, str) else int(text))
    except (InvalidOperation, TypeError, ValueError):
        _refuse(field, gettext("%(label)s“%(value)s”不是数字，请填写如 120.5 的亩数。") % {"label": label, "value": value},
                "not_a_number")
    if not amount.is_finite():
        _refuse(field, gettext("%(label)s“%(value)s”不是数字。") % {"label": label, "value": value}, "not_a_number")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > 4:
        _refuse(field, gettext("%(label)s %(value)s 最多四位小数（亩）。") % {"label": label, "value": value},
                "too_many_decimals")
    if amount < 0:
        _refuse(field, gettext("%(label)s不能为负数（填写的是 %(value)s 亩）。") % {"label": label, "value": value},
                "negative_area")
    if amount == 0 and not allow_zero:
        _refuse(field, gettext("%(label)s须大于零。") % {"label": label}, "zero_area")
    if amount > MAX_MU:
        _refuse(field, gettext("%(label)s %(value)s 超出可记录的范围。") % {"label": label, "value": value}, "too_large")
    return amount.quantize(MU_QUANTUM)


def parse_ha(value, *, field: str = "amount_mu", label: str | None = None) -> Decimal:
    """An area typed in hectares (at most four decimals), as mu: × 15, exact."""
    hectares = parse_mu(value, field=field, label=label or gettext("面积（公顷）"))
    return (hectares * MU_PER_HA).quantize(MU_QUANTUM)


def mu_to_ha(mu: Decimal) -> Decimal:
    """Hectares shown beside mu, four decimals, half up (1 mu = 1/15 ha)."""
    return (Decimal(mu) / MU_PER_HA).quantize(MU_QUANTUM, rounding=ROUND_HALF_UP)


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
