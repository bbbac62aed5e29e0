"""Keyset pagination for HTML lists: no COUNT(*), the same cost on page 1 and deep pages.

Rows are ordered by ``-id``; the links carry the last (or first) id seen.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class KeysetPage:
    rows: list
    next_after: int | None
    prev_before: int | None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def keyset_page(queryset, params, *, size: int = 50) -> KeysetPage:
    """One page of ``queryset`` ordered by -id, from the ``after``/``before`` request params."""
    after, before = _int(params.get("after")), _int(params.get("before"))
    if before is not None:
        rows = list(queryset.filter(id__gt=before).order_by("id")[: size + 1])
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(rows, rows[-1].id if rows else None, rows[0].id if rows and has_more else None)
    qs = queryset.order_by("-id")
    if after is not None:
        qs = qs.filter(id__lt=after)
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, rows[-1].id if rows and has_more else None, rows[0].id if rows and after else None)
