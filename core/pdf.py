"""PDF rendering with WeasyPrint: HTML templates → PDF bytes, CJK fonts, selectable text.

Official documents follow GB/T 9704-2012 (DOMAIN.md §9); their layout lives in
``templates/pdf/official.css`` and ``templates/pdf/base_official.html``. Two things CSS alone
cannot do are done here:

- titles break only between phrases (7.3.1 "回行时，要做到词意完整"): ``title_lines``;
- the 版记 (7.4) sits at the bottom of the last page, on an even page: the document is laid
  out once and the 版记's place is read back. When it is under the text on an even page it is
  moved down in the laid-out page, its last rule onto the bottom edge of the text block; when it
  must go to another page, the document is laid out again with the break and the space above
  the 版记 that put it there (``render_pdf``).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string

# The text block (版心): 37 mm from the top of the A4 page, 156 mm wide, 225 mm high (official.css).
TEXT_BLOCK_TOP_MM = 37.0
TEXT_BLOCK_HEIGHT_MM = 225.0
TEXT_BLOCK_WIDTH_MM = 156.0
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


# --- table columns ------------------------------------------------------------------------------
# Advance widths of printable ASCII (U+0020 space to U+007E ~) in Noto Serif CJK SC, in thousandths
# of an em (the font's hmtx table, 1000 units per em). Any other character of a cell is taken as
# CJK or full width: 1 em.
_ASCII_ADVANCES = (
    256, 308, 376, 574, 550, 923, 779, 196, 364, 364, 478, 580, 327, 346, 327, 352, 557, 471, 558, 557,
    555, 558, 558, 549, 558, 562, 327, 327, 580, 580, 580, 432, 912, 718, 670, 691, 770, 652, 629, 741,
    853, 405, 402, 731, 625, 975, 796, 767, 641, 767, 715, 567, 659, 797, 714, 1053, 700, 687, 605, 344,
    352, 344, 580, 563, 435, 557, 638, 538, 629, 546, 388, 566, 663, 332, 311, 607, 334, 974, 661, 596,
    638, 607, 462, 473, 367, 653, 548, 838, 564, 552, 498, 374, 316, 374, 580,
)


def advance_ems(text: str) -> float:
    """The width of ``text`` set in Noto Serif CJK SC without letter-spacing, in ems."""
    return sum(_ASCII_ADVANCES[ord(c) - 32] if " " <= c <= "~" else 1000 for c in text) / 1000


def table_column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], *, font_pt: float,
                        padding_mm: float, nowrap: frozenset[int] = frozenset()) -> list[float]:
    """Each column's share of a full-width table, in per cent, as CSS's automatic table layout
    shares it out (WeasyPrint's ``auto_table_layout``), for a table then set with
    ``table-layout: fixed`` and these widths on its ``<col>``s.

    The automatic layout measures every cell at every break opportunity (each CJK character is
    one) for its min-content width: in a table-heavy document most of the layout time. Here the
    cells' widths are estimated from their characters' advance widths instead (``advance_ems``):
    a column's max-content width is its widest cell on one line, its min-content width its widest
    character (cells wrap anywhere: ``overflow-wrap: anywhere``), or its widest cell in a
    ``nowrap`` column (header cells excepted); both plus ``padding_mm`` on each side. When the
    max-content widths fit, each column gets its own plus a share of what is left in proportion to
    it; otherwise its min-content width plus a share of the rest in proportion to (max − min).
    """
    em_mm = font_pt * 25.4 / 72
    columns = len(header)
    low, high = [0.0] * columns, [0.0] * columns
    for index, row in enumerate([header, *rows]):
        for i, cell in enumerate(row[:columns]):
            width = advance_ems(cell) * em_mm
            widest = width if index and i in nowrap else max((advance_ems(c) for c in cell), default=0) * em_mm
            high[i], low[i] = max(high[i], width), max(low[i], widest)
    high = [w + 2 * padding_mm for w in high]
    low = [w + 2 * padding_mm for w in low]
    available = TEXT_BLOCK_WIDTH_MM
    if sum(high) <= available:
        widths = [w + (available - sum(high)) * w / sum(high) for w in high]
    elif sum(low) < available:
        ratio = (available - sum(low)) / (sum(high) - sum(low))
        widths = [a + (b - a) * ratio for a, b in zip(low, high, strict=True)]
    else:  # even the min-content widths overflow: shrink them alike
        widths = [w * available / sum(low) for w in low]
    # Per cent, rounded down: a sum over 100 would widen the table past the text block.
    return [int(w / available * 10000) / 100 for w in widths]


# --- rendering ----------------------------------------------------------------------------------
def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to a PDF document (with its 版记 placed, if it has one)."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s

    html = render_to_string(template_name, context, request=request)

    def layout(source: str):
        return HTML(string=source, base_url=str(settings.BASE_DIR)).render()

    document = layout(html)
    if COLOPHON_MARK in html:
        placement = place_colophon(document)
        if placement is not None:
            shift_mm, css = placement
            # Where the 版记 stays on its page and only moves down, it is moved in the laid-out
            # pages; a page break before it needs the document laid out again with the CSS.
            if shift_mm is None or not _move_colophon(document, shift_mm):
                document = layout(html.replace(COLOPHON_MARK, f"<style>{css}</style>", 1))
    return document.write_pdf()


def _anchor(document, name: str) -> tuple[int, float] | None:
    """(page number from 1, top in px) of the element with id ``name``."""
    for number, page in enumerate(document.pages, start=1):
        if name in page.anchors:
            return number, page.anchors[name][1]
    return None


def place_colophon(document) -> tuple[float | None, str] | None:
    """Where the 版记 (``#colophon``) goes: at the foot of the document's last, even page.

    GB/T 9704 7.4: the 版记 is on the last face of the document (an even page: the back of the
    last sheet), its last rule on the text block's bottom edge. 7.5: when a blank page has to
    precede it, neither the blank page nor the 版记 page is numbered (``@page colophon``).
    ``#body-end`` marks where the text (and any attachment) ends, ``#colophon-end`` the foot of
    the 版记 (empty markers: their tops are all that is read).

    Returns None for a document without a 版记, else (``shift_mm``, ``css``): the CSS that
    places it when the document is laid out again, and when the 版记 already sits under the
    text on an even page, how far it has to move down to get there (``shift_mm``; None when it
    has to go to another page).
    """
    colophon, end, body_end = (_anchor(document, name) for name in ("colophon", "colophon-end", "body-end"))
    if colophon is None or end is None or body_end is None:
        return None
    (page, top), (_, bottom) = colophon, end
    height_mm = (bottom - top) * MM_PER_PX
    block_bottom_mm = TEXT_BLOCK_TOP_MM + TEXT_BLOCK_HEIGHT_MM
    # 0.05 mm short of the edge: rounding must not push the 版记 onto a page of its own.
    if page == body_end[0] and page % 2 == 0:  # fits under the text on an even page
        shift_mm = round(max(0.0, block_bottom_mm - bottom * MM_PER_PX - 0.05), 2)
        return shift_mm, f".colophon-spacer {{ height: {shift_mm:.2f}mm; }}"
    spacer = f".colophon-spacer {{ height: {TEXT_BLOCK_HEIGHT_MM - height_mm - 0.05:.2f}mm; }}"
    if page == body_end[0] or page % 2 == 0:  # the next page, or the page it moved to, is even
        return None, f".colophon-wrap {{ break-before: page; }} {spacer}"
    # The text ends on an even page and the 版记 does not fit under it: a blank page, then the 版记.
    return None, f".colophon-wrap {{ break-before: left; page: colophon; }} {spacer}"


def _move_colophon(document, shift_mm: float) -> bool:
    """Move the laid-out 版记 (``#colophon`` and the ``#colophon-end`` marker under it) down by
    ``shift_mm`` on its page: what laying the document out again with the spacer above it that
    high would give, as nothing follows it. False (nothing moved) when its boxes are not found:
    WeasyPrint's page boxes (``Page._page_box``) are not a public interface."""
    if shift_mm == 0:
        return True
    page = next((p for p in document.pages if "colophon" in p.anchors), None)
    root = getattr(page, "_page_box", None)
    if root is None:
        return False
    boxes: dict[str, object] = {}
    for box in root.descendants():
        element = getattr(box, "element", None)
        name = element.get("id") if element is not None else None
        if name in ("colophon", "colophon-end") and name not in boxes:
            boxes[name] = box  # the outermost box of the element (descendants are pre-order)
    if len(boxes) != 2:
        return False
    dy = shift_mm / MM_PER_PX
    for name, box in boxes.items():
        box.translate(0, dy)
        anchor = page.anchors[name]
        page.anchors[name] = (anchor[0], anchor[1] + dy, *anchor[2:])
    return True
