"""What a search query may be (issue 15 §3): one substring, trimmed, 1 to MAX_LENGTH characters.

One place for the rule, so the page and the API refuse the same input with the same words:
the page shows the message, the API answers ``{"error": {"code", "message"}}`` (400).
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext

from core.errors import ApplicationError

#: Longer than any name or number the apps keep that one would type (a decision number is at most
#: 64 characters, a town's name 64); a pasted paragraph is refused rather than searched.
MAX_LENGTH = 100
#: From three characters pg_trgm's GIN indexes find the rows; one or two characters (a surname,
#: 临溪) are still searched, by the same ILIKE, without that help (bench/search.py measures both).
TRIGRAM_LENGTH = 3


class QueryError(ApplicationError):
    """The query cannot be searched: empty, too long, or with characters no field holds."""


def clean_query(raw: str | None) -> str:
    """The query to search for: whitespace at both ends removed, runs of inner whitespace (a
    full-width space typed in a Chinese input method included) made one space. Raises
    QueryError with the user's words otherwise."""
    text = " ".join((raw or "").split())
    if not text:
        raise QueryError(gettext("请输入要搜索的内容。"), code="query_required")
    if len(text) > MAX_LENGTH:
        raise QueryError(
            gettext("搜索内容过长（%(length)d 个字），最多 %(limit)d 个字。") % {"length": len(text), "limit": MAX_LENGTH},
            code="query_too_long",
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        # A NUL cannot even be sent to PostgreSQL; control and unassigned characters match nothing.
        raise QueryError(gettext("搜索内容含有无法识别的字符。"), code="query_invalid")
    return text


def like_pattern(text: str) -> str:
    """``%text%`` for ILIKE, with LIKE's own wildcards in ``text`` matched literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
