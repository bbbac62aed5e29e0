"""Problems found in an imported file, kept as a message id and its params (issue 9, part 3).

A problem is a ``RowError``: spreadsheet row (1 = the header row, 0 = the whole file), column
header, message. It compares equal to the plain ``(row, column, message)`` tuple, so callers
read it as one; it also carries the untranslated message (its gettext msgid) and the params
it was filled with, which is what a job stores (``encode``). The page renders each stored
problem in the reader's language (``render``): an English reader of a file checked by a
Chinese worker sees English.

A message without a msgid (text built before it got here, e.g. an ``ApplicationError`` whose
message is already filled in) is stored as its text and shown as it is: the plain-text fallback.

Params are data (a cell's text, shortened to ``PARAM_CHARS``) or labels: a lazy translation
(a choice label, a column header) is stored by its msgid and translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

PARAM_CHARS = 100  # a 200 KB cell must not become a 200 KB message, a thousand times


def msgid(text) -> str:
    """The untranslated text of a lazy translation (the text itself for a plain string)."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return "" if text is None else str(text)


def shorten(value, limit: int = PARAM_CHARS) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _encode_param(value):
    if isinstance(value, Promise):
        return {"t": msgid(value)}
    if isinstance(value, (list, tuple)):
        return [_encode_param(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    return shorten(value)


def _render_param(value):
    if isinstance(value, dict) and "t" in value:
        return gettext(value["t"]) if value["t"] else ""
    if isinstance(value, list):
        return gettext("、").join(str(_render_param(v)) for v in value)
    return value


def fill(template: str, params: Mapping | None) -> str:
    """``template % params`` (rendered params), or the template alone when it takes none."""
    if not params:
        return template
    try:
        return template % {k: _render_param(v) for k, v in params.items()}
    except (KeyError, ValueError, TypeError):
        return template


class RowError(tuple):
    """(row, column, message), plus ``msgid`` (None: the message is plain text) and ``params``."""

    def __new__(cls, row: int, column, message, *, code: str = "", msgid_: str | None = None, params=None):
        self = super().__new__(cls, (row, "" if column is None else str(column), str(message)))
        self.code = code
        self.column_msgid = msgid(column)
        self.msgid = msgid_
        self.params = params or {}
        return self

    row = property(lambda self: self[0])
    column = property(lambda self: self[1])
    message = property(lambda self: self[2])

    def __getnewargs_ex__(self):  # copy/pickle keep the extras
        return (self[0], self.column_msgid, self[2]), {"code": self.code, "msgid_": self.msgid, "params": self.params}

    @classmethod
    def of(cls, row: int, column, template, /, *, code: str = "", **params) -> RowError:
        """A problem from a (lazy) gettext template with ``%(name)s`` params, filled now."""
        stored = {k: _encode_param(v) for k, v in params.items()}
        return cls(row, column, fill(str(template), stored), code=code, msgid_=msgid(template), params=stored)

    @classmethod
    def text(cls, row: int, column, message, *, code: str = "") -> RowError:
        """A problem whose message is already written out (shown as it is in every language)."""
        return cls(row, column, message, code=code)


def from_validation_error(row: int, error: ValidationError, column_of) -> list[RowError]:
    """One RowError per message of a ``full_clean`` error, keeping Django's code and params.

    ``column_of(field_name)`` gives the column header ("" for the whole row).
    """
    found: list[RowError] = []
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(NON_FIELD_ERRORS, error.error_list)]
    for name, errors in items:
        column = "" if name == NON_FIELD_ERRORS else column_of(name)
        for e in errors:
            for single in getattr(e, "error_list", [e]):
                found.append(_from_single(row, column, single))
    return found


def _from_single(row: int, column, e: ValidationError) -> RowError:
    message = getattr(e, "message", None)
    if message is None:
        return RowError.text(row, column, next(iter(e)))
    params = e.params if isinstance(e.params, Mapping) else None
    stored = {k: _encode_param(v) for k, v in (params or {}).items()}
    text = fill(str(message), stored) if params else str(message)
    return RowError(row, column, text, code=e.code or "", msgid_=msgid(message), params=stored)


class ImportFileError(Exception):
    """The file cannot be imported at all (wrong format, missing columns, repeated keys)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("；".join(e.message for e in errors))
        self.errors = errors

    @classmethod
    def of(cls, template, *, row: int = 0, column="", code: str = "", **params) -> ImportFileError:
        return cls([RowError.of(row, column, template, code=code, **params)])


class Labels(list):
    """Labels named in a message ("请填写：准予、不予"): joined in the active language by ``str()``."""

    def __str__(self):
        return gettext("、").join(str(label) for label in self)


class CellError(ValueError):
    """A cell that cannot be read: a gettext template and its params (``str()`` fills them)."""

    def __init__(self, template, code: str = "invalid", **params):
        params = {k: Labels(v) if isinstance(v, (list, tuple)) else v for k, v in params.items()}
        self.template, self.code, self.params = template, code, params
        super().__init__(fill(str(template), {k: _encode_param(v) for k, v in params.items()}))

    def row_error(self, row: int, column) -> RowError:
        return RowError.of(row, column, self.template, code=self.code, **self.params)

    def validation_error(self) -> ValidationError:
        return ValidationError(self.template, code=self.code, params=self.params or None)


class ErrorList(list):
    """The problems of one file, keeping at most ``limit`` of them and counting the rest.

    A file of 200,000 bad rows must not hold a million messages in the worker, nor store
    them: the job keeps the first ``limit`` and the count (``total``).
    """

    def __init__(self, items: Iterable = (), *, limit: int = 10_000):
        super().__init__()
        self.limit, self.dropped = limit, 0
        self.extend(items)

    def append(self, item) -> None:
        if len(self) < self.limit:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    @property
    def total(self) -> int:
        return len(self) + self.dropped


# --- storing and showing ------------------------------------------------------------------
def encode(error: RowError) -> dict:
    """What a job stores of one problem (JSON)."""
    stored = {"row": error.row, "column": error.column_msgid or error.column, "text": error.message}
    if error.code:
        stored["code"] = error.code
    if error.msgid is not None:
        stored["msgid"] = error.msgid
        if error.params:
            stored["params"] = error.params
    return stored


def render(stored) -> tuple[int, str, str]:
    """(row, column, message) of a stored problem in the active language.

    Jobs stored before codes (``[row, column, text]``) show their text; their column header is
    still translated when it is a known label.
    """
    if isinstance(stored, (list, tuple)):
        row, column, text = (list(stored) + [0, "", ""])[:3]
        return row, gettext(column) if column else "", text
    column = stored.get("column") or ""
    column = gettext(column) if column else ""
    if stored.get("msgid"):
        text = fill(gettext(stored["msgid"]), stored.get("params"))
    else:
        text = stored.get("text", "")
    return stored.get("row", 0), column, text
