"""The one-town dossier (一镇一档, issue 15 §2) for 临溪镇 from the demo data: the page shows every
section, each linking to its records; the PDF renders with its table of contents and every
section (pdftotext); another town's clerk gets 404."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from django.core.management import call_command

from dossier import sections

DEMOS = ("load_demo_personnel", "load_demo_delegation", "load_demo_finance", "load_demo_landuse",
         "load_demo_oversight")
TITLES = ["基本情况", "下放事项目录（施行中）", "行权记录与逾期备案", "财政结算对账", "台账校验", "机构编制使用情况",
          "建设用地指标", "督查问题与整改"]
LINXI = "341824101"
PERIOD = "start=2009-01-01&end=2026-12-31"


@pytest.fixture
def demo_all(demo, personas):
    for command in DEMOS:
        call_command(command, stdout=io.StringIO())
    return personas


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_linxi_dossier_pdf_and_page_have_every_section(demo_all, demo, client):
    town = demo[LINXI]
    client.force_login(demo_all["office"])
    response = client.get(f"/dossier/towns/{town.pk}/dossier.pdf?{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "临溪镇" in text and "一镇一档" in text and "目" in text
    for title in TITLES:
        assert text.count(title) >= 2, title  # the contents and the heading
    for figure in ("341824101", "已逾期未备案", "全部通过", "已销号"):
        assert figure in text, figure
    content, pages = sections.dossier_pdf(user=demo_all["office"], town=town,
                                          start=datetime.date(2009, 1, 1),
                                          end=datetime.date(2026, 12, 31))
    assert pages >= len(TITLES) + 1 and content.startswith(b"%PDF")
    # the page: every section, each linking to its records
    client.force_login(demo_all["auditor"])
    page = client.get(f"/dossier/towns/{town.pk}/?{PERIOD}").content.decode()
    for key in ("profile", "catalogue", "records", "finance", "ledger", "establishment", "land", "findings"):
        assert f'data-testid="dossier-section-{key}"' in page, key
    assert f"/oversight/findings/?town={town.pk}" in page
    assert f"/finance/towns/{town.pk}/" in page and f"/landuse/towns/{town.pk}/" in page
    assert f"/personnel/staffing/towns/{town.pk}/" in page
    assert "/delegation/records/?division=" in page
    # only this town's records: 华阳镇 is not in 临溪镇's tables
    assert "华阳镇" not in page.split('data-testid="dossier-section-catalogue"')[1]


def test_index_chooses_a_town_in_scope(personas, demo, client):
    client.force_login(personas["clerk_linxi"])
    index = client.get("/dossier/").content.decode()
    assert "临溪镇" in index and "华阳镇" not in index
    chosen = client.get(f"/dossier/?town={demo[LINXI].pk}&start=2026-01-01")
    assert chosen.status_code == 302 and chosen["Location"] == f"/dossier/towns/{demo[LINXI].pk}/?start=2026-01-01"
    assert client.get(f"/dossier/?town={demo['341824100'].pk}").status_code == 404
    assert client.get(f"/dossier/towns/{demo['341824100'].pk}/").status_code == 404
    assert client.get(f"/dossier/towns/{demo['341824100'].pk}/dossier.pdf").status_code == 404


def test_a_reversed_period_is_refused_on_the_page(personas, demo, client):
    client.force_login(personas["office"])
    page = client.get(f"/dossier/towns/{demo[LINXI].pk}/?start=2026-06-01&end=2026-01-01").content.decode()
    assert 'data-testid="error-end"' in page
