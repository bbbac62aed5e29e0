"""Read a PDF's geometry back, in millimetres from the page's top left, for the GB/T 9704 tests.

pymupdf gives each text span (font, size, baseline, box) and each drawing (rules, table
borders). Positions of characters are taken on their em box: Noto CJK's runs from 0.12 em
under the baseline to 0.88 em over it (pymupdf's own span box uses the font's ascent and
descent, 1.437 em). Ink is measured by rendering the page where the outline alone says too
little (the dash of a page number is a thin bar in the middle of its em box).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pymupdf

MM = 25.4 / 72  # mm per PDF point
EM_ASCENT, EM_DESCENT = 0.88, 0.12  # the CJK em box around the baseline
RED = (0.902, 0.0, 0.071)  # #e60012


@dataclass(frozen=True)
class Span:
    page: int  # from 1
    text: str
    font: str
    size: float  # pt
    x0: float
    x1: float
    baseline: float
    color: tuple[float, float, float]

    @property
    def em_top(self) -> float:
        return self.baseline - EM_ASCENT * self.size * MM

    @property
    def em_bottom(self) -> float:
        return self.baseline + EM_DESCENT * self.size * MM


@dataclass(frozen=True)
class Band:
    """A filled or stroked rectangle: a rule, or one side of a border."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    color: tuple[float, float, float]

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 > self.y1 - self.y0


def _runs(chars: list[dict], *, gap: float) -> list[list[dict]]:
    """The characters of a pymupdf span cut where they stand apart (neighbouring table cells
    in one font come as one span)."""
    runs: list[list[dict]] = []
    for char in chars:
        if runs and char["bbox"][0] - runs[-1][-1]["bbox"][2] <= gap:
            runs[-1].append(char)
        else:
            runs.append([char])
    return runs


def _rgb(value) -> tuple[float, float, float]:
    if isinstance(value, int):
        return ((value >> 16 & 255) / 255, (value >> 8 & 255) / 255, (value & 255) / 255)
    return tuple(round(v, 3) for v in value[:3])


def same_colour(a, b, tolerance: float = 0.02) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


class PdfGeometry:
    def __init__(self, content: bytes):
        self.content = content
        self.document = pymupdf.open(stream=content, filetype="pdf")

    @property
    def page_count(self) -> int:
        return self.document.page_count

    def page_size(self, page: int) -> tuple[float, float]:
        rect = self.document[page - 1].rect
        return rect.width * MM, rect.height * MM

    @cached_property
    def spans(self) -> list[Span]:
        found = []
        for number, page in enumerate(self.document, start=1):
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        for chars in _runs(span["chars"], gap=0.25 * span["size"]):
                            text = "".join(c["c"] for c in chars)
                            if text.strip():
                                found.append(Span(number, text.strip(), span["font"], span["size"],
                                                  chars[0]["bbox"][0] * MM, chars[-1]["bbox"][2] * MM,
                                                  span["origin"][1] * MM, _rgb(span["color"])))
        return found

    def page_spans(self, page: int) -> list[Span]:
        return [s for s in self.spans if s.page == page]

    def find(self, text: str, page: int | None = None) -> list[Span]:
        return [s for s in self.spans if text in s.text and (page is None or s.page == page)]

    def one(self, text: str, page: int | None = None) -> Span:
        found = self.find(text, page)
        assert len(found) == 1, (text, found)
        return found[0]

    def lines(self, page: int) -> list[tuple[float, str]]:
        """The text of each line on ``page`` (spans on one baseline, left to right), top down."""
        rows: dict[float, list[Span]] = {}
        for span in self.page_spans(page):
            key = next((b for b in rows if abs(b - span.baseline) < 0.5), span.baseline)
            rows.setdefault(key, []).append(span)
        return [(b, "".join(s.text for s in sorted(rows[b], key=lambda s: s.x0))) for b in sorted(rows)]

    @cached_property
    def bands(self) -> list[Band]:
        found: dict = {}  # WeasyPrint may paint a border twice: one band each
        for number, page in enumerate(self.document, start=1):
            for drawing in page.get_drawings():
                for band in _bands(number, drawing):
                    found.setdefault((band.page, *(round(v, 2) for v in (band.x0, band.y0, band.x1, band.y1))), band)
        return list(found.values())

    def page_bands(self, page: int, colour=None) -> list[Band]:
        return [b for b in self.bands if b.page == page and (colour is None or same_colour(b.color, colour))]

    def ink_rows(self, page: int, x0: float, y0: float, x1: float, y1: float, dpi: int = 1200) -> tuple[float, float]:
        """The top and bottom (mm) of the dark pixels inside the given box of ``page``."""
        clip = pymupdf.Rect(x0 / MM, y0 / MM, x1 / MM, y1 / MM)
        pixmap = self.document[page - 1].get_pixmap(dpi=dpi, clip=clip, colorspace=pymupdf.csGRAY)
        width, samples = pixmap.width, pixmap.samples
        dark = [row for row in range(pixmap.height) if min(samples[row * width:(row + 1) * width]) < 128]
        assert dark, "nothing drawn in that box"
        scale = 25.4 / dpi
        return y0 + dark[0] * scale, y0 + (dark[-1] + 1) * scale


def _bands(page: int, drawing: dict) -> list[Band]:
    """Rules and border sides of one pymupdf drawing, in mm."""
    if drawing["type"] in ("s", "fs") and drawing.get("color") is not None:
        colour, half = _rgb(drawing["color"]), (drawing.get("width") or 0) / 2
        out = []
        for item in drawing["items"]:
            if item[0] == "l":
                (ax, ay), (bx, by) = item[1], item[2]
                x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
                if y0 == y1:
                    y0, y1 = y0 - half, y1 + half
                if x0 == x1:
                    x0, x1 = x0 - half, x1 + half
                out.append(Band(page, x0 * MM, y0 * MM, x1 * MM, y1 * MM, colour))
        return out
    if drawing.get("fill") is None:
        return []
    colour = _rgb(drawing["fill"])
    rects = [item[1] for item in drawing["items"] if item[0] == "re"]
    if len(rects) == 2:  # a border: the outer box less the inner one (even-odd fill)
        outer, inner = sorted(rects, key=lambda r: -r.width * r.height)
        sides = [(outer.x0, outer.y0, outer.x1, inner.y0), (outer.x0, inner.y1, outer.x1, outer.y1),
                 (outer.x0, outer.y0, inner.x0, outer.y1), (inner.x1, outer.y0, outer.x1, outer.y1)]
        return [Band(page, a * MM, b * MM, c * MM, d * MM, colour) for a, b, c, d in sides
                if c - a > 0.01 and d - b > 0.01]
    return [Band(page, r.x0 * MM, r.y0 * MM, r.x1 * MM, r.y1 * MM, colour) for r in rects]
