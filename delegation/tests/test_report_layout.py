"""The notice and the agreement measured as GB/T 9704 documents (pymupdf, mm from the top left).

The demo catalogue of 临溪镇, plus a second batch (its own number, publication and effective
dates) holding an item moved to the town's front desk (窗口前移). Documents are rendered once
for the module, inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.db import transaction

from core.tests.pdf_geometry import RED, PdfGeometry, same_colour
from delegation import reports, services
from delegation.demo import load_demo_delegation
from delegation.models import Assignment
from regions.demo import load_demo_regions
from regions.models import Department, Division
from tests.system import require_font

LINXI, HUAYANG = "341824101", "341824100"
HEADERS = ["序号", "事项编码", "事项名称", "事项类别", "下放部门", "实施依据", "方式", "备案要求"]
LINE = 10.22


def _second_batch(linxi: Division) -> None:
    county = linxi.parent
    batch = services.batch_create(division=county, code="JX-2026-02", name="绩溪县向临溪镇下放第二批行政管理事项",
                                  document_number="绩政〔2026〕30号", effective_on=datetime.date(2027, 1, 1))
    item = services.item_create(
        code="JX-RSJ-001", name="灵活就业人员社会保险登记", category="public_service",
        department=Department.objects.get(code="341824-FGW"), legal_basis="《社会保险法》", legal_article="第五十八条",
        route_before_approval="县人社局", route_after_approval="县人社局", filing_deadline="1M",
    )
    services.item_publish(item=item, batch=batch, actor=None)
    services.batch_publish(batch=batch, actor=None, published_on=datetime.date(2026, 11, 20))
    services.assignment_create(item=item, division=linxi, mode="front_desk")


def _agreement_covering(linxi: Division, count: int) -> Assignment:
    """An agreement of 县发改委 covering ``count`` items: the body grows a table row each."""
    department = Department.objects.get(code="341824-FGW")
    # entered after the fact (补录): an open batch whose date has passed puts its items in force
    batch = services.batch_create(division=linxi.parent, code=f"JX-2009-{count:02d}", name=f"补录批次{count}",
                                  effective_on=datetime.date(2010, 1, 1))
    agreement = services.agreement_create(
        number=f"绩委协〔2010〕{20 + count}号", department=department, division=linxi,
        department_signatory="县发改委主任", receiver_signatory="临溪镇镇长", signed_on=datetime.date(2009, 12, 28),
    )
    first = None
    for n in range(count):
        item = services.item_publish(item=services.item_create(
            code=f"JX-FGW-{count}{n:02d}", name=f"企业投资项目备案变更登记（第{n + 1}类）", category="approval",
            department=department, legal_basis="《企业投资项目核准和备案管理条例》", legal_article="第十四条",
            route_before_approval="县发改委", route_after_approval="临溪镇人民政府", filing_body="县发改委",
            filing_deadline="1M",
        ), batch=batch, actor=None)
        assignment = services.assignment_create(item=item, division=linxi, mode="devolve", agreement=agreement)
        first = first or assignment
    return first


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_regions()
        load_demo_delegation()
        linxi, huayang = Division.objects.get(code=LINXI), Division.objects.get(code=HUAYANG)
        _second_batch(linxi)
        entrusted = Assignment.objects.get(item__code="JX-CGJ-001", division=linxi)
        docs = {
            "notice": PdfGeometry(reports.catalogue_pdf(division=linxi)),
            "empty": PdfGeometry(reports.catalogue_pdf(division=huayang)),
            "agreement": PdfGeometry(reports.agreement_pdf(assignment=entrusted)),
            # bodies of 1 … 9 table rows: the body's end walks down across page ends
            "agreements": [PdfGeometry(reports.agreement_pdf(assignment=_agreement_covering(linxi, n)))
                           for n in (1, 2, 3, 4, 6, 9)],
        }
        transaction.set_rollback(True)
    if folder := os.environ.get("KQ_PDF_DUMP"):  # KQ_PDF_DUMP=/tmp/pdfs: keep them to look at
        named = {**{k: v for k, v in docs.items() if k != "agreements"},
                 **{f"agreement-{n}": pdf for n, pdf in enumerate(docs["agreements"], start=1)}}
        for name, pdf in named.items():
            Path(folder, f"{name}.pdf").write_bytes(pdf.content)
    return docs


def page_text(pdf: PdfGeometry, page: int) -> str:
    return "".join(text for _, text in pdf.lines(page))


# --- 版头 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["notice", "agreement"])
def test_head_geometry(documents, name):
    pdf = documents[name]
    mark = next(s for s in pdf.page_spans(1) if s.color == pytest.approx(RED, abs=0.02))
    assert mark.em_top == pytest.approx(72, abs=0.3)  # 35 mm under the text block's top
    number = next(s for s in pdf.page_spans(1) if "〔" in s.text)
    assert 2 * LINE <= number.em_top - mark.em_bottom < 2.5 * LINE  # two blank lines
    [separator] = pdf.page_bands(1, RED)
    assert separator.y0 - number.em_bottom == pytest.approx(4, abs=0.2)


def test_empty_notice_has_neither_number_nor_separator(documents):
    pdf = documents["empty"]
    assert "尚无施行中的下放行政管理事项" in page_text(pdf, 1)
    assert "〔" not in page_text(pdf, 1)
    assert pdf.page_bands(1, RED) == []
    assert "附件" not in page_text(pdf, 1)  # nothing to attach


# --- 标题 -----------------------------------------------------------------------------------------
def test_notice_title_breaks_between_words(documents):
    pdf = documents["notice"]
    title = [text for baseline, text in pdf.lines(1)
             if any(21 < s.size < 23 and abs(s.baseline - baseline) < 0.5 for s in pdf.page_spans(1))]
    assert title == ["绩溪县人民政府关于向临溪镇", "下放行政管理事项的公告"]


# --- 正文, 附件说明, 附件 --------------------------------------------------------------------------------
def test_item_list_is_an_attachment_on_its_own_page(documents):
    pdf = documents["notice"]
    closing = pdf.one("特此公告。")
    note = pdf.one("附件：临溪镇承接行政管理事项目录")
    signature = next(s for s in pdf.spans if s.text == "绩溪县人民政府" and not same_colour(s.color, RED))
    # 附件说明: one blank line under the body, two characters in, above the signature
    assert note.page == closing.page == signature.page
    assert note.em_top - closing.em_bottom >= LINE
    assert note.x0 - 28 == pytest.approx(2 * 16 * 25.4 / 72, abs=0.6)
    assert closing.baseline < note.baseline < signature.baseline
    # nothing of the list in the body
    body_pages = range(1, closing.page + 1)
    assert not any(pdf.find(name, page) for page in body_pages for name in ("JX-FGW-001", "序号"))

    # the attachment: a new page, "附件" in 黑体 at the top left, its title centred on line 3
    label = next(s for s in pdf.spans if s.text == "附件")
    assert label.page == closing.page + 1
    first_line = pdf.lines(label.page)[0]
    assert first_line[1] == "附件"
    assert "Sans" in label.font and label.x0 == pytest.approx(28, abs=0.3)
    assert 37 <= label.em_top < 37 + LINE / 2  # the first line
    title = pdf.one("临溪镇承接行政管理事项目录", page=label.page)
    assert title.size == pytest.approx(22, abs=0.1)
    assert (title.x0 + title.x1) / 2 == pytest.approx(106, abs=0.5)
    assert 37 + 2 * LINE <= title.baseline <= 37 + 3 * LINE  # the third line
    assert pdf.find("JX-FGW-001", label.page)


def test_notice_states_each_batch_with_its_own_document_and_dates(documents):
    pdf = documents["notice"]
    body = "".join(page_text(pdf, p) for p in range(1, pdf.one("特此公告。").page + 1))
    assert re.search(r"决定将\d+项行政管理事项以下放、委托、窗口前移方式交由临溪镇人民政府实施", body)
    assert re.search(r"上述事项分\d批公布", body)
    assert re.search(r"（一）《绩溪县向临溪镇下放第一批行政管理事项》（绩政〔2009〕88号，[^）]*公布）"
                     r"所列4项，自2010年1月1日起施行；", body)
    assert ("《绩溪县向临溪镇下放第二批行政管理事项》（绩政〔2026〕30号，2026年11月20日公布）"
            "所列1项，自2027年1月1日起施行") in body
    # the notice carries the latest batch's number and date
    assert pdf.find("绩政〔2026〕30号", 1)[0].em_top < 120
    assert [s for s in pdf.spans if s.text == "2026年11月20日"]
    # the table groups the items under their batch's heading
    table_page = pdf.one("临溪镇承接行政管理事项目录", page=pdf.one("特此公告。").page + 1).page
    table = "".join(page_text(pdf, p) for p in range(table_page, pdf.page_count + 1))
    first, second = table.index("绩政〔2009〕88号"), table.index("绩政〔2026〕30号")
    assert first < table.index("JX-FGW-001") < second < table.index("JX-RSJ-001")
    assert "自2027年1月1日起施行" in table[second:]


# --- the table --------------------------------------------------------------------------------------
def _table(pdf: PdfGeometry, page: int):
    """The table's vertical borders (one band per cell side) and the spans between them."""
    verticals = [b for b in pdf.page_bands(page) if not b.horizontal and b.y1 - b.y0 > 3]
    top, bottom = min(b.y0 for b in verticals), max(b.y1 for b in verticals)
    return verticals, [s for s in pdf.page_spans(page) if top < s.baseline < bottom]


