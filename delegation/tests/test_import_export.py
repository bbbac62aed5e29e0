"""Import and export of the catalogue: every error with its row and column, all or nothing,
round trips, formula escaping, the Celery path, and the nightly bring-into-force task.

Built on the demo catalogue of 临溪镇 (clerk_linxi writes its records; clerk_other is 华阳镇,
same county, nothing taken over; office is the 绩溪县 office). Decision dates lie in 2026,
a year the holiday calendar knows.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pghistory.models import Events

from core.history import history_for
from core.importing import copying
from core.importing import services as import_services
from core.importing import tasks as import_tasks
from core.importing.models import ImportJob
from delegation import importing, services, tasks
from delegation.choices import ItemStatus
from delegation.demo import load_demo_delegation
from delegation.models import Assignment, Batch, ExerciseRecord, Item, ItemStatusChange
from delegation.resources import ExerciseRecordResource, ItemResource
from regions.models import Department, Division

D = datetime.date
LINXI, HUAYANG = "341824101", "341824100"

RECORD_HEADERS = [ExerciseRecordResource.fields[a].column_name for a in
                  ("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number", "officer", "filed_on")]


@pytest.fixture
def catalogue(personas):
    # A transactional test may run after another one flushed the migration-loaded calendar.
    from core import deadlines
    from core.models import CalendarYear
    from core.services import calendar_year_import_from_package

    if not CalendarYear.objects.filter(year=2026).exists():
        calendar_year_import_from_package(year=2026)
        deadlines.clear_cache()
    load_demo_delegation()
    return personas


def csv_bytes(headers, rows, *, bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def record_row(number, *, division=LINXI, item="JX-FGW-001", decided="2026-10-09", received="2026-10-08",
               outcome="准予", officer="", filed="", applicant=None):
    return [division, item, applicant or f"申请人{number}", received, decided, outcome, number, officer, filed]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def errors_at(result, row):
    return [(e.column, e.message) for e in result.errors if e.row == row]


# --- exercise records: every error, nothing written -------------------------------------------
def test_bad_rows_are_all_reported_with_row_and_column_and_nothing_is_written(catalogue):
    clerk = catalogue["clerk_linxi"]
    before = ExerciseRecord.objects.count()
    rows = [
        record_row("临政备〔2026〕101号"),                                   # 2: good
        record_row("临政备〔2026〕102号", decided="2026-13-45"),             # 3: impossible date
        record_row("临政备〔2026〕103号", received="下周一"),                # 4: text in a date column
        record_row("临政备〔2026〕104号", item="JX-NOPE-999"),              # 5: unknown item code
        record_row("临政备〔2026〕105号", item="JX-SWJ-001"),               # 6: in force, never taken over by 临溪
        record_row("临政备〔2026〕106号"),                                   # 7: first of a repeated number
        record_row("临政备〔2026〕106号", applicant="另一申请人"),            # 8: repeated inside the file
        record_row("临政备〔2026〕31号", applicant="不同的申请人"),           # 9: a filed record: its filing is not cleared
        record_row("华政备〔2026〕1号", division=HUAYANG),                   # 10: another town, by a clerk of 临溪
        record_row("临政备〔2026〕110号", outcome="同意了"),                 # 11: not a choice
    ]
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv", actor=clerk)

    h = dict(zip(("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number"), RECORD_HEADERS, strict=False))
    assert not result.committed and result.created == 0
    assert errors_at(result, 2) == []
    assert errors_at(result, 3) == [(h["decided_on"], "“2026-13-45”不是存在的日期。")]
    assert errors_at(result, 4) == [(h["received_on"], "“下周一”不是有效的日期，请按 2026-01-31 的格式填写。")]
    assert errors_at(result, 5) == [(h["item"], "未找到事项编码“JX-NOPE-999”。")]
    [(column, message)] = errors_at(result, 6)
    assert column == h["item"] and "未承接事项“跨镇河道采砂许可”" in message
    assert errors_at(result, 7) == []
    assert errors_at(result, 8) == [(h["decision_number"], "决定文号“临政备〔2026〕106号”在文件中重复（第 7 行和第 8 行）。")]
    [(column, message)] = errors_at(result, 9)
    assert column == "备案日期" and "“临政备〔2026〕31号”的办件已于" in message and "不能通过导入改为（空）" in message
    assert errors_at(result, 10) == [(h["division"], "无权为该单位登记（华阳镇）。")]
    [(column, message)] = errors_at(result, 11)
    assert column == h["outcome"] and message.startswith("“同意了”不是可选的值")
    assert {e.row for e in result.errors} == {3, 4, 5, 6, 8, 9, 10, 11}
    assert ExerciseRecord.objects.count() == before


def test_one_bad_row_among_many_keeps_the_good_ones_out(catalogue):
    """django-import-export's default would commit the other rows; here nothing is written."""
    rows = [record_row(f"临政备〔2026〕2{i:03d}号") for i in range(300)]
    rows[150][4] = "2026/02/30"
    before = ExerciseRecord.objects.count()
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv", actor=catalogue["clerk_linxi"])
    assert [e.row for e in result.errors] == [152]
    assert ExerciseRecord.objects.count() == before


