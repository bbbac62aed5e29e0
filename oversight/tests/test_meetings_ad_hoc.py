"""Ad-hoc meetings (专题协调会, issue 14: the coordination group's ad-hoc meetings use the same pages):
the office opens one for a leading or coordination group of its jurisdiction on the page 新建临时会议
(linked from the meetings list) and through POST /api/v1/oversight/meetings/; it lands on the
meeting's page with the monthly meeting's steps; its minutes are the page's PDF, also served by the
API's ``minutes-pdf``. Refusals: 403 without the office role, a group out of scope no valid choice
(the form again, 400 in the API, as every scoped reference in a body), 404 for a meeting out of
scope, bad input a Chinese error or structured JSON; nothing written."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from oversight import services
from oversight.choices import GroupKind, MeetingKind
from oversight.models import Meeting
from regions.models import Membership

from .factories import group_with_towns

D = datetime.date
TITLE = "耕地保护专题协调会"


@pytest.fixture
def site(db, django_user_model):
    group, towns = group_with_towns(1)
    coordination = services.group_create(division=group.division, kind=GroupKind.COORDINATION,
                                         name=f"{group.division.name}扩权强镇协调小组", set_up_on=D(2010, 3, 1))
    other, _ = group_with_towns(1)

    def user(name, division, role):
        u = django_user_model.objects.create_user(name, password="x-long-password")
        Membership.objects.create(user=u, division=division, role=role)
        return u

    return {"group": group, "coordination": coordination, "other": other,
            "office": user("office_adhoc", group.division, "office"),
            "auditor": user("auditor_adhoc", group.division, "auditor"),
            "other_office": user("office_adhoc_b", other.division, "office")}


def page(user):
    c = Client()
    c.force_login(user)
    return c


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def pdf_text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def test_page_creates_an_ad_hoc_meeting_of_the_coordination_group(site):
    office = page(site["office"])
    listing = office.get(reverse("oversight:meeting-list"))
    assert reverse("oversight:meeting-create") in listing.content.decode()
    form = office.get(reverse("oversight:meeting-create"))
    assert form.status_code == 200 and "新建临时会议" in form.content.decode()
    choices = {g.pk for g in form.context["form"].fields["group"].queryset}
    assert choices == {site["group"].pk, site["coordination"].pk}  # not the other county's group
    r = office.post(reverse("oversight:meeting-create"),
                    {"group": site["coordination"].pk, "held_on": "2026-03-18", "title": f"  {TITLE} "})
    meeting = Meeting.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("oversight:meeting-detail", args=[meeting.pk])
    assert (meeting.group, meeting.kind, meeting.month, meeting.held_on, meeting.title, meeting.created_by) == (
        site["coordination"], MeetingKind.AD_HOC, D(2026, 3, 1), D(2026, 3, 18), TITLE, site["office"])
    detail = office.get(r["Location"])  # the monthly meeting's page, with the office's steps
    body = detail.content.decode()
    assert detail.status_code == 200 and TITLE in body
    assert reverse("oversight:meeting-attendance", args=[meeting.pk]) in body
    assert reverse("oversight:meeting-action", args=[meeting.pk]) in body  # held: action items too
    pdf = office.get(reverse("oversight:meeting-minutes", args=[meeting.pk]))
    assert pdf.status_code == 200 and TITLE in pdf_text(pdf.content)


def test_page_refusals_write_nothing(site):
    url = reverse("oversight:meeting-create")
    payload = {"group": site["group"].pk, "held_on": "2026-03-18", "title": TITLE}
    auditor = page(site["auditor"])
    assert auditor.get(url).status_code == 403
    assert auditor.post(url, payload).status_code == 403
    assert TITLE not in auditor.get(reverse("oversight:meeting-list")).content.decode()
    # the other county's office: the group is no valid choice, the form again
    r = page(site["other_office"]).post(url, payload)
    assert r.status_code == 200 and "group" in r.context["form"].errors
    # bad input: a Chinese error per field, the input kept
    r = page(site["office"]).post(url, {"group": site["group"].pk, "held_on": "2026-02-30", "title": "  "})
    errors = r.context["form"].errors
    assert r.status_code == 200 and {"held_on", "title"} <= set(errors)
    assert "有效" in errors["held_on"][0] or "日期" in errors["held_on"][0]
    assert not Meeting.objects.exists()


def test_api_creates_an_ad_hoc_meeting_and_serves_its_minutes(site):
    office = api(site["office"])
    r = office.post(reverse("oversight-api:meeting-list"),
                    {"group": site["group"].pk, "held_on": "2026-04-02", "title": TITLE}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    meeting = Meeting.objects.get()
    assert (body["id"], body["kind"], body["month"], body["held_on"], body["title"]) == (
        meeting.pk, MeetingKind.AD_HOC, "2026-04-01", "2026-04-02", TITLE)
    assert meeting.created_by == site["office"]
    # the steps of the monthly meeting work on it
    r = office.post(reverse("oversight-api:meeting-decisions", args=[meeting.pk]), {"text": "限期完成复垦"},
                    format="json")
    assert r.status_code == 200, r.content
    r = office.get(reverse("oversight-api:meeting-minutes-pdf", args=[meeting.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    flat = pdf_text(r.content)
    assert TITLE in flat and "限期完成复垦" in flat
    # the same PDF as the page (the same function builds both)
    same = page(site["office"]).get(reverse("oversight:meeting-minutes", args=[meeting.pk]))
    assert pdf_text(same.content) == flat
    # a reader of the county reads it too; the other county's office does not see it (404)
    assert api(site["auditor"]).get(reverse("oversight-api:meeting-minutes-pdf", args=[meeting.pk])).status_code == 200
    r = api(site["other_office"]).get(reverse("oversight-api:meeting-minutes-pdf", args=[meeting.pk]))
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")


def test_api_minutes_pdf_of_a_meeting_not_held_is_404(site):
    meeting = services.meeting_create_monthly(group=site["group"], month=D(2026, 3, 1))[0]
    r = api(site["office"]).get(reverse("oversight-api:meeting-minutes-pdf", args=[meeting.pk]))
    assert r.status_code == 404 and "尚未召开" in r.json()["error"]["message"]


def test_api_refusals_write_nothing(site):
    url = reverse("oversight-api:meeting-list")
    payload = {"group": site["group"].pk, "held_on": "2026-04-02", "title": TITLE}
    r = api(site["auditor"]).post(url, payload, format="json")  # sees the group, no office role
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    r = api(site["other_office"]).post(url, payload, format="json")  # the group out of its scope
    assert r.status_code == 400 and "group" in r.json()["error"]["fields"]
    r = api(site["office"]).post(url, {"group": site["group"].pk, "held_on": "2026/04/02", "title": ""},
                                 format="json")
    assert r.status_code == 400 and {"held_on", "title"} <= set(r.json()["error"]["fields"])
    office_body = services.group_create(division=site["group"].division, kind=GroupKind.OFFICE,
                                        name="领导小组办公室", set_up_on=D(2010, 3, 1), parent=site["group"])
    r = api(site["office"]).post(url, {**payload, "group": office_body.pk}, format="json")  # holds no meetings
    assert r.status_code == 400 and "group" in r.json()["error"]["fields"]
    assert not Meeting.objects.exists()
