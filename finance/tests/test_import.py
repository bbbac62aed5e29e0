"""Revenue records through the platform's import (core.importing): a good file is written through
the service, attributed; a file with errors writes nothing and names every error by row and
column, in the reader's language; a clerk imports her own town's revenue only; the export reads back."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.importing import services as jobs
from core.importing.errors import fill
from finance.models import RevenueRecord
from regions.models import Division

from .factories import linxi_arrangement

KEY = "finance.revenue_record"
HEADER = "镇,所属月份,收入科目,征收机关,金额（元）\n"


@pytest.fixture
def linxi(personas):
    town = Division.objects.get(code="341824101")
    linxi_arrangement(town)
    return town


def run(text: str, actor, dry_run=False):
    return jobs.import_file(key=KEY, file_bytes=("\ufeff" + HEADER + text).encode(), fmt="csv", actor=actor,
                            dry_run=dry_run)


def test_a_good_file_is_recorded_through_the_service(linxi, personas):
    result = run("341824101,2010-03,vat,临溪税务分局,\"1,291,666.66\"\n"
                 "临溪镇,2010年4月,企业所得税,临溪税务分局,553571.43\n", personas["clerk_linxi"])
    assert result.ok and result.created == 2, result.errors
    rows = list(RevenueRecord.objects.filter(town=linxi).order_by("month").values_list(
        "month", "category__code", "amount", "created_by__username"))
    assert rows == [(datetime.date(2010, 3, 1), "vat", Decimal("1291666.66"), "clerk_linxi"),
                    (datetime.date(2010, 4, 1), "cit", Decimal("553571.43"), "clerk_linxi")]


def test_a_dry_run_writes_nothing(linxi, personas):
    result = run("341824101,2010-03,vat,临溪税务分局,100.00\n", personas["office"], dry_run=True)
    assert result.ok and not RevenueRecord.objects.exists()


def test_a_file_with_errors_writes_nothing_and_names_every_one(linxi, personas):
    text = ("341824101,2010-03,vat,临溪税务分局,100.00\n"          # row 2: good, not written either
            "341824101,2010-03,vat,临溪税务分局,12.345\n"          # 3: three decimals
            "341824101,2010-03,vat,临溪税务分局,abc\n"             # 4: text
            "341824101,2010-03,vat,临溪税务分局,-50.00\n"          # 5: negative, not a reversal
            "341824101,2010-13,vat,临溪税务分局,10.00\n"           # 6: no such month
            "341824101,2010-03,deed_tax,县财政局,10.00\n"          # 7: a category the arrangement does not know
            "999999999,2010-03,vat,临溪税务分局,10.00\n"           # 8: no such town
            "341824101,2008-05,vat,临溪税务分局,10.00\n")          # 9: before the arrangement
    result = run(text, personas["office"])
    assert not result.ok and not RevenueRecord.objects.exists()
    got = {(e.row, e.column): e.message for e in result.errors}
    assert set(got) == {(3, "金额（元）"), (4, "金额（元）"), (5, "金额（元）"), (6, "所属月份"), (7, "收入科目"),
                        (8, "镇"), (9, "所属月份")}, got
    assert "最多两位小数" in got[(3, "金额（元）")] and "不是数字" in got[(4, "金额（元）")]
    assert "冲销" in got[(5, "金额（元）")] and "契税" in got[(7, "收入科目")]
    assert "没有施行中的财政体制" in got[(9, "所属月份")]
    # every message kept as its template: an English reader reads English
    with translation.override("en"):
        english = [fill(translation.gettext(e.msgid), e.params) for e in result.errors if e.msgid]
    assert len(english) == len(result.errors)


def test_a_clerk_imports_her_own_town_only(linxi, personas):
    result = run("341824101,2010-03,vat,临溪税务分局,100.00\n", personas["clerk_other"])
    assert not result.ok and not RevenueRecord.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [(2, "镇")] and "无权" in result.errors[0].message


def test_the_upload_page_checks_then_confirms(linxi, personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.importing.models import ImportJob

    client = client_for(personas["clerk_linxi"])
    page = client.get(reverse("finance-import:start")).content.decode()
    assert "财政收入记录" in page
    data = ("\ufeff" + HEADER + "341824101,2010-03,vat,临溪税务分局,100.00\n").encode()
    response = client.post(reverse("finance-import:start"), {"kind": "revenue_record", "file": SimpleUploadedFile("收入.csv", data)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = ImportJob.objects.get()
    assert job.kind == KEY and not RevenueRecord.objects.exists()  # checked, not yet imported


def test_export_reads_back_the_columns(linxi, personas, client_for):
    run("341824101,2010-03,vat,临溪税务分局,100.00\n", personas["office"])
    body = client_for(personas["office"]).get(
        reverse("finance-import:export", kwargs={"kind": "revenue_record", "fmt": "csv"})).content.decode("utf-8-sig")
    assert body.splitlines() == ["镇,所属月份,收入科目,征收机关,金额（元）", "341824101,2010-03,vat,临溪税务分局,100.00"]
    # the clerk of another town exports nothing of 临溪
    other = client_for(personas["clerk_other"]).get(
        reverse("finance-import:export", kwargs={"kind": "revenue_record", "fmt": "csv"})).content.decode("utf-8-sig")
    assert other.splitlines() == ["镇,所属月份,收入科目,征收机关,金额（元）"]
