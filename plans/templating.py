"""Wording templates as text: filled with a section's named fields by the Django template engine
on a string, with nothing else in reach (no loaders, no tag libraries, no autoescape: the output
is Markdown, escaped when it becomes HTML); Markdown turned into safe HTML for the preview and the
PDF (markdown-it-py, raw HTML off: a tag typed into the text is shown, never run).
"""

from __future__ import annotations

import re
from functools import cache

from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils.translation import gettext as _

from core.errors import ApplicationError

UNKNOWN = "\u2063UNKNOWN:%s\u2063"
UNKNOWN_RE = re.compile("\u2063UNKNOWN:(.*?)\u2063")
#: what a placeholder left in a text looks like ({{ name }} or {% … %}): never in a draft
PLACEHOLDER_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


@cache
def _engine() -> Engine:
    # No directories and no app loaders: {% include %} / {% extends %} find nothing; no libraries
    # to {% load %}. Unknown names print a marker so that they are caught, not printed empty.
    return Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False, debug=False,
                  string_if_invalid=UNKNOWN)


def _render(text: str, fields: dict) -> str:
    try:
        return _engine().from_string(text).render(Context(fields, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:  # {% include %} finds nothing to read
        raise ApplicationError(_("模板语法有误：%(error)s") % {"error": exc}, code="template_syntax") from exc


def fill(text: str, fields: dict) -> str:
    """``text`` with its ``{{ name }}`` filled from ``fields``; an unknown name or a syntax error
    is an ApplicationError saying which."""
    out = _render(text, fields)
    unknown = sorted(set(UNKNOWN_RE.findall(out)))
    if unknown or "UNKNOWN:" in out:
        raise ApplicationError(_("模板中有系统不提供的字段：%(names)s") % {"names": _("、").join(unknown) or "?"},
                               code="template_unknown_field", extra={"unknown": unknown})
    return out.strip()


def check(text: str, names) -> None:
    """Refuse a template that uses a name outside ``names`` (or does not parse)."""
    out = _render(text, {name: "0" for name in names})
    unknown = sorted(set(UNKNOWN_RE.findall(out)))
    if unknown:
        raise ApplicationError(
            _("模板中有系统不提供的字段：%(names)s。可用字段：%(allowed)s") % {
                "names": _("、").join(u or "?" for u in unknown), "allowed": _("、").join(sorted(names))},
            code="template_unknown_field", extra={"unknown": unknown})


@cache
def _markdown():
    from markdown_it import MarkdownIt

    # "js-default": CommonMark with raw HTML disabled and links checked (no javascript: URLs).
    return MarkdownIt("js-default").enable("table")


def to_html(markdown: str) -> str:
    """Safe HTML of a Markdown text: raw HTML is escaped, images are dropped (the plan has none)."""
    md = _markdown()
    tokens = md.parse(markdown or "")
    for token in tokens:
        if token.children:
            token.children = [c for c in token.children if c.type != "image"]
    return md.renderer.render(tokens, md.options, {})
