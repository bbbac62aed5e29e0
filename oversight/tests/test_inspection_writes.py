"""Item inspections (有关事项检查, issue 14 §3) written from the pages and the API: the office of
the county creates one (with the bodies taking part) and records its findings, which then go
through the findings' own rectification flow. A refusal is a clear Chinese message on the form,
or structured JSON from the API, and writes nothing. Who may call each route is the persona
matrix's (test_matrix_supervision.py); here what each call does."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.testing.personas import COUNTY, TOWN_A
from oversight import services
from oversight import services_supervision as ss
from oversight.choices import FindingOccasion, FindingState
from oversight.models import Finding, FindingSource, ItemInspection
from regions.models import Department

from .test_matrix_api import group_of

D = datetime.date


@pytest.fixture
def county(personas, demo):
    group = group_of(demo[COUNTY])
    services.town_steer(group=group, town=demo[TOWN_A])
    legal = Department.objects.get(code=f"{COUNTY}-SJJ")
    elsewhere = Department.objects.exclude(division=demo[COUNTY]).order_by("code").first()
    return {"group": group, "town": demo[TOWN_A], "dept": legal, "elsewhere": elsewhere, **personas}


def login(client, user):
    client.force_login(user)
    return client


def inspection(county):
    return ss.inspection_create(group=county["group"], subject="委托执法持证上岗检查", inspected_on=D(2026, 4, 8),
                                actor=None)


def finding_form(county, **changes):
    return {"town": county["town"].pk, "category": "exercise", "severity": "serious",
            "description": "2名执法人员未持证上岗", "rule_breached": "行政执法人员持证上岗规定", "found_on": "2026-04-10",
            "rectify_months": 2, **changes}


# --- pages ---------------------------------------------------------------------------------------

def test_office_creates_an_inspection_from_the_list(county, client):
    login(client, county["office"])
    listing = client.get(reverse("oversight:inspection-list"))
    assert 'data-testid="inspection-create"' in listing.content.decode()
    page = client.get(reverse("oversight:inspection-create"))
    assert page.status_code == 200 and "新建有关事项检查" in page.content.decode()
    response = client.post(reverse("oversight:inspection-create"), {
        "group": county["group"].pk, "subject": "便民服务中心窗口检查", "inspected_on": "2026-05-06",
        "participants": [county["dept"].pk], "note": "县法制办牵头"})
    made = ItemInspection.objects.get(subject="便民服务中心窗口检查")
    assert response.status_code == 302 and response["Location"] == reverse("oversight:inspection-detail", args=[made.pk])
    assert (made.group, made.inspected_on, made.note) == (county["group"], D(2026, 5, 6), "县法制办牵头")
    assert list(made.participants.all()) == [county["dept"]]
    assert made.events.count() == 1  # attributed in the history
    detail = client.get(response["Location"]).content.decode()
    assert "便民服务中心窗口检查" in detail and county["dept"].name in detail
    assert reverse("oversight:inspection-finding", args=[made.pk]) in detail


def test_a_refused_create_says_why_and_writes_nothing(county, client):
    login(client, county["office"])
    url = reverse("oversight:inspection-create")
    before = ItemInspection.objects.count()
    blank = client.post(url, {"group": county["group"].pk, "subject": "  ", "inspected_on": "2026-05-06"})
    assert blank.status_code == 200 and "请填写检查事项" in blank.content.decode()
    county_depts = Department.objects.filter(division=county["group"].division, is_active=True)
    assert county["elsewhere"] not in county_depts
    # a department of another government is no choice of the form; the service would refuse it too
    other = client.post(url, {"group": county["group"].pk, "subject": "检查", "inspected_on": "2026-05-06",
                              "participants": [county["elsewhere"].pk]})
    assert other.status_code == 200 and 'data-testid="error-participants"' in other.content.decode()
    bad_date = client.post(url, {"group": county["group"].pk, "subject": "检查", "inspected_on": "2026-13-01"})
    assert bad_date.status_code == 200 and 'data-testid="error-inspected_on"' in bad_date.content.decode()
    assert ItemInspection.objects.count() == before


def test_the_readers_get_no_create_and_no_finding_page(county, client, demo):
    made = inspection(county)
    login(client, county["auditor"])
    assert 'data-testid="inspection-create"' not in client.get(reverse("oversight:inspection-list")).content.decode()
    detail = client.get(reverse("oversight:inspection-detail", args=[made.pk]))
    assert detail.status_code == 200 and 'data-testid="inspection-finding-add"' not in detail.content.decode()
    assert client.get(reverse("oversight:inspection-create")).status_code == 403
    assert client.post(reverse("oversight:inspection-finding", args=[made.pk]), finding_form(county)).status_code == 403
    login(client, county["clerk_linxi"])  # the town's clerk does not see the county's inspections
    assert client.get(reverse("oversight:inspection-finding", args=[made.pk])).status_code == 404
    assert not Finding.objects.exists()


def test_office_records_a_finding_that_goes_to_rectification(county, client):
    made = inspection(county)
    login(client, county["office"])
    url = reverse("oversight:inspection-finding", args=[made.pk])
    page = client.get(url)
    assert page.status_code == 200 and "委托执法持证上岗检查" in page.content.decode()
    response = client.post(url, finding_form(county))
    assert response.status_code == 302 and response["Location"] == reverse("oversight:inspection-detail", args=[made.pk])
    found = Finding.objects.get()
    assert (found.occasion, found.town, found.state) == (FindingOccasion.ITEM_INSPECTION, county["town"], FindingState.OPEN)
    assert found.due_on >= D(2026, 6, 10)  # two calendar months after 2026-04-10, rolled to a working day
    assert FindingSource.objects.get(finding=found).inspection == made
    detail = client.get(response["Location"]).content.decode()
    assert "2名执法人员未持证上岗" in detail and reverse("oversight:finding-detail", args=[found.pk]) in detail


def test_a_refused_finding_keeps_the_input_and_writes_nothing(county, client):
    made = inspection(county)
    login(client, county["office"])
    url = reverse("oversight:inspection-finding", args=[made.pk])
    early = client.post(url, finding_form(county, found_on="2026-04-01"))  # before the inspection
    body = early.content.decode()
    assert early.status_code == 200 and "发现日期不能早于检查日期" in body and "2名执法人员未持证上岗" in body
    months = client.post(url, finding_form(county, rectify_months=13))
    assert months.status_code == 200 and 'data-testid="error-rectify_months"' in months.content.decode()
    assert not Finding.objects.exists() and not FindingSource.objects.exists()


# --- API -----------------------------------------------------------------------------------------

def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_creates_an_inspection(county):
    response = api(county["office"]).post(reverse("oversight-api:inspection-list"), {
        "group": county["group"].pk, "subject": "财政专户资金检查", "inspected_on": "2026-05-20",
        "participants": [county["dept"].pk]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    made = ItemInspection.objects.get(pk=body["id"])
    assert body["subject"] == made.subject == "财政专户资金检查" and body["participants"] == [county["dept"].pk]
    assert body["findings"] == [] and body["inspected_on"] == "2026-05-20"


def test_api_refusals_are_json_and_write_nothing(county):
    url, office = reverse("oversight-api:inspection-list"), api(county["office"])
    body = {"group": county["group"].pk, "subject": "财政专户资金检查", "inspected_on": "2026-05-20"}
    elsewhere = office.post(url, {**body, "participants": [county["elsewhere"].pk]}, format="json")
    assert elsewhere.status_code == 400
    error = elsewhere.json()["error"]
    assert error["code"] == "participant_elsewhere" and county["elsewhere"].name in error["message"]
    assert "participants" in error["fields"]
    missing = office.post(url, {**body, "subject": ""}, format="json")
    assert missing.status_code == 400 and "subject" in missing.json()["error"]["fields"]
    bad_date = office.post(url, {**body, "inspected_on": "2026-5-20"}, format="json")
    assert bad_date.status_code == 400 and "inspected_on" in bad_date.json()["error"]["fields"]
    auditor = api(county["auditor"]).post(url, body, format="json")
    assert auditor.status_code == 403 and auditor.json()["error"]["code"] == "permission_denied"
    assert not ItemInspection.objects.exists()


def test_api_refuses_a_group_the_form_does_not_offer(county, client):
    """The form lists the active leading groups only; the API (and the service) refuse the
    coordination group, the office and an inactive leading group with a JSON error on ``group``."""
    group = county["group"]
    coordination = services.group_create(division=group.division, kind="coordination", parent=group,
                                         name="扩权强镇协调小组", set_up_on=D(2010, 3, 1))
    login(client, county["office"])
    form = client.get(reverse("oversight:inspection-create")).context["form"]
    assert list(form.fields["group"].queryset) == [group]
    url, office = reverse("oversight-api:inspection-list"), api(county["office"])
    body = {"subject": "财政专户资金检查", "inspected_on": "2026-05-20", "participants": [county["dept"].pk]}
    refused = office.post(url, {**body, "group": coordination.pk}, format="json")
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "not_leading_group" and error["fields"]["group"] == [error["message"]]
    assert "领导小组" in error["message"]
    group.is_active = False
    group.save(update_fields=["is_active"])
    inactive = office.post(url, {**body, "group": group.pk}, format="json")
    assert inactive.status_code == 400 and inactive.json()["error"]["code"] == "not_leading_group"
    assert not ItemInspection.objects.exists()


def test_api_adds_a_finding_and_refuses_one_before_the_inspection(county):
    made = inspection(county)
    url = reverse("oversight-api:inspection-findings", args=[made.pk])
    office = api(county["office"])
    early = office.post(url, finding_form(county, found_on="2026-04-01"), format="json")
    assert early.status_code == 400 and early.json()["error"]["code"] == "found_before_inspection"
    assert not Finding.objects.exists()
    response = office.post(url, finding_form(county), format="json")
    assert response.status_code == 200, response.content
    found = Finding.objects.get()
    assert response.json()["findings"] == [found.pk] and found.occasion == FindingOccasion.ITEM_INSPECTION
    assert api(county["auditor"]).post(url, finding_form(county), format="json").status_code == 403
    assert api(county["clerk_linxi"]).post(url, finding_form(county), format="json").status_code in (403, 404)
    assert Finding.objects.count() == 1
