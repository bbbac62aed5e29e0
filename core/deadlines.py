"""Counting time limits the way Chinese law does (DOMAIN.md §0; 民法典 第二百零一至二百零三条).

Every deadline in every app goes through this module; nobody writes ``timedelta(days=30)``.

- The trigger day is not counted: counting starts the next day.
- N months end on the corresponding day of the last month, or on its last day when it has
  no such day (31 January + 1 month → 28/29 February).
- When the last day of a months or days period is a rest day or a statutory holiday, the
  period ends on the first working day after it.
- N working days (工作日) count only working days: weekends and statutory holidays are
  skipped, make-up working days (调休上班) count.

The holidays come from CalendarYear/CalendarDay (entered per year, see core.services). A
year without a CalendarYear row is unknown. The strict functions (``add_months`` …,
``DeadlineRule.due``) raise CalendarUnknownYear when they need one: a silently guessed
deadline is worse than none. A decision that really happened must still be recorded, so
``DeadlineRule.due_provisional`` (and ``provisional=True`` on the functions) counts an unknown
year as weekends only (no holidays, no make-up days) and says so: the ``Due`` it returns
names the unknown years, the caller stores the date as 暂定, and ``core.provisional``
recomputes it when the year is entered.

Each year's holiday and workday sets are cached in the process (bulk imports compute tens of
thousands of due dates a second) and re-read after CACHE_SECONDS, or at once when a service
in this process changes the year.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

__all__ = [
    "CalendarUnknownYear",
    "DeadlineRule",
    "DeadlineStatus",
    "Due",
    "add_days",
    "add_months",
    "add_working_days",
    "clear_cache",
    "deadline_status",
    "deadline_status_q",
    "due_within_q",
    "invalidate_year",
    "is_working_day",
    "next_working_day",
    "pinned",
    "validate_deadline_rule",
]

CACHE_SECONDS = 60.0
_ONE_DAY = timedelta(days=1)


class CalendarUnknownYear(ApplicationError):
    """A date the computation needs lies in a year whose holidays have not been entered."""

    status_code = 409
    default_code = "calendar_unknown_year"

    def __init__(self, year: int):
        super().__init__(
            gettext("%(year)s年的法定节假日和调休安排尚未录入系统，无法计算期限。"
                    "请领导小组办公室按国务院办公厅%(year)s年部分节假日安排的通知录入该年度日历后再试。") % {"year": year},
            extra={"year": year},
        )
        self.year = year


# --- The per-process calendar cache --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Year:
    holidays: frozenset[date]
    workdays: frozenset[date]


# year → (monotonic time read, calendar or None when the year is unknown)
_cache: dict[int, tuple[float, _Year | None]] = {}
# year → monotonic time of a change made in a transaction that may not have committed yet.
# While a year is here its reads are not cached: a rollback would otherwise leave the cache
# holding days the database never kept.
_uncommitted: dict[int, float] = {}
_lock = threading.Lock()


def _load(year: int, now: float) -> _Year | None:
    from core.models import CalendarDay, CalendarDayKind, CalendarYear

    year_id = CalendarYear.objects.filter(year=year).values_list("pk", flat=True).first()
    if year_id is None:
        result = None
    else:
        holidays, workdays = set(), set()
        for day, kind in CalendarDay.objects.filter(year_id=year_id).values_list("date", "kind"):
            (workdays if kind == CalendarDayKind.WORKDAY else holidays).add(day)
        result = _Year(frozenset(holidays), frozenset(workdays))
    with _lock:
        changed_at = _uncommitted.get(year)
        if changed_at is not None and now - changed_at >= CACHE_SECONDS:
            # Long enough for the change to have committed or rolled back either way.
            _uncommitted.pop(year, None)
            changed_at = None
        if changed_at is None:
            _cache[year] = (now, result)
    return result


def _calendar(year: int) -> _Year:
    pinned = getattr(_pinned, "years", None)
    if pinned is not None:
        if year not in pinned:
            pinned[year] = _calendar_unpinned(year)
        result = pinned[year]
        if result is None:
            raise CalendarUnknownYear(year)
        return result
    result = _calendar_unpinned(year)
    if result is None:
        raise CalendarUnknownYear(year)
    return result


def _calendar_unpinned(year: int) -> _Year | None:
    now = time.monotonic()
    hit = _cache.get(year)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        result = hit[1]
    else:
        result = _load(year, now)
    return result


_pinned = threading.local()


@contextlib.contextmanager
def pinned():
    """Read each year at most once inside the block (this thread), whatever the cache says.

    For a service that computes thousands of due dates inside the transaction that changed a
    year: that year bypasses the process cache until the commit (see ``invalidate_year``), so
    without this every computation would read it again. Nested blocks share the outer one.
    """
    if getattr(_pinned, "years", None) is not None:
        yield
        return
    _pinned.years = {}
    try:
        yield
    finally:
        _pinned.years = None


def invalidate_year(year: int) -> None:
    """Forget ``year`` now and again when the current transaction commits.

    Services that change a year call this; reads of that year inside the changing
    transaction bypass the cache so a rollback cannot leave stale days behind.
    """
    with _lock:
        _cache.pop(year, None)
        _uncommitted[year] = time.monotonic()
    pinned_years = getattr(_pinned, "years", None)
    if pinned_years is not None:
        pinned_years.pop(year, None)

    def committed() -> None:
        with _lock:
            _cache.pop(year, None)
            _uncommitted.pop(year, None)

    transaction.on_commit(committed)


def clear_cache() -> None:
    """Forget every cached year (tests; after loading calendars outside the services)."""
    with _lock:
        _cache.clear()
        _uncommitted.clear()


# --- Provisional counting ------------------------------------------------------------------

_WEEKENDS_ONLY = _Year(frozenset(), frozenset())


@dataclass(frozen=True, slots=True)
class Due:
    """A computed due date and whether it is provisional (暂定).

    ``unknown_years`` are the years the computation needed and the calendar did not know;
    they were counted as weekends only. Empty means the date is final.
    """

    date: date
    unknown_years: frozenset[int] = frozenset()
    # Every year whose calendar the computation consulted (known or not): a recompute after a
    # year is entered concerns exactly the due dates that consulted it.
    years: frozenset[int] = field(default=frozenset(), compare=False)

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)


class _Lookup:
    """The calendar for each year a computation needs: strict, or weekends-only when unknown."""

    __slots__ = ("assume_unknown", "provisional", "unknown", "years")

    def __init__(self, provisional: bool, assume_unknown: frozenset[int] = frozenset()):
        self.provisional = provisional
        self.assume_unknown = assume_unknown
        self.unknown: set[int] = set()
        self.years: set[int] = set()

    def __call__(self, year: int) -> _Year:
        self.years.add(year)
        if year in self.assume_unknown:
            self.unknown.add(year)
            return _WEEKENDS_ONLY
        try:
            return _calendar(year)
        except CalendarUnknownYear:
            if not self.provisional:
                raise
            self.unknown.add(year)
            return _WEEKENDS_ONLY

    def result(self, day: date) -> date | Due:
        return Due(day, frozenset(self.unknown), frozenset(self.years)) if self.provisional else day


# --- Day arithmetic ------------------------------------------------------------------------


def _check_date(d: object) -> None:
    # datetime is a subclass of date but never equal to one: it would miss every holiday.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"期限计算需要 datetime.date，得到的是 {type(d).__name__}。")


def _check_count(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"期间长度应为非负整数，得到的是 {n!r}。")


def _is_working(d: date, cal: _Year) -> bool:
    if d in cal.workdays:
        return True
    return d.weekday() < 5 and d not in cal.holidays


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day: Mon–Fri unless a holiday, Sat/Sun only if 调休上班."""
    _check_date(d)
    return _is_working(d, _calendar(d.year))


