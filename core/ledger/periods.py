"""Reading the period arguments of the statement page and endpoint (``start``, ``end``, ``month``)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.errors import ApplicationError


def _date(value: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(
            f"日期“{value}”无效，应为 YYYY-MM-DD。", code="invalid", extra={name: ["应为 YYYY-MM-DD 格式的日期。"]}
        ) from None


def statement_period(params) -> tuple[datetime.date, datetime.date]:
    """``?month=2026-11`` or ``?start=…&end=…``; by default the current month up to today."""
    today = timezone.localdate()
    month = params.get("month")
    if month:
        first = _date(f"{month}-01", "month")
        following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return first, following - datetime.timedelta(days=1)
    start = _date(params["start"], "start") if params.get("start") else today.replace(day=1)
    end = _date(params["end"], "end") if params.get("end") else today
    if end < start:
        raise ApplicationError("结束日期不能早于开始日期。", code="invalid", extra={"end": ["不能早于开始日期。"]})
    return start, end
