"""绩溪县's demo supervision (issue 14 §9), over every app's demo: the last half year's
supervision with its bodies, the demo's supervision findings in every state linked to it, and
its written report v1 — whose text holds 临溪镇, the findings and the figures every app's demo
gives (delegation, finance, personnel, landuse), the same as the report's stored snapshot; the
report is served through core.files' check (the office and the auditor, not 临溪镇's clerk)."""

from __future__ import annotations

import time
from decimal import Decimal

from django.core.management import call_command

from oversight import reports_supervision, selectors_supervision
from oversight.choices import FindingState, ReportState, SupervisionState
from oversight.models import Supervision

from .test_supervision import pdf_text


def test_demo_supervision_and_report(demo, personas, client_for):
    selectors_supervision.register_files()
    for command in ("load_demo_personnel", "load_demo_delegation", "load_demo_finance", "load_demo_landuse",
                    "load_demo_oversight"):
        call_command(command)
    s = Supervision.objects.get(group__division__code="341824")
    assert s.state == SupervisionState.REPORTED
    assert {p.department.name for p in s.participants.select_related("department")} >= {"发改委", "法制办", "审计局", "财政局"}
    findings = list(selectors_supervision.supervision_findings(supervision=s))
    assert len(findings) == 6 and {f.state for f in findings} == set(FindingState.values)
    (report,) = s.reports.all()
    assert (report.version, report.state, report.requested_by.username) == (1, ReportState.DONE, "office")
    figures = report.figures
    (linxi,) = [t for t in figures["towns"] if t["name"] == "临溪镇"]
    with report.pdf.open("rb") as fh:
        text = pdf_text(fh.read())
    d, f, p, land = linxi["delegation"], linxi["finance"], linxi["personnel"], linxi["landuse"]
    # every app's demo shows in the figures (only 临溪镇 is steered: its figures are the totals)
    assert [t["name"] for t in figures["towns"]] == ["临溪镇"]
    assert d["assigned"] > 0 and p["approved"] > 0 and Decimal(land["received"]) > 0
    owed = f"{Decimal(f['owed']):,.2f}"
    for expected in [
        "中共绩溪县委、绩溪县人民政府：", "督查和检查共发现问题6个", "（1）临溪镇（6个）",
        "3件准予许可决定未在1个月内报县住建局备案（半年综合督查；备案不及时；一般",
        "派驻站所负责人年度考核未由镇党委提出意见（半年综合督查；编制和干部管理；严重",
        f"应承接事项{d['assigned']}项，已承接{d['taken_over']}项", f"本半年办结行权事项{d['records']}件",
        f"本半年应返还试点镇{owed}元", f"核定编制{p['approved']}名，实有{p['filled']}名",
        f"获得用地指标{Decimal(land['received']):,.2f}亩",  # mu shown with two places
        f"截至目前逾期未备案共{d['overdue_now']}件",
        "已销号1个，整改通过待销号1个，已报整改情况待审核1个，退回重新整改1个，待整改2个",
    ]:
        assert expected in text, (expected, text[text.find("（一）"):][:400])
    # the figure of the run: how long one version of the demo's report takes to build (-s prints it)
    started = time.perf_counter()
    pdf, _figures, pages = reports_supervision.report_build(report=report)
    took = time.perf_counter() - started
    print(f"\nsupervision report (demo, 临溪镇): {pages} pages, {len(pdf) / 1024:.0f} KiB, built in {took:.2f} s")
    assert pages == report.pages and pages >= 2
    # served through the checked view: the county's office and auditor, not a town's clerk
    url = report.pdf.url
    assert url.startswith("/files/")
    assert client_for(personas["office"]).get(url).status_code == 200
    assert client_for(personas["auditor"]).get(url).status_code == 200
    assert client_for(personas["clerk_linxi"]).get(url).status_code == 404