def test_missing_column_or_no_rows_is_one_clear_error(catalogue):
    headers = [h for h in RECORD_HEADERS if h != RECORD_HEADERS[6]]
    result = importing.import_exercise_records(file_bytes=csv_bytes(headers, [["x"] * 8]), fmt="csv", actor=catalogue["clerk_linxi"])
    assert result.errors == [(1, "决定文号", "缺少必填列“决定文号”。")]
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, [[""] * 9]), fmt="csv", actor=catalogue["clerk_linxi"])
    assert result.errors == [(0, "", "文件中没有数据行（第 1 行应为列名，数据从第 2 行开始）。")]
    gbk = "\n".join([",".join(RECORD_HEADERS), ",".join(record_row("临政备〔2026〕120号"))]).encode("gb18030")
    result = importing.import_exercise_records(file_bytes=gbk, fmt="csv", actor=catalogue["clerk_linxi"], dry_run=True)
    assert (result.errors, result.created) == ([], 1)  # Excel's "CSV" on Chinese Windows is GBK


def test_entrusted_item_needs_an_officer_with_a_valid_certificate(catalogue):
    rows = [
        record_row("临城罚〔2026〕21号", item="JX-CGJ-001", outcome="处罚", officer="LX-001"),
        record_row("临城罚〔2026〕22号", item="JX-CGJ-001", outcome="处罚", officer="LX-002"),
        record_row("临城罚〔2026〕23号", item="JX-CGJ-001", outcome="处罚"),
    ]
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv",
                                               actor=catalogue["clerk_linxi"], dry_run=True)
    assert errors_at(result, 2) == []
    assert [c for c, _ in errors_at(result, 3)] == ["承办人"] and "行政执法证" in errors_at(result, 3)[0][1]
    assert errors_at(result, 4) == [("承办人", "委托事项须填写持有行政执法证的承办人。")]


# --- exercise records: a good file ---------------------------------------------------------
def test_good_file_commits_every_row_attributed_to_the_importing_user(catalogue):
    clerk = catalogue["clerk_linxi"]
    rows = [  # the first was filed before its due date (11-09) but is entered later: a late entry, its 回执
        [*record_row("临政备〔2026〕301号", filed="2026-10-20"), "绩发改备〔2026〕1号"],
        [*record_row("临政规〔2026〕302号", item="JX-JW-001", decided="2026-09-30", received="2026-09-01"), ""],
        [*record_row("临城罚〔2026〕303号", item="JX-CGJ-001", outcome="处罚", officer="LX-001"), ""],
    ]
    headers = [*RECORD_HEADERS, ExerciseRecordResource.fields["filing_receipt_number"].column_name]
    result = importing.import_exercise_records(file_bytes=csv_bytes(headers, rows), fmt="csv", actor=clerk)

    assert result.errors == [] and result.committed and (result.total, result.created) == (3, 3)
    records = {r.decision_number: r for r in ExerciseRecord.objects.filter(decision_number__in=[r[6] for r in rows])}
    assert len(records) == 3
    first = records["临政备〔2026〕301号"]
    assert (first.filed_on, first.filing_due_on, first.created_by, first.updated_by) == (D(2026, 10, 20), D(2026, 11, 9), clerk, clerk)
    assert records["临城罚〔2026〕303号"].officer.staff_number == "LX-001"
    [event] = history_for(first)
    assert (event["label"], event["user"], event["reason"]) == ("insert", "clerk_linxi", "导入办件记录")


