"""Entering a holiday year from the State Council's notice, pasted as published: two steps.

1. Paste → preview: the festivals with their holidays and make-up working days (date,
   weekday, name), every sentence that could not be read, and whatever stops saving.
2. Confirm → saved through core.services.calendar_year_set_manual.

The preview hands the text back to the browser with a signed fingerprint of what was shown.
On confirm the text is parsed again and saved only when it still gives exactly the
fingerprinted days: an altered hidden field, or a notice changed in between, brings the
preview back instead of saving something nobody looked at. Who may enter: core.calendar_access.
"""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import services
from core.calendar_access import calendar_entry_refusal
from core.errors import ApplicationError
from core.holiday_notice import ParsedNotice, Problem, parse_notice
from core.models import CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, CalendarYear
from core.views_calendar import refused, saved_message, year_param

TOKEN_SALT = "core.calendar-notice"
TOKEN_MAX_AGE = 2 * 60 * 60  # seconds a preview stays confirmable
TEXT_MAX_LENGTH = 20_000  # a notice is about 1,000 characters


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=CALENDAR_MIN_YEAR, max_value=CALENDAR_MAX_YEAR)
    text = forms.CharField(
        label=_("通知全文"), max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 14,
                                     "placeholder": _("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
                                                    "二、春节：……")}),
        help_text=_("从中国政府网等处复制《国务院办公厅关于××年部分节假日安排的通知》，原样粘贴（含标题和落款亦可）。"),
    )
    document_number = forms.CharField(
        label=_("文号"), required=False, max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如 国办发明电〔2026〕X号（通知中有则自动识别）")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "form-control"


def _default_year() -> int:
    """The first of this year and next that the calendar lacks, else next year."""
    today = timezone.localdate()
    known = set(CalendarYear.objects.filter(year__in=[today.year, today.year + 1]).values_list("year", flat=True))
    return next((y for y in (today.year, today.year + 1) if y not in known), today.year + 1)


def _all_problems(parsed: ParsedNotice) -> list[Problem]:
    """The parser's problems, then the calendar's own rules (a make-up day on a weekday …)."""
    days = parsed.days()
    checked = [Problem("", message) for _, message in services.calendar_days_check(year=parsed.year, days=days)]
    return [*parsed.problems, *checked]


def _fingerprint(parsed: ParsedNotice, notice_label: str) -> str:
    payload = [parsed.year, notice_label, [[day.isoformat(), kind, name] for day, kind, name in parsed.days()]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _salt(user) -> str:
    return f"{TOKEN_SALT}:{user.pk}"  # a preview is confirmable only by the user who saw it


@login_required
def calendar_notice(request):
    """Paste the notice, check the preview, confirm."""
    source = request.POST if request.method == "POST" else request.GET
    year = year_param(source.get("year"))
    refusal = calendar_entry_refusal(request.user, year)
    if refusal:
        return refused(request, refusal, year)
    if request.method != "POST":
        form = NoticeForm(initial={"year": year or _default_year()})
        return render(request, "core/calendar_notice.html", {"form": form})

    form = NoticeForm(request.POST)
    if not form.is_valid():
        return render(request, "core/calendar_notice.html", {"form": form})
    year = form.cleaned_data["year"]
    parsed = parse_notice(form.cleaned_data["text"], year=year)
    if form.cleaned_data["document_number"].strip():
        parsed.document_number = form.cleaned_data["document_number"].strip()
    notice_label = parsed.notice_label()
    problems = _all_problems(parsed)
    fingerprint = _fingerprint(parsed, notice_label)
    stale = False

    if request.POST.get("action") == "confirm":
        try:
            shown = signing.loads(request.POST.get("token", ""), salt=_salt(request.user), max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:  # also signing.SignatureExpired
            shown = None
        stale = shown != fingerprint
        if not stale and not problems and parsed.days():
            days = parsed.days()
            try:
                calendar_year = services.calendar_year_set_manual(
                    year=year, days=days, notice=notice_label, actor=request.user,
                )
            except ApplicationError as exc:
                problems.append(Problem("", exc.message))
            else:
                messages.success(request, saved_message(calendar_year, days))
                return HttpResponseRedirect(reverse("core:calendar-year-detail", args=[year]))

    holidays = sum(1 for _, kind, _ in parsed.days() if kind == "holiday")
    return render(request, "core/calendar_notice.html", {
        "form": form,
        "parsed": parsed,
        "replaces": CalendarYear.objects.filter(year=year).first(),  # a superuser's correction
        "problems": problems,
        "stale": stale,
        "notice_label": notice_label,
        "holiday_count": holidays,
        "workday_count": len(parsed.days()) - holidays,
        "token": signing.dumps(fingerprint, salt=_salt(request.user)) if not problems and parsed.days() else "",
    })
