"""GB/T 9704-2012 measured on the PDF (pymupdf, millimetres from the page's top left).

版头 (7.2): the mark's top edge 35 mm under the text block's top, the number two blank lines
under it, the red separator 4 mm under the number. 标题 (7.3.1): broken between phrases only.
页码 (7.5): the dashes' top 7 mm under the text block, odd pages right, even pages left.
署名 (7.3.5.4): never alone on a page. 版记 (7.4): at the foot of the last, even page.
"""

from __future__ import annotations

import pytest

from core.pdf import TEXT_BLOCK_HEIGHT_MM, TEXT_BLOCK_TOP_MM, render_pdf, text_ems, title_lines
from core.tests.pdf_geometry import RED, PdfGeometry
from tests.system import require_font

LINE = 10.22  # mm: one line of the 22-line grid
BLOCK_BOTTOM = TEXT_BLOCK_TOP_MM + TEXT_BLOCK_HEIGHT_MM  # 262 mm
DOCUMENT = """{% extends "pdf/base_official.html" %}
{% block issuer %}东莞市人民政府办公室文件{% endblock %}
{% block body %}{% for p in filler %}<p>{{ p }}</p>{% endfor %}{% endblock %}
{% block body_last %}<p>特此通知。</p>{% endblock %}
{% block signature %}东莞市人民政府办公室{% endblock %}
{% block date %}2009年11月4日{% endblock %}
"""
TITLE = ["关于开展", "简政强镇", "事权改革", "试点工作", "的通知"]
# 26 characters after the two of indent: each paragraph is exactly one full line.
FULL_LINE = "权责一致依法下放的原则将部分县级经济社会管理权限"


@pytest.fixture
def render(tmp_path, settings):
    """render(lines=…, **context) → PdfGeometry of a notice whose body has ``lines`` full lines."""
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    (tmp_path / "doc.html").write_text(DOCUMENT, encoding="utf-8")
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates

    def make(lines: int = 3, **context) -> PdfGeometry:
        context = {
            "doc_number": "东府办〔2009〕145号", "title_lines": title_lines(TITLE),
            "filler": [f"{n:02d}{FULL_LINE}" for n in range(lines)], **context,
        }
        return PdfGeometry(render_pdf("doc.html", context))

    return make


COLOPHON = {"cc": ["市委办公室", "市人大常委会办公室"], "printer": "东莞市人民政府办公室", "printed_on": "2009年11月4日"}


# --- 版头 ---------------------------------------------------------------------------------------
def test_head_mark_number_and_separator(render):
    pdf = render()
    mark = pdf.one("东莞市人民政府办公室文件")
    assert mark.color == pytest.approx(RED, abs=0.02)
    assert mark.em_top == pytest.approx(TEXT_BLOCK_TOP_MM + 35, abs=0.3)  # 72 mm from the page top
    top, _ = pdf.ink_rows(1, mark.x0, mark.em_top - 2, mark.x1, mark.em_top + 4)
    assert 72 <= top < 73  # what the eye sees: the strokes start right under the em box's top

    number = pdf.one("东府办〔2009〕145号")
    assert (number.x0 + number.x1) / 2 == pytest.approx(28 + 156 / 2, abs=0.5)  # centred
    # two blank lines of the grid between the mark and the number's line (whose em box sits
    # 2.58 mm into it): 2 × 10.22 mm ≤ gap < 2.5 lines
    gap = number.em_top - mark.em_bottom
    assert 2 * LINE <= gap < 2.5 * LINE, gap

    [separator] = [b for b in pdf.page_bands(1, RED) if b.horizontal]
    assert separator.y0 - number.em_bottom == pytest.approx(4, abs=0.2)
    assert (separator.x0, separator.x1) == (pytest.approx(28, abs=0.1), pytest.approx(184, abs=0.1))
    # the title: two blank lines under the separator
    title = pdf.one("关于开展简政强镇事权改革试点工作的通知")
    assert title.em_top - separator.y1 >= 2 * LINE


def test_head_without_number_has_no_separator(render):
    """The separator hangs on the number (7.2.7): without a number neither is printed."""
    pdf = render(doc_number="")
    assert not [b for b in pdf.page_bands(1, RED)]
    assert "〔" not in "".join(text for _, text in pdf.lines(1))
    mark, title = pdf.one("东莞市人民政府办公室文件"), pdf.one("的通知")
    assert mark.em_top == pytest.approx(72, abs=0.3)
    assert title.em_top - mark.em_bottom >= 2 * LINE  # two blank lines under the head


# --- 页码 ---------------------------------------------------------------------------------------
def test_page_numbers_seven_mm_under_the_text_block(render):
    pdf = render(lines=40)  # three pages
    assert pdf.page_count == 3
    for page in range(1, pdf.page_count + 1):
        number = pdf.one(f"— {page} —", page=page)
        dash_top, _ = pdf.ink_rows(page, number.x0, number.baseline - 3, number.x0 + 3, number.baseline + 1)
        assert dash_top - BLOCK_BOTTOM == pytest.approx(7, abs=0.2), page
        one_character = number.size * 25.4 / 72
        if page % 2:  # odd: on the right, one character in
            assert 184 - number.x1 == pytest.approx(one_character, abs=0.3)
        else:
            assert number.x0 - 28 == pytest.approx(one_character, abs=0.3)