def test_reimporting_the_same_file_is_a_no_op(catalogue):
    clerk = catalogue["clerk_linxi"]
    data = csv_bytes(RECORD_HEADERS, [record_row("临政备〔2026〕401号"), record_row("临政备〔2026〕402号")])
    assert importing.import_exercise_records(file_bytes=data, fmt="csv", actor=clerk).created == 2
    events = Events.objects.count()
    again = importing.import_exercise_records(file_bytes=data, fmt="csv", actor=clerk)
    assert (again.errors, again.created, again.unchanged) == ([], 0, 2)
    assert Events.objects.count() == events


def test_office_imports_for_towns_of_its_county_only(catalogue):
    office = catalogue["office"]
    rows = [record_row("临政备〔2026〕501号"), record_row("石政备〔2026〕1号", division="441900102")]
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv", actor=office, dry_run=True)
    assert errors_at(result, 2) == []
    assert errors_at(result, 3) == [("承接主体", "无权为该单位登记（石龙镇）。")]


# --- items and assignments through django-import-export ---------------------------------------
ITEM_HEADERS = [ItemResource.fields[a].column_name for a in
                ("code", "name", "category", "department", "legal_basis", "route_before_approval", "route_after_approval",
                 "statutory_limit", "promised_limit")]


def test_items_import_lists_every_error_and_writes_nothing(catalogue):
    office = catalogue["office"]
    rows = [
        ["JX-NEW-001", "新事项一", "行政许可", "341824-FGW", "《某法》", "县发改委", "临溪镇人民政府", "20", "5"],
        ["JX-NEW-002", "新事项二", "行政许可", "发改委", "《某法》", "县发改委", "临溪镇人民政府", "二十", "5"],
        ["JX-NEW-001", "重复编码", "行政许可", "341824-FGW", "《某法》", "县发改委", "临溪镇人民政府", "", ""],
        ["JX-NEW-004", "越权", "行政许可", "441900-FGW", "《某法》", "市发改委", "镇政府", "", ""],
        ["JX-NEW-005", "时限", "未知类别", "341824-FGW", "《某法》", "县发改委", "临溪镇人民政府", "5", "10"],
    ]
    before = Item.objects.count()
    result = importing.import_catalogue(kind="item", file_bytes=csv_bytes(ITEM_HEADERS, rows), fmt="csv", actor=office)

    assert errors_at(result, 2) == []
    assert errors_at(result, 3) == [("法定时限", "“二十”不是有效的整数，请只填写数字。")]
    assert errors_at(result, 4) == [("事项编码", "事项编码“JX-NEW-001”在文件中重复出现（第 2、4 行）。")]
    assert errors_at(result, 5) == [("下放部门", "无权为“东莞市发改委”登记或修改事项。")]
    assert ("事项类别", "“未知类别”不是可选的值，请填写：行政许可、行政审批、行政处罚、行政强制、行政检查、行政确认、行政征收、行政给付、行政奖励、行政裁决、其他行政权力、公共服务。") in errors_at(result, 6)
    assert ("承诺时限", "承诺时限不得超过法定时限。") in errors_at(result, 6)
    assert Item.objects.count() == before


