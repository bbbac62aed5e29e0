"""HTML pages of the catalogue: scoping per persona, workflow steps through the services,
Chinese domain errors instead of 500s, and query counts that do not grow with the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing.calendar import warm_calendar
from delegation import services
from delegation.choices import ItemStatus, Mode, Outcome, TakeOverStatus
from delegation.models import Agreement, Assignment, Batch, ExerciseRecord, Item, Training
from regions.models import Department, Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

LINXI, HUAYANG, SHANGZHUANG = "341824101", "341824100", "341824103"


@pytest.fixture
def catalogue(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    return {
        "items": {i.code: i for i in Item.objects.all()},
        "records": {r.decision_number: r for r in ExerciseRecord.objects.all()},
        "linxi": Division.objects.get(code=LINXI),
        "huayang": Division.objects.get(code=HUAYANG),
        "batch": Batch.objects.get(code="JX-2010-01"),
    }


def overdue_record(catalogue):
    return catalogue["records"]["临城罚〔2026〕7号"]  # decided 2026-09-02, never filed


def pending_record(catalogue):
    return catalogue["records"]["临政备〔2026〕45号"]  # decided 2026-11-06, due in December


# --- clerks -----------------------------------------------------------------------------------
def test_clerk_linxi_sees_her_towns_records_with_filing_states(client_for, personas, catalogue):
    response = client_for(personas["clerk_linxi"]).get(reverse("delegation:record-list"))
    assert response.status_code == 200
    html = response.content.decode()
    for number in catalogue["records"]:
        assert number in html
    rows = {r.decision_number: r for r in response.context["object_list"]}
    assert rows["临城罚〔2026〕7号"].state_label == "已逾期未备案"
    assert rows["临城罚〔2026〕7号"].state_css == "status-overdue"
    assert rows["临政规〔2026〕12号"].state_label == "逾期备案"  # decided 8-21, filed 10-12
    assert rows["临政备〔2026〕31号"].state_label == "按时备案"
    assert rows["临政备〔2026〕45号"].state_label == "待备案"
    assert response.context["overdue_count"] == 1
    assert 'class="status-overdue"' in html


def test_record_list_filters_by_filing_state(client_for, personas, catalogue):
    c = client_for(personas["clerk_linxi"])
    overdue = c.get(reverse("delegation:record-list"), {"filing_state": "overdue"}).context["object_list"]
    assert [r.decision_number for r in overdue] == ["临城罚〔2026〕7号"]
    late = c.get(reverse("delegation:record-list"), {"filing_state": "late"}).context["object_list"]
    assert [r.decision_number for r in late] == ["临政规〔2026〕12号"]


def _numbers(response) -> set[str]:
    assert response.status_code == 200
    return {r.decision_number for r in response.context["object_list"]}


def test_record_list_text_filters_search_code_or_name(client_for, personas, catalogue):
    c = client_for(personas["office"])
    url = reverse("delegation:record-list")
    fgw = {"临政备〔2026〕31号", "临政备〔2026〕45号"}
    assert _numbers(c.get(url, {"item_q": "fgw-001"})) == fgw  # code, any case
    assert _numbers(c.get(url, {"item_q": "企业投资"})) == fgw  # name
    assert _numbers(c.get(url, {"item_q": "采砂"})) == set()
    everything = set(catalogue["records"])
    assert _numbers(c.get(url, {"division_q": "临溪"})) == everything
    assert _numbers(c.get(url, {"division_q": "341824"})) == everything  # a county code: its towns
    assert _numbers(c.get(url, {"division_q": LINXI})) == everything
    assert _numbers(c.get(url, {"division_q": HUAYANG})) == set()
    assert _numbers(c.get(url, {"division_q": "华阳"})) == set()
    # Combined with the other filters, as one FilterSet.
    assert _numbers(c.get(url, {"item_q": "FGW", "filing_state": "pending"})) == {"临政备〔2026〕45号"}
    # A text filter never widens the scope: 华阳镇's clerk finds none of 临溪镇's records by name.
    assert _numbers(client_for(personas["clerk_other"]).get(url, {"division_q": "临溪"})) == set()


def test_record_list_filter_form_fits_the_scope(client_for, personas, catalogue, monkeypatch):
    from delegation.filtersets import ExerciseRecordFilterSet

    url = reverse("delegation:record-list")
    # One town: no division filter at all; the item is a text search, never a dropdown of items.
    html = client_for(personas["clerk_linxi"]).get(url).content.decode()
    assert 'name="item_q"' in html and 'name="division' not in html and '<select name="item"' not in html
    # A county: its divisions as a dropdown, nothing outside it.
    page = client_for(personas["office"]).get(url)
    html = page.content.decode()
    assert '<select name="division"' in html and 'name="division_q"' not in html
    field = next(f for f in page.context["filter_fields"] if f.name == "division")
    offered = {label for value, label in field.field.widget.choices if value}
    assert offered == {"绩溪县", "临溪镇", "华阳镇", "上庄镇"}
    # The chosen values come back selected (the dropdowns are rendered without templates).
    html = client_for(personas["office"]).get(url, {"division": catalogue["linxi"].pk, "outcome": "approved"}).content.decode()
    assert f'<option value="{catalogue["linxi"].pk}" selected>临溪镇</option>' in html
    assert '<option value="approved" selected>准予</option>' in html and '<option value="refused">不予</option>' in html
    assert '<select name="outcome" class="form-select form-select-sm" id="id_outcome">' in html
    # More divisions than a dropdown should hold: a code/name search instead.
    monkeypatch.setattr(ExerciseRecordFilterSet, "DIVISION_SELECT_MAX", 3)
    html = client_for(personas["office"]).get(url).content.decode()
    assert 'name="division_q"' in html and '<select name="division"' not in html
    # An id filter the form does not show (a link, the API's parameter) is kept as a hidden input.
    fgw = catalogue["items"]["JX-FGW-001"]
    page = client_for(personas["office"]).get(url, {"item": fgw.pk, "division": catalogue["linxi"].pk})
    html = page.content.decode()
    assert f'<input type="hidden" name="item" value="{fgw.pk}">' in html
    assert f'<input type="hidden" name="division" value="{catalogue["linxi"].pk}">' in html
    assert _numbers(page) == {"临政备〔2026〕31号", "临政备〔2026〕45号"}


def test_record_list_file_buttons_and_overdue_count(client_for, personas, catalogue, monkeypatch):
    from delegation.views import RecordListView

    c = client_for(personas["clerk_linxi"])
    page = c.get(reverse("delegation:record-list"), {"outcome": "approved"})
    html = page.content.decode()
    # One shared form (token, the page to come back to); each unfiled row's button posts it to its record.
    assert '<form id="file-form" method="post"' in html and 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/delegation/records/?outcome=approved"' in html
    for number, record in catalogue["records"].items():
        if record.outcome != Outcome.APPROVED:
            continue
        action = f'formaction="{reverse("delegation:record-file", args=[record.pk])}"'
        assert (action in html) == (record.filed_on is None), number
        assert f'href="{reverse("delegation:record-detail", args=[record.pk])}"' in html
    assert page.context["overdue_count"] == 1 and "已逾期未备案：1<" in html
    # Past the cap the count stops and says so.
    monkeypatch.setattr(RecordListView, "OVERDUE_COUNT_MAX", 0)
    page = c.get(reverse("delegation:record-list"))
    assert "已逾期未备案：0+<" in page.content.decode()


def test_clerk_linxi_record_form_offers_only_taken_over_items(client_for, personas, catalogue):
    c = client_for(personas["clerk_linxi"])
    # The list page links to the new-record page instead of rendering the form itself.
    listing = c.get(reverse("delegation:record-list"))
    html = listing.content.decode()
    assert 'data-testid="record-create"' in html and f'href="{reverse("delegation:record-create")}"' in html
    assert 'data-testid="record-form"' not in html and "form" not in listing.context
    form = c.get(reverse("delegation:record-create")).context["form"]
    codes = {i.code for i in form.fields["item"].queryset}
    assert codes == {"JX-FGW-001", "JX-JW-001", "JX-CGJ-001", "JX-GTJ-001"}  # not the cross-town or draft items
    # A revoked assignment no longer offers its item.
    assignment = Assignment.objects.get(item=catalogue["items"]["JX-GTJ-001"], division=catalogue["linxi"])
    services.assignment_revoke(assignment=assignment, actor=personas["office"], reason="收回")
    form = c.get(reverse("delegation:record-create")).context["form"]
    assert {i.code for i in form.fields["item"].queryset} == {"JX-FGW-001", "JX-JW-001", "JX-CGJ-001"}


def test_clerk_other_sees_nothing_of_linxi_on_its_lists(client_for, personas, catalogue):
    """The refusals per page are the matrix's (test_matrix_pages.py); here the demo's lists are empty."""
    c = client_for(personas["clerk_other"])
    listing = c.get(reverse("delegation:record-list"))
    assert list(listing.context["object_list"]) == []
    assert overdue_record(catalogue).decision_number not in listing.content.decode()
    assert c.get(reverse("delegation:overdue-list")).context["total"] == 0


def test_clerk_other_has_no_item_to_record(client_for, personas, catalogue):
    c = client_for(personas["clerk_other"])
    form = c.get(reverse("delegation:record-create")).context["form"]
    assert list(form.fields["item"].queryset) == []
    # Posting an item of 临溪's anyway: the model's rule refuses it, in Chinese, on the field.
    today = timezone.localdate()
    response = c.post(reverse("delegation:record-create"), {
        "division": catalogue["huayang"].pk, "item": catalogue["items"]["JX-FGW-001"].pk, "applicant": "某公司",
        "received_on": today, "decided_on": today, "outcome": Outcome.APPROVED, "decision_number": "华备〔2026〕1号",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["item"]
    assert not ExerciseRecord.objects.filter(decision_number="华备〔2026〕1号").exists()


def test_clerk_files_a_new_record_and_marks_it_filed(client_for, personas, catalogue):
    c = client_for(personas["clerk_linxi"])
    response = c.post(reverse("delegation:record-create"), {
        "division": catalogue["linxi"].pk, "item": catalogue["items"]["JX-FGW-001"].pk, "applicant": "临溪某公司",
        "received_on": "2026-08-30", "decided_on": "2026-09-01", "outcome": Outcome.APPROVED,
        "decision_number": "临政备〔2026〕50号",
    })
    assert response.status_code == 302
    record = ExerciseRecord.objects.get(decision_number="临政备〔2026〕50号")
    assert record.division == catalogue["linxi"]
    assert record.filing_due_on == datetime.date(2026, 10, 8)  # 1 month → 10-01, in the National Day holiday (1–7)
    assert record.created_by == personas["clerk_linxi"]
    page = c.get(reverse("delegation:record-detail", args=[record.pk]))
    assert page.context["record"].state_label == "已逾期未备案"

    response = c.post(reverse("delegation:record-file", args=[record.pk]), {"filed_on": ""})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.filed_on == timezone.localdate()
    assert c.get(reverse("delegation:record-detail", args=[record.pk])).context["record"].state_label == "逾期备案"
    # Filing twice is a conflict, shown as a message, not a 500.
    response = c.post(reverse("delegation:record-file", args=[record.pk]), follow=True)
    assert response.status_code == 200
    assert "已于" in response.content.decode()


def test_record_errors_are_shown_per_field_in_chinese(client_for, personas, catalogue):
    c = client_for(personas["clerk_linxi"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = c.post(reverse("delegation:record-create"), {
        "division": catalogue["linxi"].pk, "item": catalogue["items"]["JX-CGJ-001"].pk, "applicant": "某店",
        "received_on": "2026-11-01", "decided_on": tomorrow.isoformat(), "outcome": Outcome.PENALISED,
        "decision_number": "临城罚〔2026〕99号",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "办结日期不能晚于今天。" in errors["decided_on"]
    assert any("执法证" in e for e in errors["officer"])  # an entrusted item needs a certified officer
    assert "办结日期不能晚于今天" in response.content.decode()
    # A duplicate decision number is refused by the unique constraint, in Chinese.
    response = c.post(reverse("delegation:record-create"), {
        "division": catalogue["linxi"].pk, "item": catalogue["items"]["JX-FGW-001"].pk, "applicant": "某公司",
        "received_on": "2026-11-01", "decided_on": "2026-11-02", "outcome": Outcome.APPROVED,
        "decision_number": "临政备〔2026〕31号",
    })
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["本单位（临溪镇）已登记决定文号为“临政备〔2026〕31号”的办件。"]
    assert "已登记决定文号为“临政备〔2026〕31号”的办件" in response.content.decode()


# --- read-only personas -----------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["auditor", "superior"])
def test_read_only_personas_are_offered_no_write_buttons(client_for, personas, catalogue, persona):
    """They read the records (403 on every write: test_matrix_pages.py) and are offered no form."""
    listing = client_for(personas[persona]).get(reverse("delegation:record-list"))
    html = listing.content.decode()
    assert overdue_record(catalogue).decision_number in html
    assert not listing.context["can_write"]
    assert 'data-testid="record-create"' not in html and 'data-testid="file-button"' not in html


# --- the office -------------------------------------------------------------------------------
def test_office_sees_drafts_and_creates_edits_publishes_an_item(client_for, personas, catalogue):
    c = client_for(personas["office"])
    codes = {i.code for i in c.get(reverse("delegation:item-list")).context["object_list"]}
    assert "JX-AJJ-001" in codes
    department = Department.objects.get(code="341824-FGW")
    data = {
        "code": "JX-FGW-009", "name": "固定资产投资项目节能审查（镇级）", "category": "approval",
        "department": department.pk, "legal_basis": "《固定资产投资项目节能审查办法》",
        "route_before_approval": "县发改委", "route_after_approval": "临溪镇人民政府", "filing_deadline": "1个月",
        "statutory_limit": 20, "statutory_limit_unit": "working_days",
        "promised_limit": 30, "promised_limit_unit": "working_days",
    }
    response = c.post(reverse("delegation:item-create"), data)
    assert response.status_code == 200  # promised > statutory, refused by Item.clean
    assert "承诺时限不得超过法定时限。" in response.context["form"].errors["promised_limit"]
    data["promised_limit"] = 10
    response = c.post(reverse("delegation:item-create"), data)
    assert response.status_code == 302
    item = Item.objects.get(code="JX-FGW-009")
    assert item.status == ItemStatus.DRAFT and item.filing_deadline == "1M"

    response = c.post(reverse("delegation:item-edit", args=[item.pk]), {**data, "name": "节能审查（镇级）"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "节能审查（镇级）"

    # Into the current batch (effective 2027-01-01); the published 2010 batch is not offered.
    open_batch = Batch.objects.get(code="JX-2027-01")
    page = c.get(reverse("delegation:item-detail", args=[item.pk]))
    assert list(page.context["publish_form"].fields["batch"].queryset) == [open_batch]
    response = c.post(reverse("delegation:item-publish", args=[item.pk]), {"batch": open_batch.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.batch == open_batch
    page = c.get(reverse("delegation:item-detail", args=[item.pk]))
    assert [(s.from_status, s.to_status, s.effective_on) for s in page.context["status_changes"]] == [
        ("draft", "published", timezone.localdate())]
    history = c.get(reverse("delegation:item-detail", args=[item.pk]), {"tab": "history"})
    assert history.context["history"] and "节能审查（镇级）" in history.content.decode()


def test_office_suspends_resumes_withdraws_with_reasons(client_for, personas, catalogue):
    c = client_for(personas["office"])
    item = catalogue["items"]["JX-JW-001"]
    url = lambda name: reverse(f"delegation:item-{name}", args=[item.pk])  # noqa: E731
    # No reason: refused with a Chinese message, nothing changes.
    response = c.post(url("suspend"), {"reason": ""}, follow=True)
    assert "请填写理由" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_FORCE
    # Wrong step: resuming an item in force is a conflict, shown as a message.
    response = c.post(url("resume"), {"reason": "恢复"}, follow=True)
    assert response.status_code == 200 and "只有暂停的事项才能改为施行中" in response.content.decode()

    assert c.post(url("suspend"), {"reason": "规划调整"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.SUSPENDED
    assert c.post(url("resume"), {"reason": "调整完毕"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_FORCE
    assert c.post(url("withdraw"), {"reason": "上级收回"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    assert Assignment.objects.get(item=item, division=catalogue["linxi"]).takeover_status == TakeOverStatus.REVOKED
    page = c.get(reverse("delegation:item-detail", args=[item.pk]))
    html = page.content.decode()
    assert "规划调整" in html and "上级收回" in html
    changes = page.context["status_changes"]
    assert [(c.to_status, c.reason, c.actor.username) for c in changes[-3:]] == [
        ("suspended", "规划调整", "office"), ("in_force", "调整完毕", "office"), ("withdrawn", "上级收回", "office")]
    assert "绩溪县领导小组办公室" in html  # who, by name
    assert not page.context.get("can_edit")
    assert c.get(reverse("delegation:item-edit", args=[item.pk])).status_code == 200  # page opens
    response = c.post(reverse("delegation:item-edit", args=[item.pk]), {
        "code": item.code, "name": "x", "category": item.category, "department": item.department_id,
        "legal_basis": "x", "route_before_approval": "x", "route_after_approval": "x", "filing_deadline": "1M",
        "statutory_limit_unit": "working_days", "promised_limit_unit": "working_days",
    })
    assert response.status_code == 200 and "已收回的事项不能修改。" in response.content.decode()


def test_office_assigns_takes_over_and_revokes_on_the_matrix(client_for, personas, catalogue):
    c = client_for(personas["office"])
    matrix = c.get(reverse("delegation:assignment-matrix")).context["matrix"]
    assert [t.code for t in matrix.towns] == [HUAYANG, LINXI, SHANGZHUANG]
    assert {r.item.code for r in matrix.rows} == {
        "JX-FGW-001", "JX-JW-001", "JX-CGJ-001", "JX-GTJ-001", "JX-SWJ-001"}
    linxi_column = [t.code for t in matrix.towns].index(LINXI)
    row = next(r for r in matrix.rows if r.item.code == "JX-FGW-001")
    assert row.cells[linxi_column].assignment.takeover_status == TakeOverStatus.TAKEN_OVER

    # A cross-town item to a town is refused with the model's message.
    cross = catalogue["items"]["JX-SWJ-001"]
    response = c.post(reverse("delegation:assignment-create"), {  # as the matrix cell posts it
        "item": cross.pk, "division": catalogue["linxi"].pk, "mode": Mode.DEVOLVE, "receiving_unit": "便民服务中心",
        "next": reverse("delegation:assignment-matrix")})
    assert response.status_code == 200
    assert "该事项涉及多个镇，不得下放给单个镇。" in response.context["form"].errors["item"]
    assert 'name="next" value="/delegation/matrix/"' in response.content.decode()
    assert not Assignment.objects.filter(item=cross).exists()
    # A town that is not a pilot is refused by the service.
    response = c.post(reverse("delegation:assignment-create"), {
        "item": catalogue["items"]["JX-FGW-001"].pk, "division": catalogue["huayang"].pk, "mode": Mode.DEVOLVE,
        "receiving_unit": "便民服务中心"})
    assert response.status_code == 200 and "不是扩权强镇（县）试点" in response.content.decode()

    # Revoke, then re-assign, attach a new agreement (with a scan) and take over.
    item = catalogue["items"]["JX-JW-001"]
    old = Assignment.objects.get(item=item, division=catalogue["linxi"])
    assert c.post(reverse("delegation:assignment-revoke", args=[old.pk]), {"reason": "重新签约"}).status_code == 302
    old.refresh_from_db()
    assert old.takeover_status == TakeOverStatus.REVOKED
    response = c.post(reverse("delegation:assignment-create"), {
        "item": item.pk, "division": catalogue["linxi"].pk, "mode": Mode.AUTHORISE, "receiving_unit": "便民服务中心",
        "next": reverse("delegation:assignment-matrix")})
    assert response.status_code == 302 and response["Location"] == reverse("delegation:assignment-matrix")
    new = Assignment.objects.get(item=item, division=catalogue["linxi"], takeover_status=TakeOverStatus.ASSIGNED)
    response = c.post(reverse("delegation:assignment-take-over", args=[new.pk]), follow=True)
    assert "尚未签署协议书，不能承接。" in response.content.decode()

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = c.post(reverse("delegation:agreement-create"), {
        "number": "绩委协〔2026〕9号", "department": item.department_id, "division": catalogue["linxi"].pk,
        "department_signatory": "县建委主任", "receiver_signatory": "临溪镇镇长", "signed_on": "2026-11-01",
        "scan": SimpleUploadedFile("xieyi.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
    })
    assert response.status_code == 302
    agreement = Agreement.objects.get(number="绩委协〔2026〕9号")
    assert agreement.scan.name.endswith(".pdf")
    assert c.post(reverse("delegation:assignment-attach-agreement", args=[new.pk]),
                  {"agreement": agreement.pk}).status_code == 302
    response = c.post(reverse("delegation:assignment-take-over", args=[new.pk]), {"on": "2026-10-01"}, follow=True)
    assert "承接日期不能早于协议签署日期。" in response.content.decode()
    assert c.post(reverse("delegation:assignment-take-over", args=[new.pk]), {"on": "2026-11-02"}).status_code == 302
    new.refresh_from_db()
    assert new.takeover_status == TakeOverStatus.TAKEN_OVER and new.taken_over_on == datetime.date(2026, 11, 2)
    history = c.get(reverse("delegation:assignment-detail", args=[new.pk]), {"tab": "history"})
    assert len(history.context["history"]) >= 3


def test_agreement_outside_the_departments_jurisdiction_is_refused(client_for, personas, catalogue):
    c = client_for(personas["office"])
    other_county_town = Division.objects.get(code="441900102")
    response = c.post(reverse("delegation:agreement-create"), {
        "number": "X-1", "department": Department.objects.get(code="341824-FGW").pk, "division": other_county_town.pk,
        "department_signatory": "a", "receiver_signatory": "b", "signed_on": "2026-11-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["division"]  # not a town the office writes for
    assert not Agreement.objects.filter(number="X-1").exists()


def test_office_overdue_view_lists_unfiled_records_with_days(client_for, personas, catalogue):
    c = client_for(personas["office"])
    response = c.get(reverse("delegation:overdue-list"))
    assert response.status_code == 200
    rows = response.context["object_list"]
    assert [r.decision_number for r in rows] == ["临城罚〔2026〕7号"]
    record = rows[0]
    assert record.days_overdue == (timezone.localdate() - record.filing_due_on).days > 0
    assert response.context["summary"][0]["division__name"] == "临溪镇"
    assert response.context["summary"][0]["count"] == 1
    sorted_by_days = c.get(reverse("delegation:overdue-list"), {"sort": "days", "division": catalogue["linxi"].pk})
    assert sorted_by_days.context["sort"] == "days" and len(sorted_by_days.context["object_list"]) == 1


def test_office_files_a_record_for_a_town(client_for, personas, catalogue):
    c = client_for(personas["office"])
    record = overdue_record(catalogue)
    assert c.post(reverse("delegation:record-file", args=[record.pk]), {"filed_on": "2026-11-20"}).status_code == 302
    record.refresh_from_db()
    assert record.filed_on == datetime.date(2026, 11, 20)


def test_training_list_and_create(client_for, personas, catalogue):
    c = client_for(personas["office"])
    response = c.post(reverse("delegation:training-create"), {
        "division": catalogue["linxi"].pk, "department": Department.objects.get(code="341824-CGJ").pk,
        "kind": "topic", "title": "城管执法专题培训", "held_on": "2026-11-20", "attendees": 12,
        "items": [catalogue["items"]["JX-CGJ-001"].pk],
    })
    assert response.status_code == 302
    training = Training.objects.get(title="城管执法专题培训")
    assert list(training.items.values_list("code", flat=True)) == ["JX-CGJ-001"]
    clerk = client_for(personas["clerk_linxi"])
    listing = clerk.get(reverse("delegation:training-list"))
    assert "城管执法专题培训" in listing.content.decode() and not listing.context["can_create"]
    assert clerk.post(reverse("delegation:training-create"), {}).status_code == 403
    other = client_for(personas["clerk_other"]).get(reverse("delegation:training-list"))
    assert list(other.context["object_list"]) == []


def test_home_links_to_the_delegation_pages(client_for, personas):
    html = client_for(personas["clerk_linxi"]).get("/").content.decode()
    assert reverse("delegation:record-list") in html and reverse("delegation:item-list") in html


# --- query counts -----------------------------------------------------------------------------
def _bulk(catalogue, n):
    """``n`` more rows of every listed kind (items in force, assignments, agreements, records,
    trainings), written in bulk: the pages' cost must not depend on them."""
    linxi = catalogue["linxi"]
    department = Department.objects.get(code="341824-FGW")
    batch = catalogue["batch"]
    items = Item.objects.bulk_create([
        Item(code=f"BULK-{i:03d}", name=f"批量事项{i}", category="approval", department=department,
             legal_basis="x", route_before_approval="县", route_after_approval="镇", batch=batch,
             status=ItemStatus.IN_FORCE)
        for i in range(n)
    ])
    agreements = Agreement.objects.bulk_create([
        Agreement(number=f"BULK-A{i:03d}", department=department, division=linxi, department_signatory="a",
                  receiver_signatory="b", signed_on=datetime.date(2009, 12, 28))
        for i in range(n)
    ])
    Assignment.objects.bulk_create([
        Assignment(item=item, division=linxi, mode=Mode.DEVOLVE, agreement=agreement,
                   assigned_on=datetime.date(2009, 12, 25), takeover_status=TakeOverStatus.TAKEN_OVER,
                   taken_over_on=datetime.date(2010, 1, 1))
        for item, agreement in zip(items, agreements, strict=True)
    ])
    officer = linxi.officers.first()
    ExerciseRecord.objects.bulk_create([
        ExerciseRecord(division=linxi, item=items[i], applicant=f"申请人{i}", received_on=datetime.date(2026, 9, 1),
                       decided_on=datetime.date(2026, 9, 2), outcome=Outcome.APPROVED, officer=officer,
                       decision_number=f"BULK〔2026〕{i}号", filing_due_on=datetime.date(2026, 10, 9),
                       filed_on=datetime.date(2026, 10, 20) if i % 2 else None)
        for i in range(n)
    ])
    trainings = Training.objects.bulk_create([
        Training(division=linxi, department=department, kind="topic", title=f"培训{i}",
                 held_on=datetime.date(2026, 1, 1), attendees=i)
        for i in range(n)
    ])
    Training.items.through.objects.bulk_create([
        Training.items.through(training=t, item=items[i]) for i, t in enumerate(trainings)
    ])


