"""The office's pages for the holiday calendar: the years, one year's days, manual entry.

Reading is open to every signed-in user (everyone's deadlines depend on it). Who may enter
or change a year is decided by core.calendar_access alone; a refusal is a styled page with
the reason (403). Entering from the pasted notice is in core.views_calendar_notice.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core import services
from core.calendar_access import calendar_entry_refusal, may_enter_calendar
from core.errors import ApplicationError
from core.history import history_table
from core.models import CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, CalendarDayKind, CalendarSource, CalendarYear

WEEKDAYS = "一二三四五六日"

# Accepted spellings of the kind column; the documented ones are holiday/workday.
KIND_WORDS = {
    "holiday": CalendarDayKind.HOLIDAY, "放假": CalendarDayKind.HOLIDAY, "休": CalendarDayKind.HOLIDAY,
    "workday": CalendarDayKind.WORKDAY, "上班": CalendarDayKind.WORKDAY, "班": CalendarDayKind.WORKDAY,
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day_lines(text: str) -> tuple[list[tuple[int, services.DayInput]], list[str]]:
    """Read "YYYY-MM-DD,holiday|workday,name" lines into (line number, day) pairs.

    Blank lines and lines starting with # are skipped. Returns the days and one Chinese
    message per bad line; the caller saves nothing when there is any message.
    """
    days: list[tuple[int, services.DayInput]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in re.split(r"[,，]", line, maxsplit=2)]
        if len(parts) != 3:
            errors.append(gettext("第 %(number)s 行“%(line)s”：应写作“日期,holiday 或 workday,名称”，如 2027-10-01,holiday,国庆节。")
                          % {"number": number, "line": line})
            continue
        text_date, text_kind, name = parts
        try:
            if not DATE_RE.match(text_date):
                raise ValueError
            day = date.fromisoformat(text_date)
        except ValueError:
            errors.append(gettext("第 %(number)s 行：日期“%(date)s”无效，应为 YYYY-MM-DD，如 2027-10-01。")
                          % {"number": number, "date": text_date})
            continue
        kind = KIND_WORDS.get(text_kind.lower())
        if kind is None:
            errors.append(gettext("第 %(number)s 行：类型“%(kind)s”无效，应为 holiday（放假）或 workday（调休上班）。")
                          % {"number": number, "kind": text_kind})
            continue
        if not name:
            errors.append(gettext("第 %(number)s 行：缺少名称（如“国庆节”）。") % {"number": number})
            continue
        days.append((number, (day, kind.value, name)))
    return days, errors


class CalendarManualForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=CALENDAR_MIN_YEAR, max_value=CALENDAR_MAX_YEAR)
    notice = forms.CharField(
        label=gettext_lazy("放假通知（文号）"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": gettext_lazy("如 国办发明电〔2026〕X号")}),
    )
    days = forms.CharField(
        label=gettext_lazy("放假日和调休上班日"),
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 18,
                                     "placeholder": gettext_lazy("2027-01-01,holiday,元旦\n2027-10-09,workday,国庆节调休上班")}),
        help_text=gettext_lazy("每行一天：日期,holiday 或 workday,名称。放假的每一天（含周末）都可列出；"
                               "调休上班日（workday）只能是星期六或星期日。整年一次录入，有任何一行错误则全部不保存。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "form-control"
        self.lines: list[int] = []

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("days")
        if text is None:
            return cleaned
        parsed, errors = parse_day_lines(text)
        for message in errors:
            self.add_error("days", message)
        if not errors and not parsed:
            self.add_error("days", gettext("请至少录入一天。"))
        self.lines = [number for number, _ in parsed]
        cleaned["day_list"] = [day for _, day in parsed]
        return cleaned


@login_required
def calendar_year_list(request):
    """Every year the calendar knows, with a warning for this year or next when missing."""
    years = list(
        CalendarYear.objects.annotate(
            holiday_count=Count("days", filter=Q(days__kind=CalendarDayKind.HOLIDAY)),
            workday_count=Count("days", filter=Q(days__kind=CalendarDayKind.WORKDAY)),
        ).order_by("-year")
    )
    known = {y.year for y in years}
    today = timezone.localdate()
    missing = [y for y in (today.year, today.year + 1) if y not in known]
    return render(request, "core/calendar_year_list.html", {
        "years": years,
        "missing": missing,
        "can_write": may_enter_calendar(request.user),
    })


@login_required
def calendar_year_detail(request, year: int):
    """One year's holidays and make-up working days (and its change history)."""
    calendar_year = get_object_or_404(CalendarYear, year=year)
    tab = "history" if request.GET.get("tab") == "history" else "details"
    days = [
        {"day": day, "weekday": WEEKDAYS[day.date.weekday()]}
        for day in calendar_year.days.order_by("date")
    ]
    return render(request, "core/calendar_year_detail.html", {
        "object": calendar_year,
        "days": days,
        "tab": tab,
        "history": history_table(calendar_year) if tab == "history" else None,
        "can_write": calendar_year.source == CalendarSource.MANUAL
        and calendar_entry_refusal(request.user, calendar_year.year) is None,
    })


