"""A plan version as a GB/T 9704 PDF (core.pdf): the Markdown turned into the document's body
(headings of the first and second level, paragraphs, lists), the title broken at phrase
boundaries, signed by the county's leading group office."""

from __future__ import annotations

import re

from django.utils import timezone

from core.pdf import render_pdf, title_lines

from . import templating
from .models import Plan, PlanVersion

_PHRASE = re.compile(r"(关于|扩权强镇|扩权强县|试点工作|的实施方案|实施方案)")


def _phrases(title: str) -> list[str]:
    return [p for p in _PHRASE.split(title) if p]


def _body(markdown: str) -> str:
    """The body's HTML: the Markdown without its first-level title (the document's title)."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return templating.to_html("\n".join(lines))


def plan_pdf(*, plan: Plan, version: PlanVersion, signature: str = "") -> bytes:
    on = timezone.localtime(version.created_at).date()
    return render_pdf("plans/plan_pdf.html", {
        "plan": plan, "version": version, "title_lines": title_lines(_phrases(plan.title)),
        "body_html": _body(version.markdown), "signature": signature,
        "date": f"{on.year}年{on.month}月{on.day}日",
    })