# --- 标题 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("phrases", "expected"), [
    # fits on one line: not broken
    (["关于开展", "简政强镇", "事权改革", "试点工作", "的通知"], ["关于开展简政强镇事权改革试点工作的通知"]),
    # 24 characters: two even lines, broken between phrases (not "…行政管理事 / 项的公告")
    (["绩溪县人民政府", "关于向临溪镇", "下放", "行政管理事项", "的公告"],
     ["绩溪县人民政府关于向临溪镇", "下放行政管理事项的公告"]),
    (["东莞市人民政府", "关于向石龙镇", "下放", "行政管理事项", "的公告"],
     ["东莞市人民政府关于向石龙镇", "下放行政管理事项的公告"]),
    # a long town name moves the break, still between phrases
    (["绩溪县人民政府", "关于向上庄镇伏岭镇家朋乡", "下放", "行政管理事项", "的公告"],
     ["绩溪县人民政府关于向上庄镇伏岭镇家朋乡", "下放行政管理事项的公告"]),
    # three lines when two cannot hold it
    (["宣城市人民政府办公室", "关于印发", "宣城市扩权强镇试点工作", "实施方案和", "考核办法", "的通知"],
     ["宣城市人民政府办公室关于印发", "宣城市扩权强镇试点工作", "实施方案和考核办法的通知"]),
    # digits are half as wide
    (["关于", "2027年", "部分节假日安排", "的通知"], ["关于2027年部分节假日安排的通知"]),
])
def test_title_breaks_between_phrases(phrases, expected):
    lines = title_lines(phrases)
    assert lines == expected
    assert "".join(lines) == "".join(phrases)
    assert all(text_ems(line) <= 20 for line in lines)


def test_a_phrase_longer_than_a_line_is_cut():
    long = "一" * 45
    assert title_lines([long]) == ["一" * 20, "一" * 20, "一" * 5]


@pytest.mark.parametrize("phrases", [
    ["绩溪县人民政府", "关于向临溪镇", "下放", "行政管理事项", "的公告"],
    ["宣城市人民政府办公室", "关于印发", "宣城市扩权强镇试点工作", "实施方案和", "考核办法", "的通知"],
])
def test_rendered_title_keeps_its_lines(render, phrases):
    """Each computed line is one line in the PDF: WeasyPrint does not break it again."""
    pdf = render(title_lines=title_lines(phrases))
    rendered = [text for baseline, text in pdf.lines(1)
                if any(21 < s.size < 23 and abs(s.baseline - baseline) < 0.5 for s in pdf.page_spans(1))]
    assert rendered == title_lines(phrases)


# --- 署名 -----------------------------------------------------------------------------------------
def test_signature_never_alone_on_a_page(render):
    """Bodies ending all around the foot of page 1: the page with the signature has body text."""
    for lines in range(6, 16):
        pdf = render(lines=lines)
        date = [s for s in pdf.spans if s.text == "2009年11月4日"]
        assert len(date) == 1
        page = date[0].page
        body = [s for s in pdf.page_spans(page) if s.text.startswith(("特此通知", "0", "1"))]
        assert body, (lines, pdf.lines(page))


# --- 版记 -----------------------------------------------------------------------------------------
def colophon(pdf: PdfGeometry):
    cc = pdf.one("抄送：")
    rules = sorted((b for b in pdf.page_bands(cc.page) if b.horizontal and b.x1 - b.x0 > 150
                    and b.y0 > cc.em_top - LINE), key=lambda b: b.y0)
    return cc, rules


@pytest.mark.parametrize(("lines", "text_ends", "colophon_page", "numbered"), [
    (1, 1, 2, True),    # one page of text: the 版记 on the back (page 2), numbered
    (20, 2, 2, True),   # text ends on page 2 with room: the 版记 under it
    (25, 2, 4, False),  # page 2 full: a blank page 3, the 版记 on page 4, neither numbered (7.5)
    (28, 3, 4, True),   # text ends on page 3: the 版记 on page 4
])
def test_colophon_at_the_foot_of_the_last_even_page(render, lines, text_ends, colophon_page, numbered):
    pdf = render(lines=lines, **COLOPHON)
    assert pdf.one("特此通知。").page == text_ends
    cc, rules = colophon(pdf)
    assert cc.page == colophon_page == pdf.page_count
    assert cc.text == "抄送：市委办公室，市人大常委会办公室。"
    printed = pdf.one("2009年11月4日印发")
    [printer] = [s for s in pdf.page_spans(cc.page)
                 if s.text == "东莞市人民政府办公室" and abs(s.baseline - printed.baseline) < 0.5]
    assert printer.x0 - 28 == pytest.approx(14 * 25.4 / 72, abs=0.3)
    assert 184 - printed.x1 == pytest.approx(14 * 25.4 / 72, abs=0.3)  # one character in
    # thick first and last rules, a thin one between 抄送 and 印发; the last on the block's edge
    assert len(rules) == 3
    first, middle, last = rules
    assert first.y1 - first.y0 == pytest.approx(0.35, abs=0.02) and first.y1 <= cc.em_top
    assert middle.y1 - middle.y0 == pytest.approx(0.25, abs=0.02) and cc.em_bottom <= middle.y0 <= printed.em_top
    assert last.y1 - last.y0 == pytest.approx(0.35, abs=0.02)
    assert last.y1 == pytest.approx(BLOCK_BOTTOM, abs=0.1)
    numbers = {s.page for s in pdf.spans if s.text.startswith("— ")}
    assert (colophon_page in numbers) is numbered
    if not numbered:
        assert not pdf.page_spans(colophon_page - 1)  # the blank page
        assert colophon_page - 1 not in numbers
