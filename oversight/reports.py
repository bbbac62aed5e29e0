"""The minutes of a dispatch meeting (会议纪要) as a GB/T 9704 PDF (core.pdf; DOMAIN.md §9)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.pdf import render_pdf, title_lines

from . import selectors
from .models import Meeting


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def minutes_context(*, meeting: Meeting) -> dict:
    attendance = list(meeting.attendance.select_related("member").order_by("member_id"))
    decisions = list(meeting.decisions.order_by("position"))
    agenda = list(selectors.agenda_of(meeting=meeting))
    headings = ["一", "二", "三"]
    return {
        "meeting": meeting,
        "issuer": _("%(kind)s纪要") % {"kind": meeting.get_kind_display()},
        "title": meeting.title,
        "short_title": meeting.title.removeprefix(meeting.group.name),
        "title_lines": title_lines([meeting.group.name, meeting.title.removeprefix(meeting.group.name)]),
        "held_on": _date(meeting.held_on) if meeting.held_on else "",
        "present": [a for a in attendance if a.present],
        "absent": [a for a in attendance if not a.present],
        "agenda": agenda,
        "minutes": [p.strip() for p in meeting.minutes.splitlines() if p.strip()],
        "decisions": decisions,
        "decisions_heading": headings[bool(agenda) + bool(meeting.minutes)],
        "actions": list(meeting.actions.select_related("owner").order_by("due_on", "id")),
        "signature": _("%(group)s办公室") % {"group": meeting.group.name},
        "date": _date(meeting.held_on) if meeting.held_on else "",
    }


def minutes_pdf(*, meeting: Meeting) -> bytes:
    """The minutes of a meeting that has been held (its date, attendance, decisions, action items)."""
    return render_pdf("pdf/oversight/minutes.html", minutes_context(meeting=meeting))
