"""Reading the State Council's holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

The office pastes the notice as published; ``parse_notice`` turns it into the year's holidays
(放假) and make-up working days (调休上班), one festival section at a time, and says what it
could not read instead of guessing. Pure functions: no database, no Django.

The notices have kept one shape since 2008, e.g. (2026)::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
             2月14日（周六）、2月28日（周六）上班。

so a festival section is "number、name：" followed by sentences, and each clause (between
commas) that holds dates is "dates + 放假/补休" (holidays) or "dates + 上班" (make-up working
days). Dates are "[YYYY年][M月]D日[（annotation）]", joined by 至 (a range, both ends
included) or 、 (a list); a date without a month takes the month of the date before it. An
annotation's weekday (周四, 星期四) is checked against the date.

What the parser does with the rest:
- ``problems`` (blocking): a sentence with dates it cannot read, a weekday that does not
  match its date, an impossible date, "共N天" that disagrees with the days listed, a date
  listed twice, a festival without dates, a title naming another year, nothing found at all;
- ``advisories`` (shown, not saved): sentences that encourage rather than decide
  ("鼓励……安排职工在除夕（2月9日）休息");
- ``other_year``: days the notice gives for another year (2012's notice has
  "2011年12月31日（星期六）上班"); they are shown, not saved with this year;
- ``ignored``: text without dates — the title, the addressees, the closing paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["Festival", "NoticeDay", "ParsedNotice", "Problem", "parse_notice", "weekday_label"]

HOLIDAY = "holiday"
WORKDAY = "workday"
WORKDAY_SUFFIX = "调休上班"
WEEKDAYS = "一二三四五六日"
MAX_RANGE_DAYS = 31  # the longest break ever announced is 9 days; a longer range is a typo

# Full-width digits and the ideographic space become ASCII; punctuation is matched in both widths.
_NORMALISE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\u3000": " ", "\xa0": " "})

_CN_NUMBER = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"^\s*(?:(?P<num>[{_CN_NUMBER}]{{1,3}}|\d{{1,2}})\s*[、.．]\s*)?"
    r"(?P<name>[^\s：:，,。；;、（）()]{1,30}(?:、[^\s：:，,。；;、（）()]{1,30})*)\s*[：:]"
)
_FESTIVAL_NAME = re.compile(r"(元旦|节|纪念日)$")
_DATE = re.compile(
    r"\s*(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日"
    r"\s*(?:[（(](?P<note>[^（）()]*)[）)])?"
)
_HAS_DATE = re.compile(r"\d{1,2}\s*日")
_RANGE = re.compile(r"\s*(?:至|到|~|～|—|－|-)")
_LIST = re.compile(r"\s*(?:、|和|及)")
_WEEKDAY_NOTE = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_COUNT = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
_SIGNATURE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排的通知")
_DOCUMENT_NUMBER = re.compile(r"国办发明电\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(\d{1,3})\s*号")
_SENTENCE_END = re.compile(r"(?<=[。；;])|(?<=[天班假休])\.")
_HOLIDAY_WORDS = ("放假", "补休")
_WORKDAY_WORDS = ("上班",)


def weekday_label(day: date) -> str:
    """周一 … 周日, the notices' own way of naming weekdays."""
    return "周" + WEEKDAYS[day.weekday()]


@dataclass(frozen=True)
class NoticeDay:
    """One day the notice decides: a holiday or a make-up working day, named by its festival."""

    date: date
    kind: str  # HOLIDAY | WORKDAY
    festival: str

    @property
    def name(self) -> str:
        """The name stored in the calendar: "国庆节" or "国庆节调休上班"."""
        return self.festival + (WORKDAY_SUFFIX if self.kind == WORKDAY else "")

    @property
    def weekday(self) -> str:
        return weekday_label(self.date)


@dataclass(frozen=True)
class Problem:
    """Something that stops the notice from being saved, with the sentence it comes from."""

    text: str
    message: str


@dataclass
class Festival:
    """One numbered section of the notice (一、元旦：……)."""

    name: str
    holidays: list[NoticeDay] = field(default_factory=list)
    workdays: list[NoticeDay] = field(default_factory=list)
    unreadable: bool = False  # a sentence of it was refused (reported once, not again as empty)


