"""Import and export of projects and allocations (core.importing, landuse's kinds): a preview
writes nothing, every error of a file is reported at once in a clerk's words, one bad row refuses
the whole file, and an exported file imports again."""

from __future__ import annotations

import pytest

from core.importing.services import export_content, import_file
from landuse.models import Allocation, Project
from landuse.tests.factories import fund_town

pytestmark = pytest.mark.django_db

HEAD = "镇,指标年度,项目名称,项目类型,用地面积（亩）,使用指标（亩）,占用耕地（亩）,位于工业集中区,园区外选址理由\n"


def csv(text: str) -> bytes:
    return ("\ufeff" + HEAD + text).encode()


@pytest.fixture
def people(load_personas):
    return load_personas()


def test_projects_preview_every_error_all_or_nothing_then_import(people):
    users, divisions = people
    bad = csv("341824101,2012,临溪工业园道路,公共基础设施,12.5,12.5,3,否,\n"
              "341824101,2012,临溪小学扩建,公共基础设施,1.23456,1,0,否,\n"
              "341824101,2012,园外厂房,工业园区项目,-4,2,0,否,\n"
              "341824100,2012,华阳项目,其他,5,5,0,否,\n")
    result = import_file(key="landuse.project", file_bytes=bad, actor=users["clerk_linxi"])
    assert not result.ok and not Project.objects.exists()
    messages = {(e.row, e.column): str(e.message) for e in result.errors}
    assert "四位小数" in messages[(3, "用地面积（亩）")]
    assert "负数" in messages[(4, "用地面积（亩）")]
    assert any(row == 5 and "管辖范围" in text for (row, _c), text in messages.items())
    good = csv("341824101,2012,临溪工业园道路,公共基础设施,12.5,12.5,3,否,\n"
               "341824101,2012,园区厂房,工业园区项目,4,2,0,是,\n")
    preview = import_file(key="landuse.project", file_bytes=good, actor=users["clerk_linxi"], dry_run=True)
    assert preview.ok and preview.total == 2 and not Project.objects.exists()
    done = import_file(key="landuse.project", file_bytes=good, actor=users["clerk_linxi"])
    assert done.ok and Project.objects.count() == 2
    assert Project.objects.get(name="园区厂房").in_industrial_zone
    # exported and imported again: the same two projects, nothing new
    content, _n = export_content(key="landuse.project", user=users["clerk_linxi"], fmt="csv")
    assert "临溪工业园道路" in content.decode("utf-8-sig")
    again = import_file(key="landuse.project", file_bytes=content, actor=users["clerk_linxi"])
    assert again.ok and Project.objects.count() == 2


def test_allocations_import_refuses_more_than_the_giver_has_and_reimports_once(people):
    users, divisions = people
    county, town = divisions["341824"], divisions["341824101"]
    fund_town(county, "100", year=2012)  # the county's quota of 2012, down from the province
    head = "类型,指标年度,调出区划代码,调出指标类别,调入区划代码,调入指标类别,面积（亩）,文号,下达日期,说明\n"
    over = ("\ufeff" + head + "逐级下达,2012,341824,一般指标,341824101,一般指标,150,绩土〔2012〕1号,2012-03-01,\n").encode()
    result = import_file(key="landuse.allocation", file_bytes=over, actor=users["office"])
    assert not result.ok and "100" in str(result.errors[0].message)
    assert Allocation.objects.filter(target__division=town).count() == 0
    good = ("\ufeff" + head + "逐级下达,2012,341824,一般指标,341824101,一般指标,60,绩土〔2012〕1号,2012-03-01,\n").encode()
    assert import_file(key="landuse.allocation", file_bytes=good, actor=users["office"]).ok
    assert import_file(key="landuse.allocation", file_bytes=good, actor=users["office"]).ok  # the same row: kept once
    assert Allocation.objects.filter(target__division=town).count() == 1
