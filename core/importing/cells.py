"""Cells of an imported spreadsheet: reading dates, numbers, yes/no and choices, formula escaping,
and the django-import-export widgets built on them.

Exports escape cells that a spreadsheet would run as a formula (OWASP "CSV injection"): a text
cell starting with = + - @ (also full-width), a tab or a carriage return gets a leading
apostrophe. django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a
leading "=" (data loss, and no + - @), so it stays off. Imports remove that apostrophe again,
so an export re-imports unchanged.

A cell that cannot be read raises ``CellError`` (a ValueError) with a gettext template and its
params, so the job can show the message in the reader's language.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext_lazy as _
from import_export import widgets

from .errors import CellError, shorten

FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")


def escape_formula(value: str) -> str:
    """Make a text cell inert in Excel/WPS: prefix an apostrophe (reversible, see unescape_formula)."""
    if value and (value[0] in FORMULA_TRIGGERS or value[0] == "'"):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and (value[1] in FORMULA_TRIGGERS or value[1] == "'"):
        return value[1:]
    return value


def cell_text(value) -> str:
    """A cell as text: strip blanks, undo the export's formula escape, read Excel numbers as digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_formula(value.strip())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATETIME_MIDNIGHT_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?")
_INT_RE = re.compile(r"[+-]?\d+(\.0*)?")


def parse_date(value) -> datetime.date | None:
    """2026-01-31, 2026/1/31, 2026.1.31, 2026年1月31日, or an Excel date cell."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = value.strip() if isinstance(value, str) else str(value)
    if not text:
        return None
    if len(text) == 10:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    match = _DATE_RE.fullmatch(text) or None
    if match is None and _DATETIME_MIDNIGHT_RE.fullmatch(text):
        match = _DATE_RE.fullmatch(text[:10])
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(_("“%(value)s”不是存在的日期。"), "date_impossible", value=shorten(text)) from None
    raise CellError(_("“%(value)s”不是有效的日期，请按 2026-01-31 的格式填写。"), "date_invalid", value=shorten(text))


def parse_int(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是有效的整数。"), "int_invalid", value=cell_text(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    if _INT_RE.fullmatch(text):
        return int(text.split(".")[0])
    raise CellError(_("“%(value)s”不是有效的整数，请只填写数字。"), "int_invalid", value=shorten(str(value).strip()))


TRUE_TEXTS = {"是", "1", "true", "yes", "y", "√"}
FALSE_TEXTS = {"否", "0", "false", "no", "n", "×", ""}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise CellError(_("“%(value)s”应填写“是”或“否”。"), "bool_invalid", value=shorten(cell_text(value)))


def choice_parser(choices) -> dict[str, str]:
    """Label → value and value → value, for reading a choice cell (Chinese labels)."""
    from .errors import msgid

    table = {}
    for value, label in choices:
        table[msgid(label)] = value
        table[str(label)] = value
        table[value] = value
    return table


def parse_choice(value, table: dict[str, str], labels: list) -> str | None:
    """``labels``: the (lazy) labels to name in the message when the cell is none of them."""
    text = cell_text(value)
    if not text:
        return None
    if text in table:
        return table[text]
    raise CellError(_("“%(value)s”不是可选的值，请填写：%(choices)s。"), "invalid_choice", value=shorten(text),
                    choices=list(labels))


# --- widgets (django-import-export) ----------------------------------------------------------
class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class DateCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class IntCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_int(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class BoolCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_bool(value)

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class ChoiceCellWidget(widgets.Widget):
    """A choice written as its Chinese label (the stored value is accepted too)."""

    def __init__(self, choices, default=None):
        super().__init__()
        self.table = choice_parser(choices)
        self.labels = [label for _value, label in choices]
        self.display = {value: label for value, label in choices}
        self.default = default

    def clean(self, value, row=None, **kwargs):
        parsed = parse_choice(value, self.table, self.labels)
        return self.default if parsed is None else parsed

    def render(self, value, obj=None, **kwargs):
        from .errors import msgid

        label = self.display.get(value)
        return msgid(label) if label is not None else (value or "")  # files are Chinese in every language


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related row named by a natural key. ``preload`` reads every key of a file in one query.

    ``not_found`` is a gettext template with ``%(key)s``; ``queryset()`` may narrow the rows to
    what ``self.actor`` (the importing user) may name.
    """

    not_found = _("未找到“%(key)s”。")

    def __init__(self, model, field):
        super().__init__(model, field)
        self.actor = None
        self._cache: dict[str, object] = {}

    def queryset(self):
        return self.model.objects.all()

    def refusal(self, template, **params) -> CellError:
        return CellError(template, "not_found", **params)

    def preload(self, keys) -> None:
        keys = {k for k in keys if k} - set(self._cache)
        if keys:
            found = {getattr(o, self.field): o for o in self.queryset().filter(**{f"{self.field}__in": keys})}
            for key in keys:
                self._cache[key] = found.get(key) or self.refusal(self.not_found, key=shorten(key))

    def resolve(self, key: str):
        if key not in self._cache:
            self.preload({key})
        return self._cache[key]

    def clean(self, value, row=None, **kwargs):
        key = cell_text(value)
        if not key:
            return None
        found = self.resolve(key)
        if isinstance(found, CellError):
            raise found
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)