@dataclass
class ParsedNotice:
    """What ``parse_notice`` read; ``days()`` is what the calendar would store."""

    year: int
    title_year: int | None = None
    document_number: str = ""
    festivals: list[Festival] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    advisories: list[str] = field(default_factory=list)
    other_year: list[NoticeDay] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def days(self) -> list[tuple[date, str, str]]:
        """The year's days as (date, kind, name), sorted by date, as core.services takes them."""
        return sorted(
            (day.date, day.kind, day.name)
            for festival in self.festivals
            for day in (*festival.holidays, *festival.workdays)
        )

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.days())

    def notice_label(self) -> str:
        """The notice's title and number, for CalendarYear.notice."""
        title = f"国务院办公厅关于{self.year}年部分节假日安排的通知"
        return f"{title}（{self.document_number}）" if self.document_number else title


class _ClauseError(Exception):
    """The clause has dates but is not "dates + 放假/上班"; shown as it is, not guessed."""


@dataclass
class _Clause:
    kind: str
    days: list[date]
    count: int | None
    weekday_errors: list[str]


def parse_notice(text: str, *, year: int) -> ParsedNotice:
    """Read the pasted notice ``text`` for ``year`` (the year the notice is about)."""
    text = (text or "").translate(_NORMALISE)
    notice = ParsedNotice(year=year)
    if match := _TITLE_YEAR.search(text):
        notice.title_year = int(match.group(1))
        if notice.title_year != year:
            notice.problems.append(Problem(
                match.group(0),
                f"通知标题是{notice.title_year}年的安排，但录入的年份是{year}年。请核对年份或粘贴{year}年的通知。",
            ))
    if match := _DOCUMENT_NUMBER.search(text):
        notice.document_number = f"国办发明电〔{match.group(1)}〕{match.group(2)}号"

    current: Festival | None = None
    for sentence in _sentences(text):
        heading = _HEADING.match(sentence)
        if heading and (heading.group("num") or _FESTIVAL_NAME.search(heading.group("name"))):
            current = Festival(name=heading.group("name"))
            notice.festivals.append(current)
            sentence = sentence[heading.end():].strip()
            if not sentence:
                continue
        if current is None or _SIGNATURE.match(sentence.rstrip("。；;. ")):
            notice.ignored.append(sentence)  # title, addressees, preamble, the date of issue
            continue
        _read_sentence(sentence, current, notice)

    _check_whole(notice)
    return notice


def _sentences(text: str) -> Iterator[str]:
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if sentence:
                yield sentence


def _split_clauses(sentence: str) -> list[str]:
    """Split at commas outside parentheses ("（农历腊月二十八,周日）" stays whole)."""
    clauses, depth, start = [], 0, 0
    for index, char in enumerate(sentence):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(depth - 1, 0)
        elif char in "，," and depth == 0:
            clauses.append(sentence[start:index])
            start = index + 1
    clauses.append(sentence[start:])
    return [c.strip().rstrip("。；;.").strip() for c in clauses if c.strip().rstrip("。；;.").strip()]


def _read_sentence(sentence: str, festival: Festival, notice: ParsedNotice) -> None:
    clauses = _split_clauses(sentence)
    if not any(_HAS_DATE.search(clause) for clause in clauses):
        notice.ignored.append(sentence)
        return
    if "鼓励" in sentence:
        # "鼓励……安排职工在除夕（2月9日）休息": an encouragement, not a statutory rest day.
        notice.advisories.append(sentence)
        return
    parsed: list[_Clause] = []
    declared: int | None = None
    for clause in clauses:
        if not _HAS_DATE.search(clause):
            if count := _COUNT.search(clause):
                declared = int(count.group(1))
            continue  # "不调休", "与周末连休"
        try:
            result = _read_clause(clause, notice.year)
        except _ClauseError as error:
            notice.problems.append(Problem(sentence, f"无法识别“{clause}”：{error}"))
            festival.unreadable = True
            return
        parsed.append(result)
        if result.count is not None:
            declared = result.count
    for result in parsed:
        for message in result.weekday_errors:
            notice.problems.append(Problem(sentence, message))
        for day in result.days:
            entry = NoticeDay(day, result.kind, festival.name)
            if day.year != notice.year:
                notice.other_year.append(entry)
            else:
                (festival.holidays if result.kind == HOLIDAY else festival.workdays).append(entry)
    holidays = sum(len(r.days) for r in parsed if r.kind == HOLIDAY)
    if declared is not None and holidays and declared != holidays:
        notice.problems.append(Problem(sentence, f"写明共{declared}天，但列出的放假日期是{holidays}天。"))


