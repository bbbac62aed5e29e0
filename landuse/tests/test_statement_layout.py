"""The land-quota statement measured as a GB/T 9704 document (pymupdf): the closing line and the
signature never stand alone on a page (7.3.5.4), whichever paragraph ends the body.

The demo (regions, finance for the reclamation subsidy, landuse): 临溪镇 this year ends with 三、耕地占补平衡, 临溪镇 2013 with
四、复垦验收, 华阳镇 this year with 二、指标使用.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from core.tests.pdf_geometry import PdfGeometry
from finance.demo import load_demo_finance
from landuse import reports
from landuse.demo import load_demo_landuse
from regions.demo import load_demo_regions
from regions.models import Division
from tests.system import require_font

LINXI, HUAYANG = "341824101", "341824100"
SIGNATURE = "绩溪县扩权强镇工作领导小组办公室"


CASES = {"balance-last": (LINXI, None), "reclamation-last": (LINXI, 2013), "use-last": (HUAYANG, None)}


def _statement(name: str) -> PdfGeometry:
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    load_demo_regions()
    load_demo_finance()
    assert load_demo_landuse()
    code, year = CASES[name]
    pdf = PdfGeometry(reports.statement_pdf(town=Division.objects.get(code=code),
                                            year=year or timezone.localdate().year))
    if folder := os.environ.get("KQ_PDF_DUMP"):  # KQ_PDF_DUMP=/tmp/pdfs: keep them to look at
        Path(folder, f"statement-{name}.pdf").write_bytes(pdf.content)
    return pdf


def page_text(pdf: PdfGeometry, page: int) -> str:
    return "".join(text for _, text in pdf.lines(page))


@pytest.mark.parametrize(("name", "last_paragraph"), [
    ("balance-last", "三、耕地占补平衡"), ("reclamation-last", "四、复垦验收"), ("use-last", "二、指标使用")])
def test_signature_shares_its_page_with_the_last_paragraph(db, name, last_paragraph):
    pdf = _statement(name)
    closing = pdf.one("特此报告。")
    signature = next(s for s in pdf.spans if s.text == SIGNATURE and s.baseline > closing.baseline
                     and s.page == closing.page)
    date = next(s for s in pdf.page_spans(signature.page) if s.text.endswith("日") and s.baseline > signature.baseline)
    assert date.page == signature.page
    # the last paragraph's own lines stand above 特此报告 on the signature's page
    body = [s for s in pdf.page_spans(signature.page) if s.baseline < closing.baseline
            and s.size == pytest.approx(16, abs=0.1) and not s.text.startswith("—")]
    assert body, page_text(pdf, signature.page)
    assert last_paragraph in page_text(pdf, signature.page)
    # and that paragraph is the body's last: nothing of the body after it
    assert page_text(pdf, signature.page).index(last_paragraph) < page_text(pdf, signature.page).index("特此报告")

    # each paragraph stated once: none left out, none repeated by the move to the signature's block
    text = "".join(page_text(pdf, page) for page in range(1, pdf.page_count + 1))
    for heading in ("一、指标来源", "二、指标使用", "特此报告"):
        assert text.count(heading) == 1, heading
    assert text.count("三、耕地占补平衡") == (name != "use-last")
    assert text.count("四、复垦验收") == (name == "reclamation-last")
