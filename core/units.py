"""Land areas as clerks type them, and the unit arithmetic of land (DOMAIN.md §5: 1 ha = 15 mu).

One reader for every app that takes an area (landuse's quota and projects, finance's new
farmland): "-3", "1.23456", "abc", "1e3" or a float get the same refusal, in Chinese words, on
the field they came from (``ApplicationError`` with ``extra={field: [message]}``). Mu are kept with
four decimals (the models' ``max_digits=14, decimal_places=4``); hectares are shown beside them,
rounded half up to four decimals (a mu is 1/15 ha, not a finite decimal); a hectare figure with
four decimals converts to mu exactly (× 15).

    parse_decimal_area("120.5", field="area_mu", label="申报面积")     # Decimal("120.5000")
    parse_decimal_area("-3", field="area_mu")                          # refused: negative_area
    fmt_mu(Decimal("3454.5000"))  # "3,454.50" (shown with two decimals)
    mu_to_ha(Decimal("15"))  # Decimal("1.0000");  ha_to_mu(Decimal("1.2345"))  # Decimal("18.5175")
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

from core.errors import ApplicationError

MU_PLACES = 4
MU_QUANTUM = Decimal("0.0001")
MU_PER_HA = Decimal(15)
MAX_MU = Decimal("9999999999.9999")  # 14 digits, 4 places
MU_SHOWN = Decimal("0.01")  # mu are shown with two decimals; hectares keep four


def _refuse(field: str, message: str, code: str):
    raise ApplicationError(message, code=code, extra={field: [message]})


def parse_decimal_area(value, *, field: str = "area_mu", label: str | None = None, unit: str | None = None,
                       allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """``value`` (text, int or Decimal; thousands separators allowed) as an exact Decimal with at
    most four decimals, quantized to four. Refused, naming ``label`` on ``field``: a float, nothing,
    not a number, more than four decimals, a negative area (unless ``allow_negative``), zero (unless
    ``allow_zero`` or ``allow_negative``), more than the models can hold. ``unit`` names the unit
    in the messages (default 亩; "公顷" for :func:`parse_ha`)."""
    label = label or gettext("面积")
    unit = unit or gettext("亩")
    if isinstance(value, (bool, float)):
        _refuse(field, gettext("%(label)s须以精确的十进制数填写，不能是浮点数。") % {"label": label}, "float_amount")
    text = value.strip().replace(",", "").replace("，", "") if isinstance(value, str) else value
    if text is None or text == "":
        _refuse(field, gettext("请填写%(label)s。") % {"label": label}, "required")
    try:
        amount = text if isinstance(text, Decimal) else Decimal(text if isinstance(text, str) else int(text))
    except (InvalidOperation, TypeError, ValueError):
        _refuse(field, gettext("%(label)s“%(value)s”不是数字，请填写如 120.5 的%(unit)s数。") % {
            "label": label, "value": value, "unit": unit}, "not_a_number")
    if not amount.is_finite():
        _refuse(field, gettext("%(label)s“%(value)s”不是数字。") % {"label": label, "value": value}, "not_a_number")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MU_PLACES:
        _refuse(field, gettext("%(label)s %(value)s 最多四位小数（%(unit)s）。") % {
            "label": label, "value": value, "unit": unit}, "too_many_decimals")
    if amount < 0 and not allow_negative:
        _refuse(field, gettext("%(label)s不能为负数（填写的是 %(value)s %(unit)s）。") % {
            "label": label, "value": value, "unit": unit}, "negative_area")
    if amount == 0 and not (allow_zero or allow_negative):
        _refuse(field, gettext("%(label)s须大于零。") % {"label": label}, "zero_area")
    if abs(amount) > MAX_MU:
        _refuse(field, gettext("%(label)s %(value)s 超出可记录的范围。") % {"label": label, "value": value}, "too_large")
    return amount.quantize(MU_QUANTUM)


def fmt_mu(mu) -> str:
    """Mu as every page, PDF and notice shows them: thousands separators, two decimals, half up
    ("3,454.50"); storage keeps four. ``None`` or "" is "—"."""
    if mu is None or mu == "":
        return "—"
    return f"{Decimal(mu).quantize(MU_SHOWN, rounding=ROUND_HALF_UP):,}"


def ha_to_mu(hectares: Decimal) -> Decimal:
    """Mu of a hectare figure (× 15): exact for a figure with at most four decimals."""
    return (Decimal(hectares) * MU_PER_HA).quantize(MU_QUANTUM)


def mu_to_ha(mu: Decimal) -> Decimal:
    """Hectares shown beside mu: four decimals, half up (1 mu = 1/15 ha)."""
    return (Decimal(mu) / MU_PER_HA).quantize(MU_QUANTUM, rounding=ROUND_HALF_UP)


def parse_ha(value, *, field: str = "area_mu", label: str | None = None) -> Decimal:
    """An area typed in hectares (at most four decimals, greater than zero), as mu: × 15, exact."""
    label = label or gettext("面积（公顷）")
    mu = ha_to_mu(parse_decimal_area(value, field=field, label=label, unit=gettext("公顷")))
    if mu > MAX_MU:
        _refuse(field, gettext("%(label)s %(value)s 超出可记录的范围。") % {"label": label, "value": value}, "too_large")
    return mu
