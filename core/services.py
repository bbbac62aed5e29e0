"""The write steps every app's services share, and the writes to the statutory holiday
calendar (DOMAIN.md §0), read by core.deadlines.

Every service of every app ends its write in ``save_validated`` (author columns, full_clean,
save, attributed in the history) and asks for a reason with ``require_reason``: the rules of
a row are the model's, whichever service writes it.

A year comes either from the chinese-calendar package or, when the package does not know
it yet, from the State Council notice entered by the office. Each service is atomic,
validated, attributed to its actor, and tells core.deadlines to forget the year it changed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from core import deadlines, provisional
from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.models import (
    CALENDAR_MAX_YEAR,
    CALENDAR_MIN_YEAR,
    AuditedModel,
    CalendarDay,
    CalendarDayKind,
    CalendarSource,
    CalendarYear,
)

# The package names holidays in English; the office reads Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


# --- steps of every service ------------------------------------------------------------------
M = TypeVar("M", bound=AuditedModel)


def require_reason(reason: str | None) -> str:
    """``reason`` stripped; refused (``reason_required``, on the form's ``reason`` field) when
    empty. Suspensions, revocations, withdrawals … say why: the reason goes into the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(gettext("请填写理由。"), code="reason_required", extra={"reason": [gettext("请填写理由。")]})
    return reason


def save_validated(obj: M, actor, **clean_kwargs) -> M:
    """The last step of a write: set the author columns (``AuditedModel.stamp``), validate
    (``full_clean(**clean_kwargs)``: field rules, ``clean()``, unique and check constraints)
    and save, inside ``actor_context(actor)`` so the history trigger records who did it. Within
    a service's own ``actor_context`` (with a reason) the change is credited to that block."""
    with actor_context(actor):
        obj.stamp(actor)
        obj.full_clean(**clean_kwargs)
        obj.save()
    return obj


NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length

DayInput = tuple[date, str, str]  # (date, "holiday" | "workday", name)


@functools.cache
def package_years() -> tuple[int, ...]:
    """The years the installed chinese-calendar package has holiday data for."""
    import chinese_calendar

    return tuple(sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}))


def package_days(year: int) -> list[DayInput]:
    """``year``'s holidays and make-up working days as the package has them, Chinese names."""
    import chinese_calendar

    days: list[DayInput] = []
    for kind, source, suffix in (
        (CalendarDayKind.HOLIDAY, chinese_calendar.holidays, ""),
        (CalendarDayKind.WORKDAY, chinese_calendar.workdays, "调休上班"),
    ):
        for day, name in source.items():
            if day.year == year:
                name = getattr(name, "value", name)  # an Enum in some package versions
                days.append((day, kind.value, HOLIDAY_NAMES.get(name, name) + suffix))
    days.sort()
    return days


def calendar_days_check(*, year: int, days: Sequence[DayInput]) -> list[tuple[int, str]]:
    """Every problem in ``days`` for ``year``, as (index in ``days``, Chinese message).

    The same rules as CalendarDay.clean() and its constraint, checked up front so a form can
    report all lines at once and nothing is written when any is wrong.
    """
    problems: list[tuple[int, str]] = []
    seen: dict[date, int] = {}
    for index, entry in enumerate(days):
        try:
            day, kind, name = entry
        except (TypeError, ValueError):
            problems.append((index, gettext("每一天应包含日期、类型和名称三项。")))
            continue
        if isinstance(day, datetime) or not isinstance(day, date):
            problems.append((index, gettext("“%(day)s”不是日期。") % {"day": day}))
            continue
        label = f"{day:%Y-%m-%d}"
        if day.year != year:
            problems.append((index, gettext("%(date)s 不在%(year)s年内。") % {"date": label, "year": year}))
        if kind not in CalendarDayKind.values:
            problems.append((index, gettext("%(date)s 的类型“%(kind)s”无效，应为 holiday（放假）或 workday（调休上班）。")
                              % {"date": label, "kind": kind}))
        elif kind == CalendarDayKind.WORKDAY and day.isoweekday() < 6:
            weekday = (gettext("星期一"), gettext("星期二"), gettext("星期三"), gettext("星期四"), gettext("星期五"))[day.weekday()]
            problems.append((index, gettext("%(date)s 是%(weekday)s，调休上班日只能是星期六或星期日。")
                             % {"date": label, "weekday": weekday}))
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name:
            problems.append((index, gettext("%(date)s 缺少名称（如“国庆节”）。") % {"date": label}))
        elif len(name) > NAME_MAX_LENGTH:
            problems.append((index, gettext("%(date)s 的名称超过 %(max)s 个字。") % {"date": label, "max": NAME_MAX_LENGTH}))
        if day in seen:
            problems.append((index, gettext("%(date)s 重复出现（第 %(first)s 项已有该日期）。") % {"date": label, "first": seen[day] + 1}))
        else:
            seen[day] = index
    return problems