@pytest.mark.parametrize("name", ["notice", "agreement"])
def test_every_cell_stays_inside_its_column(documents, name):
    """No text runs over a cell's border (窗口前移 did, in every row that had it)."""
    pdf = documents[name]
    pages = [p for p in range(1, pdf.page_count + 1) if pdf.find("事项编码", p)]
    assert pages
    for page in pages:
        verticals, spans = _table(pdf, page)
        edges = sorted({round((b.x0 + b.x1) / 2, 1) for b in verticals})
        assert len(edges) == 9
        assert (edges[0], edges[-1]) == (pytest.approx(28, abs=0.3), pytest.approx(184, abs=0.3))
        for span in spans:
            assert edges[0] < span.x0 and span.x1 < edges[-1], span.text
            crossed = [b for b in verticals if b.y0 <= span.baseline <= b.y1 and span.x0 < b.x1 and b.x0 < span.x1]
            assert not crossed, (span.text, crossed)
        # each header on one line: 下放部门 does not wrap
        for header in HEADERS:
            assert [s for s in spans if s.text == header], header
        if name == "notice":
            modes = [s for s in spans if s.text in ("下放", "委托", "窗口前移")]
            assert modes and all(edges[6] < s.x0 and s.x1 < edges[7] for s in modes)  # 方式