# Queries per page, measured: session, user, memberships, jurisdiction names, then the page's own
# (filter choices, rows, summary). The record page: rows, overdue count, due soon, divisions in scope,
# provisional (暂定) count; the overdue page: summary, rows, provisional count, late-entry (补录) count.
# Each +1: the header's unread-notice badge (core.notifications, one COUNT per page).
QUERY_BUDGET = {
    "item-list": 7 + 1, "assignment-matrix": 9 + 1, "assignment-list": 7 + 1, "agreement-list": 5 + 1,
    "record-list": 9 + 1, "overdue-list": 8 + 1, "training-list": 7 + 1,
}


@pytest.mark.parametrize("n", [5, 60])
@pytest.mark.parametrize("persona", ["office", "clerk_linxi", "auditor"])
def test_list_pages_have_a_fixed_query_count(client_for, personas, catalogue, django_assert_max_num_queries, n, persona):
    _bulk(catalogue, n)
    c = client_for(personas[persona])
    for name, budget in QUERY_BUDGET.items():
        warm_calendar()
        with django_assert_max_num_queries(budget):
            response = c.get(reverse(f"delegation:{name}"))
        assert response.status_code == 200, name
    listing = c.get(reverse("delegation:record-list"))
    assert len(listing.context["object_list"]) == min(n + 5, 50)
    if n + 5 > 50:  # the second page costs the same
        warm_calendar()
        with django_assert_max_num_queries(QUERY_BUDGET["record-list"]):
            second = c.get(reverse("delegation:record-list"), {"after": listing.context["page"].next_after})
        assert len(second.context["object_list"]) == n + 5 - 50
    assert len(c.get(reverse("delegation:assignment-matrix")).context["matrix"].rows) >= n
    assert len(c.get(reverse("delegation:overdue-list")).context["object_list"]) == 1 + (n + 1) // 2
