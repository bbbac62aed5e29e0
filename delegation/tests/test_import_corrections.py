"""Export → edit → import again updates the record (issue 6 §3: an edited applicant was refused as
"不能重复登记"), within what a clerk may correct, in the history; other edits are refused per row."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.history import history_for
from core.importing.models import ImportJob
from delegation import importing
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord

NUMBER = "临政备〔2026〕45号"  # 临溪镇, decided 2026-11-06, not filed yet


@pytest.fixture
def clerk(personas):
    load_demo_delegation()
    return personas["clerk_linxi"]


def exported(clerk) -> tuple[list[str], list[list[str]]]:
    """The clerk's records as the export page writes them (CSV), parsed back."""
    content = importing.export_rows(kind="exercise_record", queryset=importing.export_queryset("exercise_record", clerk),
                                    fmt="csv")
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return header, rows


def edited(clerk, number: str, **cells) -> bytes:
    """The export with the row of ``number`` edited (cells by column header)."""
    header, rows = exported(clerk)
    at = header.index("决定文号")
    (row,) = [r for r in rows if r[at] == number]
    for column, value in cells.items():
        row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def test_edited_applicant_updates_the_record_in_its_history(clerk, client_for):
    record = ExerciseRecord.objects.get(decision_number=NUMBER)
    before = record.applicant
    data = edited(clerk, NUMBER, 申请人="绩溪县临溪镇某某建材有限公司（更正）")
    client = client_for(clerk)
    client.post(reverse("delegation-import:start"), {"kind": "exercise_record", "file": SimpleUploadedFile("r.csv", data)})
    job = ImportJob.objects.latest("id")
    assert (job.status, job.errors, job.updated_count, job.created_count) == (ImportJob.Status.VALID, [], 1, 0)
    record.refresh_from_db()
    assert record.applicant == before  # checked, not written yet
    client.post(reverse("delegation-import:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.updated_count) == (ImportJob.Status.DONE, 1)
    record.refresh_from_db()
    assert record.applicant == "绩溪县临溪镇某某建材有限公司（更正）"
    assert record.updated_by == clerk
    newest = history_for(record)[0]
    assert newest["user"] == clerk.username
    assert newest["changes"]["applicant"] == {"before": before, "after": "绩溪县临溪镇某某建材有限公司（更正）"}
    assert "导入" in (newest["reason"] or "")
    # The same file again changes nothing.
    again = importing.import_exercise_records(file_bytes=data, fmt="csv", actor=clerk)
    assert (again.errors, again.updated, again.created) == ([], 0, 0)


def test_corrected_decision_date_moves_the_due_date_by_the_rule(clerk):
    record = ExerciseRecord.objects.get(decision_number=NUMBER)
    assert record.decided_on == datetime.date(2026, 11, 6)
    result = importing.import_exercise_records(file_bytes=edited(clerk, NUMBER, **{"办结（决定）日期": "2026-11-05"}),
                                               fmt="csv", actor=clerk)
    assert (result.errors, result.updated) == ([], 1)
    record.refresh_from_db()
    # One month from 5 November is Saturday 5 December: due on Monday 7 December (DOMAIN.md §0).
    assert (record.decided_on, record.filing_due_on) == (datetime.date(2026, 11, 5), datetime.date(2026, 12, 7))


def test_edits_a_clerk_may_not_make_are_refused_per_row_and_nothing_is_written(clerk):
    record = ExerciseRecord.objects.get(decision_number=NUMBER)
    header, rows = exported(clerk)
    at = {name: header.index(name) for name in ("决定文号", "事项", "申请人", "备案日期")}
    for row in rows:
        if row[at["决定文号"]] == NUMBER:
            row[at["事项"]] = "JX-GTJ-001"  # another item
            row[at["备案日期"]] = "2026-11-20"  # filing is its own step
        else:
            row[at["申请人"]] += "（改）"  # a correction that must not be written either
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    result = importing.import_exercise_records(file_bytes=out.getvalue().encode("utf-8"), fmt="csv", actor=clerk)
    line = 2 + [r[at["决定文号"]] for r in rows].index(NUMBER)
    refused = {(e.row, e.column): e.message for e in result.errors}
    assert set(refused) == {(line, "事项"), (line, "备案日期")}
    assert "事项不能通过导入更改" in refused[(line, "事项")]
    assert "备案请在办件页面办理" in refused[(line, "备案日期")]
    assert not any("重复登记" in m for m in refused.values())
    assert not result.committed
    assert not ExerciseRecord.objects.filter(applicant__endswith="（改）").exists()
    record.refresh_from_db()
    assert record.filed_on is None


def test_another_towns_record_is_not_corrected_by_its_clerk(clerk, personas):
    data = edited(clerk, NUMBER, 申请人="别人改的")
    result = importing.import_exercise_records(file_bytes=data, fmt="csv", actor=personas["clerk_other"])
    assert result.errors and all("无权为该单位登记" in e.message for e in result.errors)
    assert not ExerciseRecord.objects.filter(applicant="别人改的").exists()


def test_import_page_says_what_an_edited_export_may_correct(clerk, client_for):
    page = client_for(clerk).get(reverse("delegation-import:start")).content.decode()
    assert "导出的文件修改后可直接导入" in page
    assert "可更正申请人、受理日期、办结日期、办理结果和承办人" in page


@pytest.mark.django_db(transaction=True)
def test_corrections_commit_with_the_new_rows_on_the_streaming_path(personas):
    """Outside a transaction new rows are COPYed by a second connection: the corrections run in
    that same transaction, so both commit together (and the history names the clerk)."""
    from core import deadlines
    from core.models import CalendarYear
    from core.services import calendar_year_import_from_package

    if not CalendarYear.objects.filter(year=2026).exists():  # a transactional test flushed it
        calendar_year_import_from_package(year=2026)
        deadlines.clear_cache()
    load_demo_delegation()
    clerk = personas["clerk_linxi"]
    header, rows = exported(clerk)
    at = {name: header.index(name) for name in ("决定文号", "申请人")}
    new = list(rows[0])
    new[at["决定文号"]], new[at["申请人"]] = "临政备〔2026〕990号", "新登记的申请人"
    for row in rows:
        if row[at["决定文号"]] == NUMBER:
            row[at["申请人"]] = "更正后的申请人"
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows, new])
    result = importing.import_exercise_records(file_bytes=out.getvalue().encode("utf-8"), fmt="csv", actor=clerk)
    assert (result.errors, result.created, result.updated, result.committed) == ([], 1, 1, True)
    record = ExerciseRecord.objects.get(decision_number=NUMBER)
    assert record.applicant == "更正后的申请人"
    assert history_for(record)[0]["user"] == "clerk_linxi"
    assert ExerciseRecord.objects.filter(decision_number="临政备〔2026〕990号", applicant="新登记的申请人").exists()
