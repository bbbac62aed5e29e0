"""Request parsers (settings: DEFAULT_PARSER_CLASSES): JSON that cannot take the process down.

Python's JSON decoder recurses once per nesting level, so a body of 100,000 ``[`` raised
RecursionError and answered 500. That is a parse error (400) here, and so is any body nested
deeper than ``MAX_DEPTH``: no input of this API nests more than a few levels, and a value
hundreds of levels deep would only find the next recursion limit further on (validation,
the error's rendering).
"""

from __future__ import annotations

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def _too_deep(data, limit: int) -> bool:
    """Does ``data`` (parsed JSON) nest lists and dicts more than ``limit`` levels? Iterative."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
        else:
            if not isinstance(data, (dict, list)) or not _too_deep(data, MAX_DEPTH):
                return data
        raise ParseError(gettext("JSON 嵌套过深（最多 %(limit)s 层）。") % {"limit": MAX_DEPTH})