def test_front_desk_is_listed_whole(documents):
    pdf = documents["notice"]
    assert [s for s in pdf.spans if s.text == "窗口前移"]  # one span: not broken, not clipped


# --- 署名 -------------------------------------------------------------------------------------------
def test_agreement_signature_shares_its_page_with_the_body(documents):
    """Wherever the body ends, the page of the signatures holds body text above them."""
    pages_seen = set()
    for pdf in documents["agreements"]:
        party = next(s for s in pdf.spans if s.text.startswith("甲方：绩溪县发改委"))
        date = pdf.one("签署日期：2009年12月28日")
        assert date.page == party.page
        body = [s for s in pdf.page_spans(party.page) if s.baseline < party.baseline and s.size == pytest.approx(16, abs=0.1)
                and not s.text.startswith("—")]
        assert body, page_text(pdf, party.page)
        pages_seen.add(party.page)
    assert len(pages_seen) > 1  # the bodies did end on different pages


# --- 版记 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["notice", "empty", "agreement"])
def test_colophon_on_the_last_even_page(documents, name):
    pdf = documents[name]
    cc = pdf.one("抄送：")
    assert cc.page == pdf.page_count and cc.page % 2 == 0
    rules = [b for b in pdf.page_bands(cc.page) if b.horizontal and b.x1 - b.x0 > 150]
    assert max(b.y1 for b in rules) == pytest.approx(262, abs=0.1)
    assert "绩溪县扩权强镇工作领导小组办公室" in page_text(pdf, cc.page)
    assert pdf.find("印发", cc.page)