def test_items_import_creates_drafts_and_updates_by_code(catalogue):
    office = catalogue["office"]
    rows = [
        ["JX-NEW-011", "新事项", "行政许可", "发改委", "《某法》", "县发改委", "临溪镇人民政府", "20", "5"],  # department by name
        ["JX-FGW-001", "企业投资项目备案（修订）", "行政审批", "341824-FGW", "《企业投资项目核准和备案管理条例》", "县发改委", "临溪镇人民政府", "20", "5"],
    ]
    result = importing.import_catalogue(kind="item", file_bytes=csv_bytes(ITEM_HEADERS, rows), fmt="csv", actor=office)
    assert result.errors == [] and (result.created, result.updated) == (1, 1)
    new = Item.objects.get(code="JX-NEW-011")
    assert (new.status, new.department.code, new.created_by) == (ItemStatus.DRAFT, "341824-FGW", office)
    assert Item.objects.get(code="JX-FGW-001").name == "企业投资项目备案（修订）"
    assert history_for(new)[0]["user"] == "office"


def test_item_resource_itself_is_all_or_nothing(catalogue):
    """The admin imports through the resource directly: a refused row still rolls back the good ones."""
    import tablib

    dataset = tablib.Dataset(headers=ITEM_HEADERS)
    dataset.append(["JX-NEW-021", "好行", "行政许可", "341824-FGW", "《某法》", "县发改委", "镇政府", "", ""])
    dataset.append(["JX-NEW-022", "坏行", "行政许可", "341824-FGW", "《某法》", "县发改委", "镇政府", "abc", ""])
    before = Item.objects.count()
    result = ItemResource(actor=catalogue["office"]).import_data(dataset, dry_run=False, use_transactions=False)
    assert result.has_validation_errors() and [r.number for r in result.invalid_rows] == [2]
    assert Item.objects.count() == before


