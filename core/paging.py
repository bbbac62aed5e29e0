"""Keyset pagination for HTML lists: no COUNT(*), the same cost on page 1 and deep pages.

Rows are ordered by id (newest first by default); the links carry the last (or first) id seen.
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


def keyset_page(queryset, params, *, size: int = 50, descending: bool = True) -> KeysetPage:
    """One page of ``queryset`` ordered by id (``-id`` when ``descending``), from the
    ``after``/``before`` request params: ``after`` goes on in the list's order, ``before`` back."""
    after, before = _int(params.get("after")), _int(params.get("before"))
    forward, backward = ("-id", "id") if descending else ("id", "-id")
    past = "id__lt" if descending else "id__gt"  # rows after a given one in the list's order
    ahead = "id__gt" if descending else "id__lt"
    if before is not None:
        rows = list(queryset.filter(**{ahead: before}).order_by(backward)[: size + 1])
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(rows, rows[-1].id if rows else None, rows[0].id if rows and has_more else None)
    qs = queryset.order_by(forward)
    if after is not None:
        qs = qs.filter(**{past: after})
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, rows[-1].id if rows and has_more else None, rows[0].id if rows and after else None)
