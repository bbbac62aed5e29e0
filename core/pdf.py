"""PDF rendering with WeasyPrint: HTML templates → PDF bytes, CJK fonts, selectable text.

Official documents follow GB/T 9704-2012 (DOMAIN.md §9); their layout lives in
``templates/pdf/official.css`` and ``templates/pdf/base_official.html``. Two things CSS alone
cannot do are done here:

- titles break only between phrases (7.3.1 "回行时，要做到词意完整"): ``title_lines``;
- the 版记 (7.4) sits at the bottom of the last page, on an even page: the document is laid
  out once, the 版记's place is read back, and it is laid out again with the space above the
  版记 that puts its last rule on the bottom edge of the text block (``render_pdf``).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string

# The text block (版心): 37 mm from the top of the A4 page, 225 mm high (official.css).
TEXT_BLOCK_TOP_MM = 37.0
TEXT_BLOCK_HEIGHT_MM = 225.0
# A title line holds 20 characters of 2号 (22 pt) in the 156 mm text block.
TITLE_EMS_PER_LINE = 20.0

MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels
COLOPHON_MARK = "<!--colophon-placement-->"  # in base_official.html's <head>


# --- titles -------------------------------------------------------------------------------------
def text_ems(text: str) -> float:
    """The width of ``text`` in ems: a CJK or full-width character is 1, a digit or letter ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def title_lines(phrases: Sequence[str], *, per_line: float = TITLE_EMS_PER_LINE) -> list[str]:
    """Break a title into lines at phrase boundaries only, never inside a word.

    ``phrases`` are the title's words in order (绩溪县人民政府 / 关于向临溪镇 / 下放 / 行政管理事项 /
    的公告). The title takes as few lines as fit; among those breaks, the one whose longest line
    is shortest, so the lines come out even (梯形或菱形, "长短适宜"). Only a phrase longer than a
    whole line is cut, as there is no boundary inside it to break at.
    """
    words: list[str] = []
    for phrase in filter(None, phrases):
        while text_ems(phrase) > per_line:
            cut = _fit(phrase, per_line)
            words.append(phrase[:cut])
            phrase = phrase[cut:]
        words.append(phrase)
    if not words:
        return []
    gaps = range(1, len(words))
    for breaks in range(len(words)):
        candidates = []
        for cuts in itertools.combinations(gaps, breaks):
            bounds = (0, *cuts, len(words))
            lines = ["".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
            widths = [text_ems(line) for line in lines]
            if max(widths) <= per_line:
                candidates.append(((max(widths), max(widths) - min(widths)), lines))
        if candidates:
            return min(candidates, key=lambda c: c[0])[1]
    raise AssertionError("unreachable: one word a line always fits")


def _fit(text: str, per_line: float) -> int:
    """How many leading characters of ``text`` fit in one line."""
    width = 0.0
    for n, char in enumerate(text):
        width += text_ems(char)
        if width > per_line:
            return max(n, 1)
    return len(text)


# --- rendering ----------------------------------------------------------------------------------
def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to a PDF document (with its 版记 placed, if it has one)."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s

    html = render_to_string(template_name, context, request=request)

    def layout(source: str):
        return HTML(string=source, base_url=str(settings.BASE_DIR)).render()

    document = layout(html)
    placement = colophon_placement(document) if COLOPHON_MARK in html else None
    if placement:
        document = layout(html.replace(COLOPHON_MARK, f"<style>{placement}</style>", 1))
    return document.write_pdf()


def _anchor(document, name: str) -> tuple[int, float] | None:
    """(page number from 1, top in px) of the element with id ``name``."""
    for number, page in enumerate(document.pages, start=1):
        if name in page.anchors:
            return number, page.anchors[name][1]
    return None


def colophon_placement(document) -> str:
    """CSS that puts the 版记 (``#colophon``) at the foot of the document's last, even page.

    GB/T 9704 7.4: the 版记 is on the last face of the document (an even page: the back of the
    last sheet), its last rule on the text block's bottom edge. 7.5: when a blank page has to
    precede it, neither the blank page nor the 版记 page is numbered (``@page colophon``).
    ``#body-end`` marks where the text (and any attachment) ends, ``#colophon-end`` the foot of
    the 版记 (empty markers: their tops are all that is read).
    """
    colophon, end, body_end = (_anchor(document, name) for name in ("colophon", "colophon-end", "body-end"))
    if colophon is None or end is None or body_end is None:
        return ""
    (page, top), (_, bottom) = colophon, end
    height_mm = (bottom - top) * MM_PER_PX
    block_bottom_mm = TEXT_BLOCK_TOP_MM + TEXT_BLOCK_HEIGHT_MM
    # 0.05 mm short of the edge: rounding must not push the 版记 onto a page of its own.
    if page == body_end[0] and page % 2 == 0:  # fits under the text on an even page
        return f".colophon-spacer {{ height: {max(0.0, block_bottom_mm - bottom * MM_PER_PX - 0.05):.2f}mm; }}"
    spacer = f".colophon-spacer {{ height: {TEXT_BLOCK_HEIGHT_MM - height_mm - 0.05:.2f}mm; }}"
    if page == body_end[0] or page % 2 == 0:  # the next page, or the page it moved to, is even
        return f".colophon-wrap {{ break-before: page; }} {spacer}"
    # The text ends on an even page and the 版记 does not fit under it: a blank page, then the 版记.
    return f".colophon-wrap {{ break-before: left; page: colophon; }} {spacer}"