def _roll(d: date, lookup: _Lookup) -> date:
    cal = lookup(d.year)
    while not _is_working(d, cal):
        d += _ONE_DAY
        if d.month == 1 and d.day == 1:
            cal = lookup(d.year)
    return d


def next_working_day(d: date, *, provisional: bool = False) -> date | Due:
    """``d`` itself if it is a working day, otherwise the first working day after it.

    With ``provisional=True`` an unknown year counts as weekends only and a ``Due`` is returned.
    """
    _check_date(d)
    lookup = _Lookup(provisional)
    return lookup.result(_roll(d, lookup))


def add_days(start: date, n: int, *, provisional: bool = False) -> date | Due:
    """The end of an ``n``-day period triggered on ``start`` (自然日, rolled to a working day)."""
    return _add_days(start, n, _Lookup(provisional))


def _add_days(start: date, n: int, lookup: _Lookup) -> date | Due:
    _check_date(start)
    _check_count(n)
    return lookup.result(_roll(start + timedelta(days=n), lookup))


def add_months(start: date, n: int, *, provisional: bool = False) -> date | Due:
    """The end of an ``n``-month period triggered on ``start``.

    The corresponding day of the last month, or that month's last day when it has none,
    then rolled forward to a working day. Only the calendar of the end (and of the days it
    rolls over) is needed: the months themselves do not depend on holidays.
    """
    return _add_months(start, n, _Lookup(provisional))