def test_item_export_reimports_as_a_no_op(catalogue, client_for):
    office = catalogue["office"]
    response = client_for(office).get(reverse("delegation-import:export", args=["item", "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = read_csv(content)
    assert rows[0][:4] == ["事项编码", "事项名称", "事项类别", "下放部门"]
    assert len(rows) - 1 == Item.objects.filter(department__division__code="341824").count()
    events = Events.objects.count()
    result = importing.import_catalogue(kind="item", file_bytes=content, fmt="csv", actor=office)
    assert (result.errors, result.created, result.updated, result.unchanged) == ([], 0, 0, len(rows) - 1)
    assert Events.objects.count() == events

    rows[1][1] += "（改）"
    result = importing.import_catalogue(kind="item", file_bytes=csv_bytes(rows[0], rows[1:]), fmt="csv", actor=office)
    assert (result.errors, result.updated, result.unchanged) == ([], 1, len(rows) - 2)


def test_assignments_xlsx_round_trip_and_jurisdiction(catalogue):
    office = catalogue["office"]
    content = importing.export_rows(kind="assignment", queryset=importing.export_queryset("assignment", office), fmt="xlsx")
    result = importing.import_catalogue(kind="assignment", file_bytes=content, fmt="xlsx", actor=office)
    assert (result.errors, result.created, result.unchanged) == ([], 0, Assignment.objects.count())

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [c.value for c in sheet[1]][:6]
    rows = [
        ["JX-AJJ-001", LINXI, "下放", "便民服务中心", "", "2026-11-01"],     # a draft item: refused by the service
        ["JX-SWJ-001", "441900102", "下放", "", "", "2026-11-01"],           # a town outside the county
    ]
    wb = openpyxl.Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    before = Assignment.objects.count()
    result = importing.import_catalogue(kind="assignment", file_bytes=buffer.getvalue(), fmt="xlsx", actor=office)
    assert any("不能交办" in m for _, m in errors_at(result, 2))
    assert ("承接主体", "无权为该单位登记。") in errors_at(result, 3)
    assert Assignment.objects.count() == before


# --- exports: BOM, formulas, XLSX ----------------------------------------------------------
def test_formula_cells_are_escaped_and_read_back_unchanged(catalogue):
    clerk = catalogue["clerk_linxi"]
    dangerous = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "＝1+1", "'quoted"]
    rows = [record_row(f"临政备〔2026〕6{i:02d}号", applicant=text) for i, text in enumerate(dangerous)]
    assert importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv", actor=clerk).created == 6
    qs = importing.export_queryset("exercise_record", clerk).filter(decision_number__startswith="临政备〔2026〕6")

    exported = read_csv(importing.export_rows(kind="exercise_record", queryset=qs, fmt="csv"))
    applicants = [row[2] for row in exported[1:]]
    assert applicants == ["'" + text for text in dangerous]

    sheet = openpyxl.load_workbook(io.BytesIO(importing.export_rows(kind="exercise_record", queryset=qs, fmt="xlsx"))).active
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'" + text for text in dangerous]
    assert {c.data_type for c in cells} == {"s"}  # text, not formulas

    again = importing.import_exercise_records(file_bytes=importing.export_rows(kind="exercise_record", queryset=qs, fmt="csv"),
                                              fmt="csv", actor=clerk)
    assert (again.errors, again.unchanged) == ([], 6)


def test_exercise_records_xlsx_round_trip_keeps_dates(catalogue):
    clerk = catalogue["clerk_linxi"]
    qs = importing.export_queryset("exercise_record", clerk)
    content = importing.export_rows(kind="exercise_record", queryset=qs, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == [*RECORD_HEADERS, "备案回执编号", "备案期限", "备案期限为暂定"]  # the last two: export only
    assert isinstance(sheet.cell(row=2, column=5).value, datetime.datetime)  # a real date cell
    result = importing.import_exercise_records(file_bytes=content, fmt="xlsx", actor=clerk)
    assert (result.errors, result.created, result.unchanged) == ([], 0, qs.count())


def test_export_follows_scope_and_list_filters_with_constant_queries(catalogue, client_for, django_assert_max_num_queries):
    other = client_for(catalogue["clerk_other"])
    rows = read_csv(other.get(reverse("delegation-import:export", args=["exercise_record", "csv"])).content)
    assert len(rows) == 1  # 华阳镇 sees none of 临溪镇's records

    clerk = client_for(catalogue["clerk_linxi"])
    url = reverse("delegation-import:export", args=["exercise_record", "csv"])
    with django_assert_max_num_queries(4):  # session, user, memberships, the rows: none per row
        rows = read_csv(clerk.get(url).content)
    assert len(rows) - 1 == ExerciseRecord.objects.filter(division__code=LINXI).count() == 5
    for kind in ("item", "assignment"):
        with django_assert_max_num_queries(4):
            assert len(read_csv(clerk.get(reverse("delegation-import:export", args=[kind, "csv"])).content)) > 1
    item = Item.objects.get(code="JX-FGW-001")
    rows = read_csv(clerk.get(url, {"item": item.pk}).content)
    assert {r[1] for r in rows[1:]} == {"JX-FGW-001"}
    assert clerk.get(reverse("delegation-import:export", args=["exercise_record", "pdf"])).status_code == 404


# --- the pages, uploads and the Celery path -------------------------------------------------
def test_upload_refuses_wrong_files_in_chinese(catalogue, client_for):
    client = client_for(catalogue["clerk_linxi"])
    url = reverse("delegation-import:start")
    page = client.get(url).content.decode()
    assert "上传并校验" in page and reverse("delegation-import:export", args=["exercise_record", "xlsx"]) in page
    cases = [
        ("records.txt", b"abc", "只能导入 Excel 工作簿（.xlsx）或 CSV 文件（.csv，UTF-8 编码）。"),
        ("records.xls", b"\xd0\xcf\x11\xe0abc", "不支持 Excel 97-2003 工作簿（.xls），请在 Excel 中另存为 .xlsx 后上传。"),
        ("records.xlsx", b"not a zip", "文件扩展名是 .xlsx，但内容不是 Excel 工作簿"),
    ]
    for name, data, message in cases:
        response = client.post(url, {"kind": "exercise_record", "file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    # clerks do not write the catalogue
    response = client.post(url, {"kind": "item", "file": SimpleUploadedFile("items.csv", b"a,b\n1,2\n")})
    assert "选择一个有效的选项" in response.content.decode() and not ImportJob.objects.exists()
    response = client_for(catalogue["auditor"]).post(url, {"kind": "exercise_record", "file": SimpleUploadedFile("r.csv", b"a\n")})
    assert response.status_code == 403


def test_small_file_preview_then_confirm_in_the_request(catalogue, client_for):
    clerk = catalogue["clerk_linxi"]
    client = client_for(clerk)
    data = csv_bytes(RECORD_HEADERS, [record_row("临政备〔2026〕701号"), record_row("临政备〔2026〕702号", decided="坏日期")])
    response = client.post(reverse("delegation-import:start"), {"kind": "exercise_record", "file": SimpleUploadedFile("r.csv", data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and not job.run_in_background
    assert (job.status, job.error_count, job.rendered_errors()) == (ImportJob.Status.INVALID, 1, [(3, "办结（决定）日期", "“坏日期”不是有效的日期，请按 2026-01-31 的格式填写。")])
    page = client.get(reverse("delegation-import:job", args=[job.pk])).content.decode()
    assert "“坏日期”不是有效的日期" in page and "确认导入" not in page
    assert client.post(reverse("delegation-import:job-confirm", args=[job.pk])).status_code == 302
    assert not ExerciseRecord.objects.filter(decision_number="临政备〔2026〕701号").exists()

    data = csv_bytes(RECORD_HEADERS, [record_row("临政备〔2026〕701号")])
    client.post(reverse("delegation-import:start"), {"kind": "exercise_record", "file": SimpleUploadedFile("r.csv", data)})
    job = ImportJob.objects.latest("id")
    assert job.status == ImportJob.Status.VALID and "确认导入" in client.get(reverse("delegation-import:job", args=[job.pk])).content.decode()
    client.post(reverse("delegation-import:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 1)
    assert ExerciseRecord.objects.get(decision_number="临政备〔2026〕701号").created_by == clerk
    # someone else's job is not found
    assert client_for(catalogue["clerk_other"]).get(reverse("delegation-import:job", args=[job.pk])).status_code == 404


def test_large_file_runs_in_celery_with_progress(catalogue, client_for, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(import_services, "INLINE_MAX_ROWS", 5)
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 4)
    seen = []
    original = ImportJob.objects.filter

    def spy(*args, **kwargs):  # records each progress update the task writes
        qs = original(*args, **kwargs)
        update = qs.update

        def tracked(**values):
            if "processed_rows" in values:
                seen.append(values["processed_rows"])
            return update(**values)

        qs.update = tracked
        return qs

    monkeypatch.setattr(ImportJob.objects, "filter", spy)
    clerk = catalogue["clerk_linxi"]
    client = client_for(clerk)
    data = csv_bytes(RECORD_HEADERS, [record_row(f"临政备〔2026〕8{i:02d}号") for i in range(10)])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("delegation-import:start"), {"kind": "exercise_record", "file": SimpleUploadedFile("big.csv", data)})
    assert len(callbacks) == 1  # enqueued after commit, run eagerly
    job = ImportJob.objects.get()
    assert job.run_in_background and (job.status, job.total_rows, job.processed_rows) == (ImportJob.Status.VALID, 10, 10)
    assert 4 in seen and 8 in seen
    status = client.get(reverse("delegation-import:job-status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in status and "校验通过" in status

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delegation-import:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportJob.Status.DONE, 10, 0)
    assert ExerciseRecord.objects.filter(decision_number__startswith="临政备〔2026〕8", created_by=clerk).count() == 10
    import_tasks.run_job_task.delay(job.pk)  # a redelivered message: nothing happens twice
    assert ExerciseRecord.objects.filter(decision_number__startswith="临政备〔2026〕8").count() == 10

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, processed_rows=3)
    status = client.get(reverse("delegation-import:job-status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in status and "30%" in status


@pytest.mark.django_db(transaction=True)
def test_streaming_writer_is_all_or_nothing(catalogue, monkeypatch):
    """Outside a transaction rows are COPYed by a second connection while the rest is checked:
    an error after a batch has been sent still leaves nothing behind."""
    monkeypatch.setattr(copying, "BATCH", 2)
    batches = []
    put = copying._Stream.put
    monkeypatch.setattr(copying._Stream, "put", lambda self, records: (batches.append(len(records)), put(self, records)))
    clerk = catalogue["clerk_linxi"]
    rows = [record_row(f"临政备〔2026〕9{i:02d}号") for i in range(9)]
    rows[8][3] = "2026-10-10"  # received after the decision: found by the rules, after four batches went out
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv", actor=clerk)
    assert result.errors == [(10, "办结（决定）日期", "办结日期不能早于受理日期。")] and not result.committed
    assert batches == [2, 2, 2, 2]  # four batches were already in the writer's transaction
    assert not ExerciseRecord.objects.filter(decision_number__startswith="临政备〔2026〕9").exists()

    rows[8][3] = "2026-10-08"
    result = importing.import_exercise_records(file_bytes=csv_bytes(RECORD_HEADERS, rows), fmt="csv", actor=clerk)
    assert result.errors == [] and result.committed and result.created == 9
    assert batches[4:] == [2, 2, 2, 2, 1]
    record = ExerciseRecord.objects.get(decision_number="临政备〔2026〕908号")
    assert history_for(record)[0]["user"] == "clerk_linxi"


# --- the nightly task ------------------------------------------------------------------------
def test_nightly_task_brings_published_items_into_force_on_the_batch_date(catalogue):
    office = catalogue["office"]
    county = Division.objects.get(code="341824")
    effective = D(2030, 1, 1)
    batch = services.batch_create(division=county, code="JX-2030-01", name="第二批", effective_on=effective, actor=office)
    item = services.item_create(actor=office, code="JX-NEW-901", name="新事项", category="licensing",
                                department=Department.objects.get(code="341824-FGW"), legal_basis="《某法》",
                                route_before_approval="县发改委", route_after_approval="临溪镇人民政府")
    item = services.item_publish(item=item, batch=batch, actor=office)
    assert item.status == ItemStatus.PUBLISHED

    assert tasks.bring_items_into_force_task.delay("2029-12-31").get() == 0
    assert Item.objects.get(pk=item.pk).status == ItemStatus.PUBLISHED
    assert tasks.bring_items_into_force_task.delay("2030-01-03").get() == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_FORCE
    change = ItemStatusChange.objects.filter(item=item).latest("id")
    assert (change.to_status, change.effective_on) == (ItemStatus.IN_FORCE, effective)
    assert tasks.bring_items_into_force_task.delay("2030-01-04").get() == 0
    assert Batch.objects.get(pk=batch.pk).items.filter(status=ItemStatus.IN_FORCE).count() == 1


# --- the admin -------------------------------------------------------------------------------
def test_admin_imports_items_through_the_resource_and_never_deletes(catalogue, client_for):
    admin = client_for(catalogue["admin"])
    assert admin.get(reverse("admin:delegation_item_changelist")).status_code == 200
    assert admin.get(reverse("admin:delegation_item_import")).status_code == 200
    item = Item.objects.get(code="JX-FGW-001")
    assert admin.get(reverse("admin:delegation_item_delete", args=[item.pk])).status_code == 403
    response = admin.post(reverse("admin:delegation_item_export"), {"format": "0", "resource": "0", **{
        f"itemresource_{name}": "on" for name in ("code", "name")}})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines()[0] == "事项编码,事项名称"
    data = csv_bytes(ITEM_HEADERS, [
        ["JX-NEW-031", "好行", "行政许可", "341824-FGW", "《某法》", "县发改委", "镇政府", "", ""],
        ["JX-NEW-031", "重复", "行政许可", "341824-FGW", "《某法》", "县发改委", "镇政府", "", ""],
    ])
    response = admin.post(reverse("admin:delegation_item_import"), {
        "format": "0", "resource": "0", "import_file": SimpleUploadedFile("items.csv", data)})
    assert response.status_code == 200 and "在文件中重复出现" in response.content.decode()
    assert not Item.objects.filter(code="JX-NEW-031").exists()