def refused(request, reason: str, year: int | None = None):
    """The styled refusal page (403) with the reason, and where to read the calendar instead."""
    known = year is not None and CalendarYear.objects.filter(year=year).exists()
    return render(request, "core/calendar_refused.html", {"reason": reason, "year": year if known else None},
                  status=403)


def year_param(value: str | None) -> int | None:
    """A year from a query string or form field, or None when it is not a plausible year."""
    value = (value or "").strip()
    if value.isdigit() and CALENDAR_MIN_YEAR <= int(value) <= CALENDAR_MAX_YEAR:
        return int(value)
    return None


def saved_message(calendar_year, days) -> str:
    """"已保存…": the days saved and, from core.provisional, how many provisional due dates moved."""
    holidays = sum(1 for _, kind, _ in days if kind == CalendarDayKind.HOLIDAY)
    text = gettext("已保存%(year)s年的节假日安排：放假 %(holidays)s 天，调休上班 %(workdays)s 天。") % {
        "year": calendar_year.year, "holidays": holidays, "workdays": len(days) - holidays}
    recomputed = getattr(calendar_year, "recomputed", None)
    if recomputed is not None:
        text += (gettext("已按新日历重新计算暂定期限 %(count)s 个。") % {"count": recomputed} if recomputed
                 else gettext("没有需要重新计算的暂定期限。"))
    return text


@login_required
def calendar_manual(request):
    """Enter or correct a whole year day by day (all lines or none)."""
    source = request.POST if request.method == "POST" else request.GET
    refusal = calendar_entry_refusal(request.user, year_param(source.get("year")))
    if refusal:
        return refused(request, refusal, year_param(source.get("year")))
    if request.method == "POST":
        form = CalendarManualForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                calendar_year = services.calendar_year_set_manual(
                    year=year, days=form.cleaned_data["day_list"], notice=form.cleaned_data["notice"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                per_day = exc.extra.get("errors")
                if per_day:
                    for problem in per_day:
                        form.add_error("days", gettext("第 %(number)s 行：%(message)s") % {
                            "number": form.lines[problem["index"]], "message": problem["message"]})
                else:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, saved_message(calendar_year, form.cleaned_data["day_list"]))
                return HttpResponseRedirect(reverse("core:calendar-year-detail", args=[year]))
    else:
        form = CalendarManualForm(initial=_initial(request.GET.get("year")))
    return render(request, "core/calendar_manual_form.html", {"form": form})


def _initial(year_text: str | None) -> dict:
    """Prefill the form with a manual year's current days, for a correction."""
    year = year_param(year_text)
    if year is None:
        return {}
    calendar_year = CalendarYear.objects.filter(year=year, source=CalendarSource.MANUAL).first()
    if calendar_year is None:
        return {"year": year}
    lines = [f"{d.date:%Y-%m-%d},{d.kind},{d.name}" for d in calendar_year.days.order_by("date")]
    return {"year": calendar_year.year, "notice": calendar_year.notice, "days": "\n".join(lines)}