def _add_months(start: date, n: int, lookup: _Lookup) -> date | Due:
    _check_date(start)
    _check_count(n)
    months = start.year * 12 + start.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return lookup.result(_roll(date(year, month, day), lookup))


def add_working_days(start: date, n: int, *, provisional: bool = False) -> date | Due:
    """The ``n``-th working day after ``start`` (the trigger day itself is not counted).

    ``n == 0`` gives ``start`` if it is a working day, else the next working day. Every year
    counted through is needed (a provisional result names each unknown one).
    """
    return _add_working_days(start, n, _Lookup(provisional))


def _add_working_days(start: date, n: int, lookup: _Lookup) -> date | Due:
    _check_date(start)
    _check_count(n)
    if n == 0:
        return lookup.result(_roll(start, lookup))
    d = start
    year, cal = None, None  # the trigger day itself is not counted, nor is its year needed
    while n:
        d += _ONE_DAY
        if d.year != year:
            year = d.year
            cal = lookup(year)
        if _is_working(d, cal):
            n -= 1
    return lookup.result(d)


# --- Deadline rules stored on models -------------------------------------------------------

Unit = Literal["months", "days", "working_days"]

# unit → (code in the stored string, Chinese suffix)
_UNITS: dict[str, tuple[str, str]] = {
    "months": ("M", "个月"),
    "days": ("D", "日"),
    "working_days": ("WD", "个工作日"),
}
_CODE_TO_UNIT = {code: unit for unit, (code, _) in _UNITS.items()}
_CHINESE_TO_UNIT = {"个月": "months", "月": "months", "日": "days", "天": "days",
                    "个工作日": "working_days", "工作日": "working_days"}
_CODE_RE = re.compile(r"^\s*(\d+)\s*(WD|M|D)\s*$", re.IGNORECASE)
_CHINESE_RE = re.compile(r"^\s*(\d+)\s*(个月|月|个工作日|工作日|日|天)\s*$")
MAX_COUNT = 9999


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """A time limit such as 1个月, 20个工作日 or 30日, and the due date it gives.

    Stored as "1M", "20WD", "30D"; ``str()`` is the Chinese form.
    """

    unit: Unit
    count: int

    def __post_init__(self):
        if self.unit not in _UNITS:
            raise ValueError(f"期限单位应为 months、days 或 working_days，得到的是 {self.unit!r}。")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or not 1 <= self.count <= MAX_COUNT:
            raise ValueError(f"期限长度应为 1 至 {MAX_COUNT} 的整数，得到的是 {self.count!r}。")

    def due(self, start: date) -> date:
        """The last day of the period triggered on ``start`` (the trigger day not counted).

        Raises CalendarUnknownYear when it needs a year the calendar does not know.
        """
        return self._compute(start, provisional=False)

    def due_provisional(self, start: date, *, assume_unknown: frozenset[int] = frozenset()) -> Due:
        """Like ``due``, but an unknown year counts as weekends only; the result says which.

        ``assume_unknown``: years to count as unknown although entered, to reproduce a
        provisional date computed before they were (see delegation's recompute).
        """
        return self._compute(start, provisional=True, assume_unknown=frozenset(assume_unknown))

    def _compute(self, start: date, *, provisional: bool, assume_unknown: frozenset[int] = frozenset()):
        lookup = _Lookup(provisional, assume_unknown)
        if self.unit == "months":
            return _add_months(start, self.count, lookup)
        if self.unit == "days":
            return _add_days(start, self.count, lookup)
        return _add_working_days(start, self.count, lookup)

    def __str__(self) -> str:
        """1个月 / 30日 / 20个工作日 (in English: 1 month, 30 days, 20 working days)."""
        if self.unit == "months":
            text = ngettext("%(count)d个月", "%(count)d个月", self.count)
        elif self.unit == "days":
            text = ngettext("%(count)d日", "%(count)d日", self.count)
        else:
            text = ngettext("%(count)d个工作日", "%(count)d个工作日", self.count)
        return text % {"count": self.count}

    def to_string(self) -> str:
        """The stored form: "1M", "30D", "20WD"."""
        return f"{self.count}{_UNITS[self.unit][0]}"

    @classmethod
    def parse(cls, value: str | DeadlineRule) -> DeadlineRule:
        """Read "1M" / "30D" / "20WD" (any case), or the Chinese "1个月" / "30日" / "20个工作日"."""
        if isinstance(value, DeadlineRule):
            return value
        if not isinstance(value, str):
            raise ValueError(f"无法识别的期限：{value!r}。")
        return _parse(value)


