"""PDF rendering: a GB/T 9704 official document with real, embedded CJK glyphs.

pdftotext and pdffonts (poppler-utils) read the PDF back: text that came out as boxes or a
font that was not embedded fails here, not in front of a county office.
"""

import re
import subprocess

import pytest
from django.template.loader import render_to_string

from core.pdf import render_pdf
from tests.system import require_binary, require_font

NOTICE = """{% extends "pdf/base_official.html" %}
{% block document_title %}{{ title }}{% endblock %}
{% block issuer %}东莞市人民政府办公室文件{% endblock %}
{% block title %}{{ title }}{% endblock %}
{% block recipient %}各镇人民政府（街道办事处），市府直属各单位：{% endblock %}
{% block body %}
<h2>一、试点范围</h2>
<p>{{ paragraph }}</p>
<h3>（一）下放事权</h3>
{% for p in filler %}<p>{{ p }}</p>{% endfor %}
{% endblock %}
{% block signature %}东莞市人民政府办公室{% endblock %}
{% block date %}2009年11月4日{% endblock %}
"""

LONG = ("试点镇要按照精简统一效能的原则，推进综合执法改革，整合执法资源，提高行政效率，"
        "切实做到权责一致，确保下放的事权接得住、管得好，为全市经济社会发展提供有力支撑。")
TITLE = "关于开展简政强镇事权改革试点工作的通知"
PARAGRAPH = "经市政府同意，确定石龙镇、塘厦镇为简政强镇事权改革试点镇，现将有关事项通知如下。"


@pytest.fixture
def notice_template(tmp_path, settings):
    """A small document template extending the official base, on the template path."""
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    (tmp_path / "notice.html").write_text(NOTICE, encoding="utf-8")
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    return "notice.html"


def context(pages: int = 1) -> dict:
    return {
        "title": TITLE,
        "doc_number": "东府办〔2009〕145号",
        "paragraph": PARAGRAPH + LONG,
        # about 18 lines of body per paragraph batch; more paragraphs for more pages
        "filler": ["按照权责一致、依法下放的原则，将部分县级经济社会管理权限下放至试点镇。"] * (12 * pages),
    }


def pdftotext(pdf: bytes, tmp_path) -> str:
    require_binary("pdftotext", package="poppler-utils")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: bytes, tmp_path) -> list[dict]:
    require_binary("pdffonts", package="poppler-utils")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:  # header and dashes
        # name type encoding emb sub uni object-id: the name has no spaces, emb is yes/no
        name = line.split()[0]
        flags = re.findall(r"\b(yes|no)\b", line)
        rows.append({"name": name, "emb": flags[0] == "yes", "uni": flags[2] == "yes"})
    return rows


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_base_template_carries_the_layout(notice_template):
    html = render_to_string(notice_template, context())
    assert "size: A4" in html
    assert "margin: 37mm 26mm 35mm 28mm" in html  # 天头 37, 订口 28 → 版心 156 × 225
    assert "Noto Serif CJK SC" in html
    assert "font-size: 16pt" in html and "font-size: 22pt" in html
    assert 'counter(page)' in html and "@bottom-right" in html
    assert "#e60012" in html  # red mark and separator
    assert '<div class="issuer">东莞市人民政府办公室文件</div>' in html
    assert '<div class="doc-number">东府办〔2009〕145号</div>' in html
    assert '<div class="separator"></div>' in html


def test_official_document_renders_chinese_text(notice_template, tmp_path):
    pdf = render_pdf(notice_template, context())

    assert pdf.startswith(b"%PDF")
    text = squeeze(pdftotext(pdf, tmp_path))
    for expected in (TITLE, PARAGRAPH, "东莞市人民政府办公室文件", "东府办〔2009〕145号", "一、试点范围",
                     "（一）下放事权", "2009年11月4日"):
        assert squeeze(expected) in text, expected
    assert "—1—" in text  # the page number


def test_cjk_font_is_embedded(notice_template, tmp_path):
    fonts = pdffonts(render_pdf(notice_template, context()), tmp_path)
    cjk = [f for f in fonts if "CJK" in f["name"] and "Noto" in f["name"]]
    assert cjk, fonts
    assert all(f["emb"] for f in cjk), fonts
    assert any("Serif" in f["name"] for f in cjk), fonts  # the 仿宋/宋 stand-in for the body
    assert all(f["emb"] for f in fonts), fonts  # nothing left to the reader's machine


def test_page_numbers_on_every_page(notice_template, tmp_path):
    text = squeeze(pdftotext(render_pdf(notice_template, context(pages=3)), tmp_path))
    numbers = re.findall(r"—(\d+)—", text)
    assert len(numbers) >= 3
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def bbox_lines(pdf: bytes, tmp_path, page: int) -> tuple[dict, list[dict]]:
    """The page size and the text lines of one page, in points, from pdftotext -bbox-layout."""
    require_binary("pdftotext", package="poppler-utils")
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    lines = []
    for attrs, inner in re.findall(r"<line ([^>]*)>(.*?)</line>", out, re.S):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
        text = "".join(re.findall(r"<word[^>]*>(.*?)</word>", inner))
        lines.append({**{k: float(v) for k, v in box.items()}, "text": text})
    return {"width": float(size[1]), "height": float(size[2])}, lines


def mm(points: float) -> float:
    return points * 25.4 / 72


def test_page_and_text_block_geometry(notice_template, tmp_path):
    """A4; 版心 from 28 mm to 184 mm across and from 37 mm down; 22 lines of 28 characters."""
    pdf = render_pdf(notice_template, context(pages=3))
    size, lines = bbox_lines(pdf, tmp_path, page=2)  # a page of body text only
    assert (round(mm(size["width"])), round(mm(size["height"]))) == (210, 297)

    body = [line for line in lines if "—" not in line["text"]]
    assert len(body) == 22
    assert abs(mm(min(line["xMin"] for line in body)) - 28) < 0.5  # 订口 28 mm
    assert 182.5 < mm(max(line["xMax"] for line in body)) <= 184.5  # 28 + 156 mm, justified
    assert 37 <= mm(body[0]["yMin"]) < 37 + 10.22  # 天头 37 mm, first line
    assert mm(body[-1]["yMax"]) <= 37 + 225  # the last line inside the 225 mm block
    assert max(len(line["text"]) for line in body) == 26  # 2 characters of indent + 26 = 28

    # A long paragraph's middle line has no indent: the full 28 characters.
    _, first_page = bbox_lines(pdf, tmp_path, page=1)
    assert 28 in {len(line["text"]) for line in first_page}

    # The page number sits below the text block, in the bottom margin.
    numbers = [line for line in lines if "—" in line["text"]]
    assert numbers and all(mm(line["yMin"]) > 37 + 225 for line in numbers)
