"""Spreadsheet columns of the town's revenue records (财政收入), on core.importing.

Columns are the model's Chinese verbose names: 镇 (division code, or the name of a town in the
importer's jurisdiction), 所属月份 (2010-03, 2010/3, 2010年3月 or an Excel date), 收入科目 (code
or name), 征收机关, 金额（元） (yuan to the fen). Each row is written through
``services.revenue_record_create``; the file is all or nothing (core.importing). A row's
refusals — a town the importer may not write (a clerk: her own town only), an amount that is
no number, has three decimals or is not positive, a month to come or closed, a town without an
arrangement in force, a category its arrangement does not know — are the service's own checks
(``services.revenue_problems``), kept as message templates, so the job page shows them in its
reader's language. A correction is a reversal on the page or the API, never an import.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from core.importing.cells import CellError, NaturalKeyWidget, TextWidget, cell_text
from core.importing.errors import shorten
from core.importing.resources import ServiceResource, column
from regions import scoping
from regions.choices import Level
from regions.models import Division

from . import rules, services
from .models import RevenueCategory, RevenueRecord

_MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*0?1\s*日?)?")


class TownWidget(NaturalKeyWidget):
    """A town by its division code, or by its name among the towns the importer sees."""

    not_found = _("未找到镇“%(key)s”（可填写区划代码或本辖区内的镇名）。")

    def __init__(self):
        super().__init__(Division, "code")

    def preload(self, keys) -> None:
        keys = {k for k in keys if k} - set(self._cache)
        if not keys:
            return
        towns = Division.objects.filter(level=Level.TOWN)
        by_code = {d.code: d for d in towns.filter(code__in=keys)}
        visible = scoping.towns_visible(self.actor) if self.actor is not None else towns
        by_name: dict[str, list] = {}
        for d in visible.filter(name__in=keys):
            by_name.setdefault(d.name, []).append(d)
        for key in keys:
            if key in by_code:
                self._cache[key] = by_code[key]
            elif len(by_name.get(key, ())) == 1:
                self._cache[key] = by_name[key][0]
            elif by_name.get(key):
                self._cache[key] = self.refusal(_("镇名“%(key)s”对应多个镇，请改填区划代码（%(codes)s）。"),
                                                key=shorten(key), codes="、".join(d.code for d in by_name[key]))
            else:
                self._cache[key] = self.refusal(self.not_found, key=shorten(key))


class CategoryWidget(NaturalKeyWidget):
    """A revenue category by its code or its name (增值税 or vat)."""

    not_found = _("未找到收入科目“%(key)s”（可填写科目代码或科目名称）。")

    def __init__(self):
        super().__init__(RevenueCategory, "code")

    def preload(self, keys) -> None:
        keys = {k for k in keys if k} - set(self._cache)
        if not keys:
            return
        found = list(RevenueCategory.objects.filter(Q(code__in=keys) | Q(name__in=keys)))
        by_code = {c.code: c for c in found}
        by_name = {c.name: c for c in found}
        for key in keys:
            self._cache[key] = by_code.get(key) or by_name.get(key) or self.refusal(self.not_found, key=shorten(key))


class MonthWidget(widgets.Widget):
    """A month: 2010-03, 2010/3, 2010年3月, 2010-03-01, or an Excel date cell (its month)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date().replace(day=1)
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = cell_text(value)
        if not text:
            return None
        match = _MONTH_RE.fullmatch(text)
        if match and 1 <= int(match[2]) <= 12:
            return datetime.date(int(match[1]), int(match[2]), 1)
        raise CellError(_("“%(value)s”不是有效的月份，请按 2010-03 的格式填写。"), "month_invalid", value=shorten(text))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:%Y-%m}"


class MoneyWidget(widgets.Widget):
    """Yuan to the fen: 1291666.66, 1,291,666.66 or an Excel number; never three decimals."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        text = (repr(value) if isinstance(value, float) else cell_text(value)).replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CellError(_("金额“%(value)s”不是数字，请填写如 12500.00 的金额。"), "not_a_number",
                            value=shorten(cell_text(value))) from None
        if not amount.is_finite():
            raise CellError(_("金额“%(value)s”不是数字，请填写如 12500.00 的金额。"), "not_a_number", value=shorten(text))
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise CellError(_("金额 %(value)s 最多两位小数（元到分）。"), "too_many_decimals", value=shorten(text))
        if abs(amount) > rules.MAX_MONEY:
            raise CellError(_("金额 %(value)s 超出可记录的范围。"), "too_large", value=shorten(text))
        return amount.quantize(rules.FEN)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return float(value) if kwargs.get("force_native_type") else f"{value:.2f}"


REVENUE_COLUMNS = ("town", "month", "category", "collecting_body", "amount")


class RevenueRecordResource(ServiceResource):
    """Revenue records (财政收入), one row a record; every row is new (an import never corrects)."""

    town = column(RevenueRecord, "town", TownWidget())
    month = column(RevenueRecord, "month", MonthWidget())
    category = column(RevenueRecord, "category", CategoryWidget())
    collecting_body = column(RevenueRecord, "collecting_body", TextWidget())
    amount = column(RevenueRecord, "amount", MoneyWidget())

    required_columns = REVENUE_COLUMNS

    class Meta(ServiceResource.Meta):
        model = RevenueRecord
        fields = REVENUE_COLUMNS
        import_order = REVENUE_COLUMNS
        export_order = REVENUE_COLUMNS
        force_init_instance = True  # no row names a stored record: each is recorded anew
        skip_unchanged = False

    def row_errors(self, instance) -> dict[str, list]:
        town, month, amount = instance.town if instance.town_id else None, instance.month, instance.amount
        if town is None or month is None or amount is None:
            return {}  # a missing or unreadable cell is already said
        if self.actor is not None and not scoping.can(self.actor, scoping.CHANGE, instance):
            return {"town": [ValidationError(_("无权登记%(town)s的财政收入。"), code="out_of_scope",
                                             params={"town": town.name})]}
        category = instance.category if instance.category_id else None
        return {field: [ValidationError(template, code=code, params=params or None)]
                for field, template, params, code in services.revenue_problems(
                    town=town, month=month, category=category, amount=amount)[:1]}

    def save_through_service(self, instance, is_create):
        return services.revenue_record_create(
            town=instance.town, month=instance.month, category=instance.category,
            collecting_body=instance.collecting_body, amount=instance.amount, actor=self.actor)