def _check_year_number(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not CALENDAR_MIN_YEAR <= year <= CALENDAR_MAX_YEAR:
        raise ApplicationError(
            gettext("年份“%(year)s”无效，应在 %(min)s 至 %(max)s 之间。") % {
                "year": year, "min": CALENDAR_MIN_YEAR, "max": CALENDAR_MAX_YEAR}, code="calendar_year_invalid",
        )


def _year_for_update(year: int, *, source: str, notice: str, actor, join_race: bool = False) -> CalendarYear:
    """The year's row, locked for this transaction, with its source and notice set.

    A year nobody has entered yet has no row to lock, so two people entering it at once both
    insert: the unique key on ``year`` lets one through and the other waits, then fails. The
    loser of that race is refused with a clear message (its days were checked against a year
    it believed empty), or with ``join_race`` (the package import: the same data either way)
    takes the winner's row and goes on, writing nothing that is already there.
    """
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is None:
        calendar_year = CalendarYear(year=year, source=source, notice=notice)
        calendar_year.stamp(actor)
        calendar_year.full_clean(validate_unique=False)  # the unique key decides, under concurrency too
        try:
            with transaction.atomic():  # a savepoint: the outer transaction survives the unique violation
                calendar_year.save(force_insert=True)
            return calendar_year
        except IntegrityError:
            if not join_race:
                raise ConflictError(
                    gettext("%(year)s年的日历刚刚已由他人录入，本次录入未保存。请打开该年份核对，如需更正再修改。")
                    % {"year": year}, code="calendar_year_entered_concurrently", extra={"year": year},
                ) from None
            calendar_year = CalendarYear.objects.select_for_update().get(year=year)
    calendar_year.source = source
    calendar_year.notice = notice
    calendar_year.stamp(actor)
    calendar_year.full_clean(validate_unique=False)
    calendar_year.save()
    return calendar_year


def _replace_days(calendar_year: CalendarYear, days: Iterable[DayInput], actor) -> None:
    """Make the year's rows equal ``days`` (already checked), writing only what differs.

    Rows that are no longer in the year are deleted: a day row is a correctable fact, and
    the history trigger keeps the deleted snapshot.
    """
    existing = {row.date: row for row in calendar_year.days.all()}
    for day, kind, name in days:
        name = name.strip()
        row = existing.pop(day, None)
        if row is not None and row.kind == kind and row.name == name:
            continue
        if row is None:
            row = CalendarDay(year=calendar_year, date=day)
        row.kind, row.name = kind, name
        # Duplicates and the weekend rule were checked for the whole year up front.
        save_validated(row, actor, validate_unique=False, validate_constraints=False)
    if existing:
        CalendarDay.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()


@transaction.atomic
def calendar_year_import_from_package(*, year: int, actor=None) -> CalendarYear:
    """Copy ``year`` from the chinese-calendar package (节假日年度导入).

    Idempotent: importing a year again writes nothing unless the package changed. A year
    entered by hand is replaced by the package's data once the package knows it.
    """
    import chinese_calendar

    _check_year_number(year)
    if year not in package_years():
        known = package_years()
        raise ApplicationError(
            f"已安装的 chinese-calendar 软件包（{chinese_calendar.__version__} 版）没有{year}年的节假日数据"
            f"（它收录 {known[0]}–{known[-1]} 年）。请升级该软件包，或按国务院办公厅的放假通知人工录入{year}年。",
            code="calendar_package_unknown_year",
            extra={"year": year},
        )
    days = package_days(year)
    problems = calendar_days_check(year=year, days=days)
    if problems:  # a broken package release must not reach the deadlines
        raise ApplicationError(
            f"chinese-calendar 软件包的{year}年数据有误：" + "；".join(message for _, message in problems),
            code="calendar_days_invalid",
        )
    with actor_context(actor, reason="calendar_year_import_from_package"):
        current = CalendarYear.objects.filter(year=year).values_list("notice", flat=True).first()
        notice = current or f"chinese-calendar 软件包 {chinese_calendar.__version__} 版"
        calendar_year = _year_for_update(year, source=CalendarSource.PACKAGE, notice=notice, actor=actor,
                                         join_race=True)
        _replace_days(calendar_year, days, actor)
    deadlines.invalidate_year(year)
    # Provisional due dates that counted through this year (weekends only) become exact.
    calendar_year.recomputed = provisional.recompute_year(year=year, actor=actor)
    return calendar_year


@transaction.atomic
def calendar_year_set_manual(*, year: int, days: Sequence[DayInput], notice: str = "", actor) -> CalendarYear:
    """Enter (or correct) ``year`` from the State Council notice, for a year the package lacks.

    ``days`` is the whole year: every holiday (放假) and every make-up working day (调休上班),
    as (date, "holiday" | "workday", name). All or nothing: any problem refuses every day.
    """
    _check_year_number(year)
    if year in package_years():
        raise ConflictError(
            gettext("chinese-calendar 软件包已收录%(year)s年的节假日安排，请使用“从软件包导入”，不要人工录入。") % {"year": year},
            code="calendar_year_in_package",
            extra={"year": year},
        )
    existing_source = CalendarYear.objects.filter(year=year).values_list("source", flat=True).first()
    if existing_source == CalendarSource.PACKAGE:
        raise ConflictError(
            gettext("%(year)s年的日历已从软件包导入，不能再人工修改。") % {"year": year}, code="calendar_year_in_package",
            extra={"year": year},
        )
    days = list(days)
    if not days:
        raise ApplicationError(
            gettext("请录入%(year)s年的放假日和调休上班日（每年至少有元旦、春节等法定节假日）。") % {"year": year},
            code="calendar_days_empty",
        )
    problems = calendar_days_check(year=year, days=days)
    if problems:
        raise ApplicationError(
            gettext("%(year)s年日历有 %(count)s 处错误，未保存任何一天：") % {"year": year, "count": len(problems)}
            + gettext("；").join(message for _, message in problems),
            code="calendar_days_invalid",
            extra={"errors": [{"index": index, "message": message} for index, message in problems]},
        )
    with actor_context(actor, reason="calendar_year_set_manual"):
        calendar_year = _year_for_update(year, source=CalendarSource.MANUAL, notice=(notice or "").strip(), actor=actor)
        _replace_days(calendar_year, days, actor)
    deadlines.invalidate_year(year)
    # Provisional due dates that counted through this year (weekends only) become exact.
    calendar_year.recomputed = provisional.recompute_year(year=year, actor=actor)
    return calendar_year
