"""The bundle's PDF (oversight.bundle.sections_pdf): its tables laid out with the column widths
computed in Python (table-layout: fixed), dates and codes never broken, a long table continued
with its header on the next page, the text extractable; and what the demo's bundle says about
rectifications and about a period without finance."""

from __future__ import annotations

import datetime
import re
import subprocess

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from oversight import bundle
from oversight.bundle import Section, Table
from oversight.tests.test_bundle import DEMOS
from tests.system import require_binary, require_font

D = datetime.date


def pages_text(content: bytes) -> list[str]:
    require_binary("pdftotext", package="poppler-utils")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return out.decode().split("\f")


def records_table(rows: int) -> Table:
    table = Table("逾期备案及逾期未备案的办件", ["镇", "事项", "决定文号", "办结日期", "备案期限"],
                  nowrap=frozenset({0, 3, 4}))
    for n in range(rows):
        table.rows.append(["临溪镇", f"对违反城市市容和环境卫生管理规定行为的处罚（第{n + 1}件）",
                           f"临政规〔2026〕{n + 1}号", "2026-08-21", "2026-09-21"])
    return table


def render(sections: list[Section]) -> tuple[bytes, int]:
    return bundle.sections_pdf(title_phrases=["绩溪县", "扩权强镇试点工作", "审计报告材料"], issuer="审计报告材料",
                               intro=["本材料由扩权强镇管理平台根据系统数据生成。"], sections=sections,
                               signature="扩权强镇管理平台", date=D(2026, 12, 5))


def test_tables_keep_dates_whole_and_continue_with_their_header():
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    long = Section("records", "行权记录与逾期备案", figures=[("办件", "60")], tables=[records_table(60)])
    money = Section("finance", "财政结算对账", tables=[Table("应返还与拨付", ["镇", "应返还（元）"], [["临溪镇", "33,221,678.91"]],
                                                            numeric=frozenset({1}))])
    content, pages = render([long, money])
    text = pages_text(content)[:pages]
    # every row's dates on one line: none broken inside (2026-0 / 8-21)
    body = "".join(text[1:])
    assert body.count("2026-08-21") == 60 and body.count("2026-09-21") == 60
    assert "33,221,678.91" in body
    # the 60 rows take several pages, each starting with the header row again
    with_rows = [n for n, page in enumerate(text) if "2026-08-21" in page]
    assert len(with_rows) >= 2
    for n in with_rows:
        assert re.search(r"镇\s+事项\s+决定文号\s+办结日期\s+备案期限", text[n]), text[n][:300]
    # the contents give each section's first page
    assert re.search(r"一、行权记录与逾期备案\s*\.+\s*2", text[0])
    assert re.search(rf"二、财政结算对账\s*\.+\s*{with_rows[-1] + 2}", text[0])


def test_columns_widths_go_into_the_document():
    table = records_table(3)
    widths = table.widths
    assert len(widths) == 5 and 99.9 < sum(widths) <= 100
    assert widths[1] == max(widths)  # the item's name takes most of the room
    html = render_to_string("pdf/oversight/bundle.html", {
        "title_lines": ["x"], "sections": [("一、x", "sec-x", Section("x", "x", tables=[table]))]})
    cols = re.findall(r'<col style="width: ([\d.]+)%">', html)
    assert [float(c) for c in cols] == pytest.approx(widths, abs=0.005)
    assert "table-layout: fixed" in html


@pytest.fixture
def demo_all(demo, personas):
    for command in DEMOS:
        call_command(command, verbosity=0)
    return personas


def test_demo_bundle_shows_rectifications_and_a_period_without_finance(demo_all, demo):
    county = demo["341824"]
    everything = bundle.scope_for(user=demo_all["auditor"], division=county, start=D(2009, 1, 1), end=D(2026, 12, 31))
    findings = bundle.findings_section(everything)
    rectified = {t.caption: t for t in findings.tables}["整改情况"]
    assert rectified.rows, "the demo's replies to its findings"
    for town, _finding, submitted, text, decision, decided in rectified.rows:
        assert town == "临溪镇" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", submitted) and text
        assert decision.startswith(("通过", "退回", "待审核"))
        assert decided == "—" if decision == "待审核" else re.fullmatch(r"\d{4}-\d{2}-\d{2}", decided)
    # a period with the demo's finance has its sums; one before it says there is nothing owed
    finance_years = bundle.finance_section(everything)
    assert "期间内没有应返还的财政分成。" not in finance_years.paragraphs and finance_years.tables[0].rows
    before = bundle.scope_for(user=demo_all["auditor"], division=county, start=D(2000, 1, 1), end=D(2000, 12, 31))
    assert "期间内没有应返还的财政分成。" in bundle.finance_section(before).paragraphs