@functools.lru_cache(maxsize=256)
def _parse(value: str) -> DeadlineRule:
    match = _CODE_RE.match(value)
    if match:
        count, unit = int(match[1]), _CODE_TO_UNIT[match[2].upper()]
    else:
        match = _CHINESE_RE.match(value)
        if not match:
            raise ValueError(
                gettext("无法识别的期限“%(value)s”：应写作如 1M（1个月）、30D（30日）或 20WD（20个工作日）。")
                % {"value": value}
            )
        count, unit = int(match[1]), _CHINESE_TO_UNIT[match[2]]
    return DeadlineRule(unit, count)


def validate_deadline_rule(value) -> None:
    """Validator for a CharField holding a rule string ("1M", "30D", "20WD")."""
    try:
        DeadlineRule.parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_deadline_rule") from exc



# --- Status of a filing against its due date -----------------------------------------------


class DeadlineStatus(models.TextChoices):
    ON_TIME = "on_time", _("按期")
    LATE = "late", _("逾期办理")
    OVERDUE = "overdue", _("逾期未办")
    PENDING = "pending", _("未到期")


def deadline_status(due: date, filed_on: date | None, today: date) -> DeadlineStatus:
    """on_time / late once filed; pending / overdue while not filed (overdue once today > due).

    ``deadline_status_q`` is the same rule as a query condition: change both together.
    """
    if filed_on is not None:
        return DeadlineStatus.ON_TIME if filed_on <= due else DeadlineStatus.LATE
    return DeadlineStatus.OVERDUE if today > due else DeadlineStatus.PENDING


def deadline_status_q(status: str, today: date, *, due: str, done: str) -> Q:
    """The rows whose ``deadline_status(row.<due>, row.<done>, today)`` is ``status``, as a
    condition for ``filter()`` and ``Count(filter=...)``; ``due`` and ``done`` name the date
    fields (``"filing_due_on"``, ``"filed_on"``). An unknown status is no condition at all.

    Unfiled rows are tested as ``<done> IS NULL`` first, so partial indexes on unfiled rows
    (``WHERE filed_on IS NULL``) serve the pending and overdue conditions.
    """
    if status == DeadlineStatus.PENDING:
        return Q(**{f"{done}__isnull": True, f"{due}__gte": today})
    if status == DeadlineStatus.OVERDUE:
        return Q(**{f"{done}__isnull": True, f"{due}__lt": today})
    if status == DeadlineStatus.ON_TIME:
        return Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})
    if status == DeadlineStatus.LATE:
        return Q(**{f"{done}__isnull": False, f"{done}__gt": F(due)})
    return Q()


DUE_WITHIN_MAX_DAYS = 366


def due_within_q(days: int, today: date, *, due: str, done: str) -> Q:
    """The rows still pending (``deadline_status`` pending: not done, not past due) whose due date
    is at most ``days`` calendar days after ``today`` (0: due today), as a condition: the reminder
    "due within 7 days" of the home page and of the lists' filter, one rule for both.
    """
    if not 0 <= days <= DUE_WITHIN_MAX_DAYS:
        raise ValueError(f"due_within_q: days must be 0 to {DUE_WITHIN_MAX_DAYS}, not {days}")
    return deadline_status_q(DeadlineStatus.PENDING, today, due=due, done=done) & Q(
        **{f"{due}__lte": today + timedelta(days=days)})
