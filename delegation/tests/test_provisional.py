"""Provisional filing due dates (DOMAIN.md §0, issue 6 §1): a decision under a year whose holidays
are not entered is recorded with a weekends-only due date marked 暂定, and entering the year
recomputes it, in the history, listed for the office.

Built on the demo catalogue: clerk_linxi writes 临溪镇's records, clerk_other is 华阳镇 (same
county), office is 绩溪县's office. The test database's calendar knows 2004–2026; 2027 and
2028 are unknown. "Today" is moved with the ``today`` fixture (django.utils.timezone.localdate).
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import deadlines, provisional
from core.history import history_for
from core.models import CalendarYear
from core.services import calendar_year_set_manual
from delegation import importing, services
from delegation.choices import ItemStatus, Outcome
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord, FilingDueRecomputed, Item
from delegation.resources import ExerciseRecordResource
from delegation.tests.factories import AssignmentFactory, ExerciseRecordFactory, ItemFactory
from regions.models import Division

D = datetime.date
LINXI = "341824101"
API = "/api/v1/delegation"
BADGE_TITLE = "该年度节假日安排尚未录入，按周末推算，录入后自动重算"

# An invented but well-formed 2027: 元旦 Fri 1 – Sun 3 January, a holiday on Fri 15 January (where
# the provisional due date of a decision of 15 December 2026 falls), 春节 Sat 6 – Fri 12 February
# with make-up working days Sun 31 January and Sat 20 February.
DAYS_2027 = [
    *[(D(2027, 1, day), "holiday", "元旦") for day in (1, 2, 3)],
    (D(2027, 1, 15), "holiday", "测试假日"),
    *[(D(2027, 2, day), "holiday", "春节") for day in range(6, 13)],
    (D(2027, 1, 31), "workday", "春节调休上班"),
    (D(2027, 2, 20), "workday", "春节调休上班"),
]


@pytest.fixture(autouse=True)
def fresh_cache():
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture
def today(monkeypatch):
    """today(day): make ``timezone.localdate()`` answer ``day`` everywhere (it is read at call time)."""
    real = timezone.localdate

    def set_today(day: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: day if value is None else real(value, timezone))

    return set_today


@pytest.fixture
def known_calendar(db):
    """2025 and 2026 known, 2027 and 2028 not (a transactional test may have flushed the
    migration-loaded calendar)."""
    from core.services import calendar_year_import_from_package

    for year in (2025, 2026):
        if not CalendarYear.objects.filter(year=year).exists():
            calendar_year_import_from_package(year=year)
    deadlines.clear_cache()
    assert not CalendarYear.objects.filter(year__in=[2027, 2028]).exists()


@pytest.fixture
def catalogue(personas, known_calendar):
    load_demo_delegation()
    return {
        "items": {i.code: i for i in Item.objects.all()},
        "linxi": Division.objects.get(code=LINXI),
    }


def register(client, catalogue, number, decided="2026-12-15", received="2026-12-10"):
    return client.post(reverse("delegation:record-create"), {
        "division": catalogue["linxi"].pk, "item": catalogue["items"]["JX-FGW-001"].pk, "applicant": "临溪某公司",
        "received_on": received, "decided_on": decided, "outcome": Outcome.APPROVED, "decision_number": number,
    })


def enter_2027(actor):
    return calendar_year_set_manual(year=2027, days=DAYS_2027, notice="国办发明电〔2026〕99号（测试）", actor=actor)


# --- the flow of the "done when" -----------------------------------------------------
def test_a_december_decision_is_recorded_provisionally_and_recomputed_when_2027_is_entered(
    client_for, api_for, personas, catalogue, today
):
    today(D(2026, 12, 20))
    clerk = client_for(personas["clerk_linxi"])
    response = register(clerk, catalogue, "临政备〔2026〕901号")
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    moved = ExerciseRecord.objects.get(decision_number="临政备〔2026〕901号")
    # 1 month from 15 December 2026 → Fri 15 January 2027, counted with weekends only.
    assert (moved.filing_due_on, moved.filing_due_provisional) == (D(2027, 1, 15), True)
    # Decided 14 December → Thu 14 January 2027: provisional too, but no holiday falls on it.
    register(clerk, catalogue, "临政备〔2026〕902号", decided="2026-12-14")
    kept = ExerciseRecord.objects.get(decision_number="临政备〔2026〕902号")
    assert (kept.filing_due_on, kept.filing_due_provisional) == (D(2027, 1, 14), True)

    # 暂定 on the detail page and in the API.
    page = clerk.get(reverse("delegation:record-detail", args=[moved.pk])).content.decode()
    assert 'data-testid="due-provisional"' in page and BADGE_TITLE in page and "2027-01-15" in page
    detail = api_for(personas["clerk_linxi"]).get(f"{API}/exercise-records/{moved.pk}/").json()
    assert (detail["filing_due_on"], detail["due_provisional"]) == ("2027-01-15", True)

    office = personas["office"]
    calendar_year = enter_2027(office)
    assert calendar_year.recomputed == 1  # one due date moved

    moved.refresh_from_db()
    kept.refresh_from_db()
    assert (moved.filing_due_on, moved.filing_due_provisional) == (D(2027, 1, 18), False)  # past the holiday
    assert (kept.filing_due_on, kept.filing_due_provisional) == (D(2027, 1, 14), False)
    assert moved.updated_by == office
    detail = api_for(personas["clerk_linxi"]).get(f"{API}/exercise-records/{moved.pk}/").json()
    assert (detail["filing_due_on"], detail["due_provisional"]) == ("2027-01-18", False)
    page = clerk.get(reverse("delegation:record-detail", args=[moved.pk])).content.decode()
    assert 'data-testid="due-provisional"' not in page and "2027-01-18" in page

    # The history shows both states, the recompute attributed to the office.
    events = history_for(moved)  # newest first
    assert [e["label"] for e in events] == ["update", "insert"]
    assert (events[1]["data"]["filing_due_on"], events[1]["data"]["filing_due_provisional"]) == ("2027-01-15", True)
    update = events[0]
    assert update["changes"]["filing_due_on"] == {"before": "2027-01-15", "after": "2027-01-18"}
    assert update["changes"]["filing_due_provisional"] == {"before": True, "after": False}
    assert (update["user"], update["reason"]) == ("office", "record_due_recompute")

    # The moved record, and only it, is listed for the office.
    [row] = FilingDueRecomputed.objects.all()
    assert (row.record, row.year, row.old_due_on, row.new_due_on, row.still_provisional, row.actor) == (
        moved, 2027, D(2027, 1, 15), D(2027, 1, 18), False, office)
    listed = client_for(office).get(reverse("delegation:record-recomputed"))
    assert listed.status_code == 200
    assert [r.record_id for r in listed.context["object_list"]] == [moved.pk]
    html = listed.content.decode()
    assert "临政备〔2026〕901号" in html and "2027-01-18" in html and "临政备〔2026〕902号" not in html
    api_rows = api_for(office).get(f"{API}/due-recomputations/").json()["results"]
    assert [(r["record"], r["old_due_on"], r["new_due_on"]) for r in api_rows] == [(moved.pk, "2027-01-15", "2027-01-18")]

    # …and not for the clerk of another town: absent from the page and the API, 404 by id.
    other = personas["clerk_other"]
    assert list(client_for(other).get(reverse("delegation:record-recomputed")).context["object_list"]) == []
    assert api_for(other).get(f"{API}/due-recomputations/").json()["results"] == []
    assert api_for(other).get(f"{API}/due-recomputations/{row.pk}/").status_code == 404
    # The town's own clerk sees her record's change.
    assert [r.pk for r in client_for(personas["clerk_linxi"]).get(
        reverse("delegation:record-recomputed")).context["object_list"]] == [row.pk]


def test_the_date_rules_come_before_anything_about_the_calendar(client_for, personas, catalogue, today):
    today(D(2026, 12, 20))
    response = register(client_for(personas["clerk_linxi"]), catalogue, "临政备〔2026〕903号", decided="2026-12-21")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["decided_on"] == ["办结日期不能晚于今天。"]
    assert not any("节假日" in e for messages in errors.values() for e in messages)
    assert "尚未录入系统" not in response.content.decode()
    assert not ExerciseRecord.objects.filter(decision_number="临政备〔2026〕903号").exists()


def test_a_period_through_two_unknown_years_stays_provisional_after_the_first(personas, known_calendar, today):
    today(D(2026, 12, 20))
    assignment = AssignmentFactory(item=ItemFactory(status=ItemStatus.IN_FORCE, filing_deadline="300WD"))
    record = ExerciseRecordFactory(assignment=assignment, received_on=D(2026, 12, 1), decided_on=D(2026, 12, 15))
    provisional_due = record.filing_due_on
    assert provisional_due.year == 2028 and record.filing_due_provisional
    enter_2027(personas["office"])
    record.refresh_from_db()
    # 2027's weekday holidays (1, 15 January; 8–12 February) no longer count, its make-up days
    # (31 January, 20 February) do: 7 - 2 = 5 working days later, still 暂定 for 2028.
    assert record.filing_due_provisional is True
    assert record.filing_due_on > provisional_due
    expected = deadlines.DeadlineRule.parse("300WD").due_provisional(D(2026, 12, 15))
    assert (record.filing_due_on, expected.unknown_years) == (expected.date, frozenset({2028}))
    [row] = FilingDueRecomputed.objects.filter(record=record)
    assert (row.old_due_on, row.new_due_on, row.still_provisional) == (provisional_due, record.filing_due_on, True)


def test_a_due_date_of_a_known_year_is_not_provisional_and_is_left_alone(personas, known_calendar, today):
    today(D(2026, 12, 20))
    record = ExerciseRecordFactory(received_on=D(2026, 11, 1), decided_on=D(2026, 11, 2))
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2026, 12, 2), False)
    enter_2027(personas["office"])
    record.refresh_from_db()
    assert record.filing_due_on == D(2026, 12, 2)
    assert len(history_for(record)) == 1  # the recompute wrote nothing


def test_the_recompute_keeps_the_rule_of_the_decision_when_the_item_rule_changed_since(personas, known_calendar, today):
    today(D(2026, 12, 20))
    actor = personas["office"]
    assignment = AssignmentFactory(item=ItemFactory(status=ItemStatus.IN_FORCE, filing_deadline="1M"))
    record = ExerciseRecordFactory(assignment=assignment, received_on=D(2026, 12, 10), decided_on=D(2026, 12, 15))
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 15), True)
    services.item_update(item=assignment.item, actor=actor, filing_deadline="20WD")  # later decisions only
    enter_2027(actor)
    record.refresh_from_db()
    # Still one month from the decision (→ Mon 18 January past the invented holiday), not 20 working days.
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 18), False)
    assert deadlines.DeadlineRule.parse("20WD").due(D(2026, 12, 15)) != D(2027, 1, 18)


def test_a_failing_recompute_rolls_the_calendar_back(client_for, personas, catalogue, today, monkeypatch):
    today(D(2026, 12, 20))
    register(client_for(personas["clerk_linxi"]), catalogue, "临政备〔2026〕904号")

    def broken(*, year, actor):
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(provisional, "_handlers", [*provisional.handlers(), broken])
    with pytest.raises(RuntimeError):
        enter_2027(personas["office"])
    assert not CalendarYear.objects.filter(year=2027).exists()
    record = ExerciseRecord.objects.get(decision_number="临政备〔2026〕904号")
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 15), True)


# --- pages: badge, count, filter ---------------------------------------------------------------
def test_record_list_shows_the_badge_the_count_and_filters_by_it(client_for, personas, catalogue, today):
    today(D(2026, 12, 20))
    clerk = client_for(personas["clerk_linxi"])
    register(clerk, catalogue, "临政备〔2026〕905号")
    response = clerk.get(reverse("delegation:record-list"))
    html = response.content.decode()
    assert response.context["provisional_count"] == 1
    assert "1 条记录的备案期限为暂定" in html
    rows = html.split('data-testid="record-row"')[1:]
    provisional_rows = [r for r in rows if 'data-testid="due-provisional"' in r]
    assert len(provisional_rows) == 1 and "临政备〔2026〕905号" in provisional_rows[0]
    assert reverse("delegation:record-recomputed") in html

    only = clerk.get(reverse("delegation:record-list"), {"due_provisional": "yes"}).context["object_list"]
    assert [r.decision_number for r in only] == ["临政备〔2026〕905号"]
    rest = clerk.get(reverse("delegation:record-list"), {"due_provisional": "no"}).context["object_list"]
    assert rest and "临政备〔2026〕905号" not in {r.decision_number for r in rest}
    assert all(not r.filing_due_provisional for r in rest)

    office = client_for(personas["office"])
    assert "1 条记录的备案期限为暂定" in office.get(reverse("delegation:record-list")).content.decode()
    # The count is scoped: 华阳镇's clerk has none.
    other = client_for(personas["clerk_other"]).get(reverse("delegation:record-list"))
    assert other.context["provisional_count"] == 0 and "备案期限为暂定" not in other.content.decode()


def test_api_filter_and_list_field(api_for, personas, catalogue, client_for, today):
    today(D(2026, 12, 20))
    register(client_for(personas["clerk_linxi"]), catalogue, "临政备〔2026〕906号")
    api = api_for(personas["office"])
    rows = api.get(f"{API}/exercise-records/", {"due_provisional": "yes"}).json()["results"]
    assert [(r["decision_number"], r["due_provisional"]) for r in rows] == [("临政备〔2026〕906号", True)]
    rows = api.get(f"{API}/exercise-records/", {"due_provisional": "no"}).json()["results"]
    assert rows and all(r["due_provisional"] is False for r in rows)
    assert "临政备〔2026〕906号" not in {r["decision_number"] for r in rows}
    unfiltered = api.get(f"{API}/exercise-records/").json()["results"]
    assert {r["decision_number"]: r["due_provisional"] for r in unfiltered}["临政备〔2026〕906号"] is True
    assert api.get(f"{API}/exercise-records/", {"due_provisional": "maybe"}).status_code == 400


def test_overdue_page_marks_a_provisional_due_date(client_for, personas, catalogue, today):
    today(D(2026, 12, 20))
    register(client_for(personas["clerk_linxi"]), catalogue, "临政备〔2026〕907号")
    today(D(2027, 2, 1))  # 2027 still not entered: overdue against its provisional due date
    response = client_for(personas["office"]).get(reverse("delegation:overdue-list"))
    html = response.content.decode()
    rows = html.split('data-testid="overdue-row"')[1:]
    marked = [r for r in rows if 'data-testid="due-provisional"' in r]
    assert len(marked) == 1 and "临政备〔2026〕907号" in marked[0] and BADGE_TITLE in marked[0]
    summary = html.split('data-testid="overdue-summary"')[1].split("</table>")[0]
    assert "其中 1 件期限暂定" in summary
    assert "1 条记录的备案期限为暂定" in html
    assert reverse("delegation:record-recomputed") in html


def test_recomputed_page_needs_a_login_and_is_empty_without_changes(client, client_for, personas, catalogue):
    response = client.get(reverse("delegation:record-recomputed"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client_for(personas["office"]).get(reverse("delegation:record-recomputed"))
    assert page.status_code == 200 and list(page.context["object_list"]) == []
    assert "没有备案期限被重算的办件" in page.content.decode()


# --- the import path -----------------------------------------------------------------------------
def test_imported_records_carry_the_flag_and_are_recomputed(personas, catalogue, today):
    today(D(2026, 12, 20))
    headers = [ExerciseRecordResource.fields[a].column_name for a in
               ("division", "item", "applicant", "received_on", "decided_on", "outcome", "decision_number", "officer", "filed_on")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerow([LINXI, "JX-FGW-001", "导入申请人", "2026-12-10", "2026-12-15", "准予", "临政备〔2026〕908号", "", ""])
    writer.writerow([LINXI, "JX-FGW-001", "导入申请人", "2026-10-08", "2026-10-09", "准予", "临政备〔2026〕909号", "", ""])
    result = importing.import_exercise_records(file_bytes=out.getvalue().encode(), fmt="csv", actor=personas["clerk_linxi"])
    assert result.errors == [] and result.created == 2
    records = {r.decision_number: r for r in ExerciseRecord.objects.filter(decision_number__startswith="临政备〔2026〕90")}
    assert (records["临政备〔2026〕908号"].filing_due_on, records["临政备〔2026〕908号"].filing_due_provisional) == (D(2027, 1, 15), True)
    assert records["临政备〔2026〕909号"].filing_due_provisional is False

    # The export says which due date is 暂定.
    exported = ExerciseRecordResource(actor=personas["clerk_linxi"]).export(
        ExerciseRecord.objects.filter(pk=records["临政备〔2026〕908号"].pk))
    column = ExerciseRecordResource.fields["filing_due_provisional"].column_name
    assert exported.dict[0][column] == "是"

    enter_2027(personas["office"])
    record = ExerciseRecord.objects.get(decision_number="临政备〔2026〕908号")
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 18), False)


# --- calendar_sync -------------------------------------------------------------------------------
def test_calendar_sync_loads_new_package_years_and_recomputes(personas, catalogue, today, monkeypatch):
    today(D(2026, 12, 20))
    record = services.exercise_record_create(
        actor=personas["clerk_linxi"], division=catalogue["linxi"], item=catalogue["items"]["JX-FGW-001"],
        applicant="某公司", received_on=D(2026, 12, 10), decided_on=D(2026, 12, 15), outcome=Outcome.APPROVED,
        decision_number="临政备〔2026〕910号",
    )
    assert record.filing_due_provisional
    # A chinese-calendar release that knows 2027 (as the next one will).
    from core import services as core_services
    from core.management.commands import calendar_sync

    real_years, real_days = core_services.package_years(), core_services.package_days
    years = (*real_years, 2027)
    monkeypatch.setattr(core_services, "package_years", lambda: years)
    monkeypatch.setattr(calendar_sync, "package_years", lambda: years)
    monkeypatch.setattr(core_services, "package_days", lambda year: DAYS_2027 if year == 2027 else real_days(year))
    out = io.StringIO()
    call_command("calendar_sync", stdout=out)
    assert "2027年：已从软件包导入；1 条暂定备案期限因此改变。" in out.getvalue()
    record.refresh_from_db()
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 18), False)
    # Run again: nothing to load, nothing to recompute.
    out = io.StringIO()
    call_command("calendar_sync", stdout=out)
    assert "均已在数据库中" in out.getvalue() and "重算" not in out.getvalue()


def test_calendar_sync_sweeps_a_record_left_provisional(personas, catalogue, today):
    # As if registered while 2027 was being entered: provisional although 2027 is known now.
    today(D(2026, 12, 20))
    enter_2027(personas["office"])
    record = services.exercise_record_create(
        actor=personas["clerk_linxi"], division=catalogue["linxi"], item=catalogue["items"]["JX-FGW-001"],
        applicant="某公司", received_on=D(2026, 12, 10), decided_on=D(2026, 12, 15), outcome=Outcome.APPROVED,
        decision_number="临政备〔2026〕911号",
    )
    ExerciseRecord.objects.filter(pk=record.pk).update(filing_due_on=D(2027, 1, 15), filing_due_provisional=True)
    out = io.StringIO()
    call_command("calendar_sync", stdout=out)
    assert "2027年：1 条遗留的暂定备案期限已重算。" in out.getvalue()
    record.refresh_from_db()
    assert (record.filing_due_on, record.filing_due_provisional) == (D(2027, 1, 18), False)


# --- in bulk ---------------------------------------------------------------------------------------
def test_recompute_is_a_few_statements_whatever_the_number_of_rows(
    personas, catalogue, today, monkeypatch, django_assert_max_num_queries
):
    today(D(2026, 12, 31))
    linxi, item = catalogue["linxi"], catalogue["items"]["JX-FGW-001"]
    rows = []
    for i in range(6000):  # more than one UPDATE chunk
        decided = D(2026, 12, 1) + datetime.timedelta(days=i % 30)
        due = deadlines.DeadlineRule.parse("1M").due_provisional(decided)
        rows.append(ExerciseRecord(division=linxi, item=item, applicant=f"批量{i}", received_on=decided, decided_on=decided,
                                   outcome=Outcome.APPROVED, decision_number=f"批量〔2026〕{i}号",
                                   filing_due_on=due.date, filing_due_provisional=due.provisional))
    ExerciseRecord.objects.bulk_create(rows, batch_size=2000)
    provisional_rows = ExerciseRecord.objects.filter(filing_due_provisional=True).count()
    assert provisional_rows > 5000
    # Enter the year without the hook, then time the recompute on its own.
    monkeypatch.setattr(provisional, "_handlers", [])
    enter_2027(personas["office"])
    # The candidates (2 fetches of 5,000), the calendar once, 2 UPDATEs, 1 INSERT, the history context.
    with django_assert_max_num_queries(15):
        moved = services.record_due_recompute(year=2027, actor=personas["office"])
    assert not ExerciseRecord.objects.filter(filing_due_provisional=True).exists()
    # Moved: nominal ends on 元旦 (1 Jan → Mon 4), on the invented holiday (15 Jan → Mon 18), and
    # on Sat 30 January, whose next day is a make-up working day (Mon 1 Feb → Sun 31 Jan).
    assert moved == FilingDueRecomputed.objects.count() == 6000 // 30 * 3
    assert set(FilingDueRecomputed.objects.values_list("old_due_on", "new_due_on")) == {
        (D(2027, 1, 1), D(2027, 1, 4)), (D(2027, 1, 15), D(2027, 1, 18)), (D(2027, 2, 1), D(2027, 1, 31))}
