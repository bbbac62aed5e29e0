"""Institutions, posts, people and the payroll count through the platform's import (issue 12 §4, §8):
a good file is written through the services (entries post to the ledger and reconcile with the
roll); a bad file lists every error by row and column in Chinese, never the ID number, and writes
nothing; a re-import is idempotent; exports read back and stay masked; the query count per row is flat."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing import services as jobs
from core.ledger.models import Posting
from core.testing.personas import TOWN_A
from personnel import selectors_staffing as sel
from personnel.choices_staffing import PersonStatus, PlanLineAction, PlanStatus
from personnel.models import InstitutionPlan, PayrollCount, Person, Post, StaffingMovement, id_check_digit
from personnel.tests.staffing_factories import id_number, staffed_town
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_module")]

PEOPLE = "镇,姓名,公民身份号码,出生日期,联系电话,政治面貌,学历,内设机构,岗位,职级,入编方式,入编文号,入编日期\n"


def run(key, header, text, actor, dry_run=False):
    return jobs.import_file(key=f"personnel.{key}", file_bytes=("\ufeff" + header + text).encode(), fmt="csv",
                            actor=actor, dry_run=dry_run)


@pytest.fixture
def linxi(demo):
    return demo[TOWN_A]


@pytest.fixture
def office_inst(linxi):
    inst, staff, _ = staffed_town(linxi, admin=3)
    return inst


def person_row(inst, name, number, *, post="科员", doc="绩人社〔2026〕1号", birth="1985-03-12"):
    return f"{inst.town.code},{name},{number},{birth},13905630001,中共党员,大学本科,{inst.name},{post},科员,考试录用（招聘）,{doc},2026-01-05\n"


def test_a_good_people_file_enters_everyone_and_reconciles_with_the_ledger(personas, office_inst):
    a, b = id_number(), id_number()
    text = person_row(office_inst, "王一", a) + person_row(office_inst, "王二", b.lower(), doc="绩人社〔2026〕2号")
    preview = run("person", PEOPLE, text, personas["clerk_linxi"], dry_run=True)
    assert preview.ok and preview.created == 2, preview.errors
    assert not Person.objects.exists()
    result = run("person", PEOPLE, text, personas["clerk_linxi"])
    assert result.ok and result.created == 2, result.errors
    people = Person.objects.filter(status=PersonStatus.IN).order_by("name")
    assert [(p.name, p.id_number, p.created_by.username) for p in people] == [
        ("王一", a, "clerk_linxi"), ("王二", b, "clerk_linxi")]
    entries = StaffingMovement.objects.filter(person__in=people)
    assert sorted(entries.values_list("document_number", flat=True)) == ["绩人社〔2026〕1号", "绩人社〔2026〕2号"]
    assert Posting.objects.filter(kind="enter", pk__in=entries.values("posting")).count() == 2
    numbers = sel.institution_numbers(office_inst)["admin"]
    assert numbers == {"approved": 3, "filled": 2, "free": 1}
    assert numbers["filled"] == Person.objects.filter(post__institution=office_inst, status=PersonStatus.IN).count()
    again = run("person", PEOPLE, text, personas["clerk_linxi"])  # the same file: nothing twice
    assert again.ok and (again.created, again.unchanged) == (0, 2), again.errors
    assert sel.institution_numbers(office_inst)["admin"]["filled"] == 2


def test_a_bad_people_file_lists_every_error_in_chinese_and_writes_nothing(personas, office_inst):
    good = id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    text = (person_row(office_inst, "王一", good)                                         # 2: good, not written
            + person_row(office_inst, "王二", bad, doc="d2")                              # 3: check digit
            + person_row(office_inst, "王三", id_number(), doc="d3").replace(office_inst.name, "不存在办")  # 4
            + person_row(office_inst, "王四", id_number(), doc="d4", birth="1985-13-01")  # 5: no such date
            + person_row(office_inst, "王五", id_number(), doc="d5").replace("中共党员", "党员"))  # 6
    result = run("person", PEOPLE, text, personas["clerk_linxi"])
    assert not result.ok and not Person.objects.exists() and not Posting.objects.filter(kind="enter").exists()
    got = {(e.row, e.column): e.message for e in result.errors}
    assert got[(3, "公民身份号码")] == "公民身份号码校验位不符（GB 11643），请核对是否录错。"
    assert "没有名为“不存在办”的内设机构" in got[(4, "内设机构")]
    assert got[(5, "出生日期")] == "“1985-13-01”不是存在的日期。"
    assert "不是可选的值" in got[(6, "政治面貌")]
    assert {e.row for e in result.errors} == {3, 4, 5, 6}
    assert all(bad not in e.message and good not in e.message for e in result.errors)


def test_no_free_post_is_that_rows_error_with_the_numbers_and_nothing_is_written(personas, linxi):
    inst, _, _ = staffed_town(linxi, admin=1)
    text = person_row(inst, "王一", id_number()) + person_row(inst, "王二", id_number(), doc="d2")
    result = run("person", PEOPLE, text, personas["office"])
    assert [(e.row, e.column) for e in result.errors] == [(3, "岗位")]
    assert result.errors[0].message == f"“{inst.name}”行政编制已满：核定 1 名，在编 1 名，空编 0 名。"
    assert not Person.objects.exists() and sel.institution_numbers(inst)["admin"]["free"] == 1


def test_an_id_number_repeated_in_the_file_names_the_rows_not_the_number(personas, office_inst):
    number = id_number()
    result = run("person", PEOPLE, person_row(office_inst, "王一", number)
                 + person_row(office_inst, "王二", number, doc="d2"), personas["office"])
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "公民身份号码", "公民身份号码与第 2、3 行相同。")]
    assert not Person.objects.exists()


def test_someone_else_s_town_is_refused(personas, demo, office_inst):
    result = run("person", PEOPLE, person_row(office_inst, "王一", id_number()), personas["clerk_other"])
    assert [e.column for e in result.errors] == ["镇"] and not Person.objects.exists()


POSTS = "镇,内设机构,岗位名称,编制类型,领导职数,岗位类别\n"


def test_posts_import_through_the_service_and_again_unchanged(personas, office_inst):
    text = f"临溪镇,{office_inst.name},综合岗,行政编制,,工作人员\n{office_inst.town.code},{office_inst.name},主任,行政编制,副科级,内设机构主要负责人\n"
    result = run("post", POSTS, text, personas["clerk_linxi"])
    assert result.ok and result.created == 2, result.errors
    head = Post.objects.get(institution=office_inst, title="主任")
    assert (head.kind, head.leader_level, head.role, head.created_by.username) == ("admin", "fk", "head", "clerk_linxi")
    again = run("post", POSTS, text, personas["clerk_linxi"])
    assert again.ok and again.unchanged == 2
    changed = run("post", POSTS, text.replace("主任,行政编制", "主任,事业编制"), personas["clerk_linxi"])
    assert [(e.row, e.column) for e in changed.errors] == [(3, "编制类型")]


INSTITUTIONS = "镇,机构名称,机构性质,重要内设机构,行政编制（名）,事业编制（名）\n"


def test_institutions_import_as_lines_of_a_draft_plan(personas, linxi, office_inst):
    text = (f"临溪镇,党建工作办公室,党政内设机构,是,2,0\n"
            f"临溪镇,{office_inst.name},党政内设机构,否,3,0\n")  # as it is: unchanged
    result = run("institution", INSTITUTIONS, text, personas["clerk_linxi"])
    assert result.ok and (result.created, result.unchanged) == (1, 1), result.errors
    plan = InstitutionPlan.objects.get(town=linxi, title="导入的机构调整设置方案")
    assert plan.status == PlanStatus.DRAFT
    assert list(plan.lines.values_list("action", "name", "is_key", "admin_posts")) == [
        (PlanLineAction.CREATE, "党建工作办公室", True, 2)]
    assert not linxi.institutions.filter(name="党建工作办公室").exists()  # only the approval sets it up
    assert run("institution", INSTITUTIONS, text, personas["clerk_linxi"]).unchanged == 2  # idempotent
    refused = run("institution", INSTITUTIONS, text.replace(",是,2,", ",是,4,"), personas["clerk_linxi"])
    assert [(e.row, e.column) for e in refused.errors] == [(2, "机构名称")]
    assert "已有“党建工作办公室”的事项" in refused.errors[0].message
    from personnel import services_staffing

    services_staffing.plan_submit(plan=plan, actor=personas["clerk_linxi"])
    pending = run("institution", INSTITUTIONS, text, personas["clerk_linxi"])  # submitted, not yet decided
    assert [(e.row, e.column) for e in pending.errors] == [(2, "机构名称")] and "已报批" in pending.errors[0].message
    assert InstitutionPlan.objects.filter(town=linxi, title="导入的机构调整设置方案").count() == 1


PAYROLL = "镇,月份,编制类型,发薪人数,说明\n"


def test_payroll_counts_import_and_text_in_a_number_is_refused(personas, linxi):
    result = run("payroll_count", PAYROLL, "临溪镇,2026-10,行政编制,12,\n临溪镇,2026年11月,事业编制,5,财政局\n",
                 personas["office"])
    assert result.ok and result.created == 2, result.errors
    assert sorted(PayrollCount.objects.values_list("month", "kind", "count")) == [
        (datetime.date(2026, 10, 1), "admin", 12), (datetime.date(2026, 11, 1), "public", 5)]
    again = run("payroll_count", PAYROLL, "临溪镇,2026-10,行政编制,12,\n", personas["office"])
    assert again.ok and again.unchanged == 1
    bad = run("payroll_count", PAYROLL, "临溪镇,2026-09,行政编制,十二,\n临溪镇,2026-13,行政编制,3,\n"
              "临溪镇,2026-08,行政编制,3,\n", personas["office"])
    assert [(e.row, e.column, e.message) for e in bad.errors] == [
        (2, "发薪人数", "“十二”不是有效的整数，请只填写数字。"),
        (3, "月份", "“2026-13”不是有效的月份，请按 2026-03 的格式填写。")]
    assert PayrollCount.objects.count() == 2
    clerk = run("payroll_count", PAYROLL, "临溪镇,2026-08,行政编制,3,\n", personas["clerk_linxi"])
    assert [e.column for e in clerk.errors] == ["镇"]  # the finance bureau's figure, not the town's


def _export(key, user, fmt="csv"):
    content, _count = jobs.export_content(key=f"personnel.{key}", user=user, fmt=fmt)
    return content.decode("utf-8-sig")


def test_exports_read_back_and_people_stay_masked(personas, office_inst):
    number = id_number()
    run("person", PEOPLE, person_row(office_inst, "王一", number), personas["office"])
    institutions = _export("institution", personas["office"])
    assert f"临溪镇,{office_inst.name},党政内设机构,否,3,0," in institutions
    assert "科员,行政编制,,工作人员,是" in _export("post", personas["auditor"])
    assert number in _export("person", personas["office"])
    masked = _export("person", personas["auditor"])
    assert "王一" in masked and number not in masked and "13905630001" not in masked
    # the office's own export imports again without entering anyone twice
    again = jobs.import_file(key="personnel.person", file_bytes=_export("person", personas["office"]).encode(),
                             fmt="csv", actor=personas["office"])
    assert again.ok and again.unchanged == 1, again.errors


def test_the_import_s_queries_grow_by_a_constant_per_row(personas, linxi):
    inst, _, _ = staffed_town(linxi, admin=12)

    def count(n, start):
        text = "".join(person_row(inst, f"李{start + i}", id_number(), doc=f"d{start + i}") for i in range(n))
        with CaptureQueriesContext(connection) as ctx:
            result = run("person", PEOPLE, text, personas["office"], dry_run=True)
        assert result.ok, result.errors
        return len(ctx.captured_queries)

    count(1, 90)  # the importer's grants are read once and cached on the user
    one, three, five = count(1, 0), count(3, 10), count(5, 20)
    assert three - one == five - three, (one, three, five)


def test_a_check_digit_is_what_the_standard_says():
    assert id_check_digit("11010519491231002") == "X"  # GB 11643-1999's own example
