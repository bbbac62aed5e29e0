"""Column widths of PDF tables computed in Python (core.pdf.table_column_widths) instead of by
WeasyPrint's automatic table layout, and the 版记 moved in the laid-out page instead of the
document laid out twice (core.pdf.render_pdf).

The widths are checked against what WeasyPrint's automatic layout gives the same table: a
document set with ``table-layout: fixed`` and these widths looks as it did, only without
measuring every cell at every break opportunity first.
"""

from __future__ import annotations

import pytest

from core.pdf import MM_PER_PX, TEXT_BLOCK_WIDTH_MM, advance_ems, table_column_widths
from core.tests.test_pdf_geometry import BLOCK_BOTTOM, COLOPHON, colophon, render  # noqa: F401 (fixture)
from tests.system import require_font

CELL_PT, PADDING_MM = 10.5, 1.0 + 0.5 * 25.4 / 72 / 2  # as oversight's bundle sets its tables
STYLE = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { font-family: "Noto Serif CJK SC", serif; }
table { width: 156mm; border-collapse: collapse; font-size: 10.5pt; line-height: 1.45; }
th, td { border: 0.5pt solid #000; padding: 1mm; overflow-wrap: anywhere; font-weight: 400; text-align: left; }
td.n { white-space: nowrap; }
"""


def auto_layout_widths_mm(header: list[str], rows: list[list[str]], numeric: frozenset[int]) -> list[float]:
    """The column widths WeasyPrint's automatic table layout gives the table, in mm."""
    from weasyprint import HTML

    def cells(row, tag, nowrap):
        return "".join(f'<{tag}{" class=n" if i in nowrap else ""}>{c}</{tag}>' for i, c in enumerate(row))

    body = "".join(f"<tr>{cells(r, 'td', numeric)}</tr>" for r in rows)
    html = (f"<html><head><style>{STYLE}</style></head><body><table><thead><tr>{cells(header, 'th', ())}</tr>"
            f"</thead><tbody>{body}</tbody></table></body></html>")
    page = HTML(string=html).render().pages[0]
    (table,) = [b for b in page._page_box.descendants() if type(b).__name__ == "TableBox"]
    return [w * MM_PER_PX for w in table.column_widths]


CASES = {
    # the max-content widths fit: each column its own and a share of the rest in proportion
    "fits": (["镇", "办件", "按时备案", "逾期备案", "已逾期未备案"],
             [["临溪镇", "5", "1", "1", "1"], ["华阳镇", "120", "98", "20", "2"], ["合计", "125", "99", "21", "3"]],
             frozenset({1, 2, 3, 4})),
    # they do not: between min- and max-content, long descriptions wrap, dates and sums do not
    "wraps": (["镇", "问题描述", "类别", "发现日期", "整改期限", "应返还（元）"],
              [["临溪镇", "3件准予许可决定未在1个月内报县住建局备案，镇政府未按规定组织自查自纠并报送整改情况",
                "备案不及时", "2026-07-08", "2026-08-10", "33,221,678.91"],
               ["上庄镇", "派驻站所负责人年度考核未由镇党委提出意见", "编制和干部管理", "2026-09-16", "2026-11-16",
                "1,221,000.00"]],
              frozenset({3, 4, 5})),
}


@pytest.mark.parametrize("case", CASES)
def test_widths_are_those_of_the_automatic_layout(case):
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    header, rows, numeric = CASES[case]
    expected = auto_layout_widths_mm(header, rows, numeric)
    percent = table_column_widths(header, rows, font_pt=CELL_PT, padding_mm=PADDING_MM, nowrap=numeric)
    computed = [p / 100 * TEXT_BLOCK_WIDTH_MM for p in percent]
    assert sum(percent) <= 100 and sum(percent) > 99.9
    assert computed == pytest.approx(expected, abs=1.5), (computed, expected)


def test_a_column_that_never_wraps_gets_its_widest_cell():
    header = ["事项", "决定文号", "办结日期"]
    rows = [["对违反城市市容和环境卫生管理规定行为的处罚，以及对擅自占用城市道路的处罚" * 3, "临政规〔2026〕12号", "2026-08-21"]]
    percent = table_column_widths(header, rows, font_pt=CELL_PT, padding_mm=PADDING_MM, nowrap=frozenset({2}))
    date_mm = advance_ems("2026-08-21") * CELL_PT * 25.4 / 72 + 2 * PADDING_MM
    assert percent[2] / 100 * TEXT_BLOCK_WIDTH_MM >= date_mm - 0.02  # less the rounding down to 0.01 %
    assert percent[0] > 50  # the long text takes most of what is left


def test_advance_widths():
    assert advance_ems("临溪镇（暂定）") == 7
    assert advance_ems("2026") == pytest.approx(0.558 + 0.557 + 0.558 + 0.558)
    assert advance_ems("") == 0


# --- the 版记 without a second layout -------------------------------------------------------------
@pytest.fixture
def layouts(monkeypatch):
    """How many times WeasyPrint lays a document out."""
    from weasyprint import HTML

    calls = []
    original = HTML.render

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "render", counted)
    return calls


@pytest.mark.parametrize(("lines", "expected_layouts"), [
    (20, 1),  # ends on page 2 with room: the 版记 moved down in the laid-out page
    (1, 2),   # one page of text: the 版记 goes to the back, laid out again
    (25, 2),  # page 2 full: a blank page, then the 版记
])
def test_colophon_under_the_text_is_placed_without_a_second_layout(render, layouts, lines, expected_layouts):  # noqa: F811
    pdf = render(lines=lines, **COLOPHON)
    assert len(layouts) == expected_layouts
    cc, rules = colophon(pdf)
    assert cc.page == pdf.page_count and cc.page % 2 == 0
    assert rules[-1].y1 == pytest.approx(BLOCK_BOTTOM, abs=0.1)  # its last rule on the block's edge
    assert rules[0].y1 <= cc.em_top  # its first rule moved with its text


def test_document_without_colophon_is_laid_out_once(render, layouts):  # noqa: F811
    pdf = render(lines=20)
    assert len(layouts) == 1 and pdf.page_count == 2
