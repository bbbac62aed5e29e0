"""Reading the figures a clerk types (amounts, areas, months) and the arithmetic of the rules.

Every way in (service call, form, API, import) goes through these, so "12.345", "abc", a float
or a negative revenue gets the same clear refusal, in words, on the field it came from, and the
money arithmetic is done once: Decimal, rounded to the fen half up, never binary floating point.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

from core.errors import ApplicationError
from core.units import parse_decimal_area

FEN = Decimal("0.01")
MU_PLACES = Decimal("0.0001")
MAX_MONEY = Decimal("99999999999999.99")  # 16 digits, 2 places (models.MONEY)


def _refuse(field: str, message: str, code: str):
    raise ApplicationError(message, code=code, extra={field: [message]})


def parse_decimal(value, *, field: str, label: str, places: int, unit: str) -> Decimal:
    """``value`` as an exact Decimal with at most ``places`` decimals; refused otherwise."""
    if isinstance(value, bool) or isinstance(value, float):
        _refuse(field, gettext("%(label)s须以精确的十进制数填写，不能是浮点数。") % {"label": label}, "float_amount")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
    else:
        text = value
    if text in (None, ""):
        _refuse(field, gettext("请填写%(label)s。") % {"label": label}, "required")
    try:
        amount = text if isinstance(text, Decimal) else Decimal(text if isinstance(text, str) else int(text))
    except (InvalidOperation, TypeError, ValueError):
        _refuse(field, gettext("%(label)s“%(value)s”不是数字，请填写如 12500.00 的金额。") % {"label": label, "value": value},
                "not_a_number")
    if not amount.is_finite():
        _refuse(field, gettext("%(label)s“%(value)s”不是数字。") % {"label": label, "value": value}, "not_a_number")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        _refuse(field, gettext("%(label)s %(value)s 最多%(places)s位小数（%(unit)s）。")
                % {"label": label, "value": value, "places": places, "unit": unit}, "too_many_decimals")
    if abs(amount) > MAX_MONEY:
        _refuse(field, gettext("%(label)s %(value)s 超出可记录的范围。") % {"label": label, "value": value}, "too_large")
    return amount.quantize(Decimal(1).scaleb(-places))


def parse_money(value, *, field: str = "amount", label: str | None = None) -> Decimal:
    """Yuan with at most two decimals (元, 分)."""
    return parse_decimal(value, field=field, label=label or gettext("金额"), places=2, unit=gettext("元到分"))


def parse_area(value, *, field: str = "area_mu", label: str | None = None) -> Decimal:
    """Mu with at most four decimals (core.units, the same reader as landuse's). The sign is the
    caller's to judge (a correction is a reversal, refused in its own words)."""
    return parse_decimal_area(value, field=field, label=label or gettext("面积"), allow_negative=True)


def parse_month(value, *, field: str = "month") -> datetime.date:
    """A month as the first day of it, from a date or "YYYY-MM" / "YYYY-MM-DD"."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return datetime.date.fromisoformat(f"{text}-01")
        return datetime.date.fromisoformat(text).replace(day=1)
    except ValueError:
        _refuse(field, gettext("月份“%(value)s”无效，应为 YYYY-MM。") % {"value": value}, "invalid_month")


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def money(value: Decimal) -> Decimal:
    """Rounded to the fen, half up (四舍五入到分)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def share_of(amount: Decimal, percent: Decimal) -> Decimal:
    return money(amount * percent / Decimal(100))


def prorated_base(base: Decimal, months: int) -> Decimal:
    """The part of a yearly base that ``months`` months consume (按月均摊)."""
    return money(base * months / Decimal(12))


def fmt(amount: Decimal) -> str:
    """As the trace and the pages show money: 3,500,000.00."""
    return f"{money(amount):,}"


def tiered_share(excess: Decimal, tiers: list[dict]) -> tuple[Decimal, list[dict]]:
    """The rebate of ``excess`` under ``tiers`` (分档返还, checked by ``models.tiers_problem``),
    band by band from the lowest, each band's part rounded to the fen: (total, one trace step
    per band the excess reaches, its range, the part of the excess in it, the share, the amount)."""
    total, lower, steps = Decimal("0.00"), Decimal("0.00"), []
    for band in tiers:
        upper = Decimal(str(band["up_to"])) if band.get("up_to") not in (None, "") else None
        if excess <= lower:
            break
        part = (min(excess, upper) if upper is not None else excess) - lower
        percent = Decimal(str(band["share_percent"]))
        amount = share_of(part, percent)
        steps.append({"from": str(money(lower)), "up_to": str(money(upper)) if upper is not None else None,
                      "part": str(money(part)), "share_percent": str(percent), "amount": str(amount)})
        total += amount
        if upper is None:
            break
        lower = upper
    return money(total), steps


def parse_tiers(value) -> list[dict]:
    """Tiers as typed on a page (one band a line: "3000000 100" = up to 3,000,000.00 at 100 %,
    the last line only the share: "50") or as the API sends them (a list of {up_to, share_percent});
    returned as stored, amounts as text to the fen. Refused with the line that is wrong."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        bands = []
        lines = [line.strip() for line in value.replace("；", "\n").replace(";", "\n").splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            parts = line.replace("%", " ").replace("，", " ").replace(",", "").replace("：", " ").replace(":", " ").split()
            if len(parts) == 1:
                bands.append({"up_to": None, "share_percent": parts[0]})
            elif len(parts) == 2:
                bands.append({"up_to": parts[0], "share_percent": parts[1]})
            else:
                _refuse("tiers", gettext("分档第 %(n)s 行“%(line)s”应为“上限金额 返还比例”，末行只填比例。")
                        % {"n": number, "line": line}, "invalid_tiers")
        value = bands
    if not isinstance(value, list):
        _refuse("tiers", gettext("分档应为列表。"), "invalid_tiers")
    out = []
    for band in value:
        if not isinstance(band, dict):
            _refuse("tiers", gettext("分档的每一档应有上限和返还比例。"), "invalid_tiers")
        up_to = band.get("up_to")
        out.append({
            "up_to": None if up_to in (None, "") else str(parse_money(up_to, field="tiers", label=gettext("分档上限"))),
            "share_percent": str(parse_decimal(band.get("share_percent"), field="tiers", label=gettext("分档返还比例"),
                                               places=2, unit="%")),
        })
    return out


def tiers_text(tiers: list[dict]) -> str:
    """Tiers as the page's text field shows them (the inverse of ``parse_tiers``)."""
    return "\n".join(f"{band['up_to']} {band['share_percent']}" if band.get("up_to") else str(band["share_percent"])
                     for band in tiers or [])