def _read_clause(clause: str, year: int) -> _Clause:
    """One clause: dates joined by 至 and 、, then 放假/补休 or 上班."""
    days: list[date] = []
    weekday_errors: list[str] = []
    position, previous = 0, None
    while True:
        match = _DATE.match(clause, position)
        if match is None:
            raise _ClauseError("应以日期开头，如“10月1日（周五）至7日（周四）放假”。")
        start = _date_of(match, year, previous, weekday_errors)
        position, previous = match.end(), start
        if (joiner := _RANGE.match(clause, position)) is not None:
            end_match = _DATE.match(clause, joiner.end())
            if end_match is None:
                raise _ClauseError("“至”后面应是日期，如“至7日”。")
            end = _date_of(end_match, start.year, start, weekday_errors)
            if end < start:
                raise _ClauseError(f"{_label(end)}早于{_label(start)}；跨年的日期请写明年份，如“2027年1月1日”。")
            if (end - start).days >= MAX_RANGE_DAYS:
                raise _ClauseError(f"{_label(start)}至{_label(end)}超过 {MAX_RANGE_DAYS} 天，请核对。")
            days.extend(start + timedelta(days=n) for n in range((end - start).days + 1))
            position, previous = end_match.end(), end
        else:
            days.append(start)
        if (joiner := _LIST.match(clause, position)) is not None and _DATE.match(clause, joiner.end()):
            position = joiner.end()
            continue
        break
    tail = clause[position:].strip()
    if _HAS_DATE.search(tail):
        raise _ClauseError("日期之间应以“至”或“、”连接。")
    if tail.startswith(_HOLIDAY_WORDS):
        kind = HOLIDAY
    elif tail.startswith(_WORKDAY_WORDS):
        kind = WORKDAY
    else:
        raise _ClauseError("日期后应写“放假”“补休”或“上班”。")
    count = _COUNT.match(tail)
    return _Clause(kind, days, int(count.group(1)) if count else None, weekday_errors)


def _date_of(match: re.Match, year: int, previous: date | None, weekday_errors: list[str]) -> date:
    """The date of one "[YYYY年][M月]D日（note）", inheriting year and month from ``previous``."""
    explicit_year = match.group("year")
    the_year = int(explicit_year) if explicit_year else (previous.year if previous else year)
    month = match.group("month")
    if month is None:
        if previous is None:
            raise _ClauseError(f"“{match.group(0).strip()}”缺少月份。")
        the_month = previous.month
    else:
        the_month = int(month)
    try:
        day = date(the_year, the_month, int(match.group("day")))
    except ValueError:
        raise _ClauseError(f"{the_year}年{the_month}月{int(match.group('day'))}日不是有效日期。") from None
    note = match.group("note") or ""
    if weekday := _WEEKDAY_NOTE.search(note):
        written = "日" if weekday.group(1) == "天" else weekday.group(1)
        if written != WEEKDAYS[day.weekday()]:
            weekday_errors.append(
                f"{_label(day)}标注为“{weekday.group(0)}”，但{day.year}年{_label(day)}是{weekday_label(day)}。"
                "请核对日期和星期。"
            )
    return day


def _label(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _check_whole(notice: ParsedNotice) -> None:
    """Problems that only show across sections: duplicates, empty sections, nothing at all."""
    seen: dict[date, NoticeDay] = {}
    for festival in notice.festivals:
        if not festival.holidays and not festival.workdays and not festival.unreadable:
            notice.problems.append(Problem(festival.name, f"“{festival.name}”一节没有识别出放假或上班日期。"))
        for day in (*festival.holidays, *festival.workdays):
            first = seen.get(day.date)
            if first is None:
                seen[day.date] = day
            else:
                where = "" if first.festival == day.festival else f"（“{first.festival}”和“{day.festival}”）"
                notice.problems.append(Problem(
                    festival.name, f"{day.date.year}年{_label(day.date)}重复出现{where}，请核对。",
                ))
    if not notice.festivals:
        notice.problems.append(Problem(
            "", "没有识别出任何节日。请粘贴通知正文中“一、元旦：……”起的各条安排。",
        ))
