"""The oversight API's writes, each one service: a meeting recorded after it was held (record,
attendance, decisions, action items, an action item done) and a finding through its steps (opened,
replied to by the town's clerk with evidence files, returned with a reason, replied again,
accepted, closed out). Errors are structured JSON (400 field errors, 409 wrong state, 403 the
wrong role) and write nothing. Who may call each route is the persona matrix's
(test_matrix_api.py); here what each call does."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from oversight import services
from oversight.choices import FindingState, MemberRole, ReplyDecision
from oversight.models import ActionItem, Attendance, Decision, Finding, FindingReply
from regions.models import Membership

from .factories import finding, group_with_towns

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def api(db, django_user_model):
    group, towns = group_with_towns(2)
    member = services.member_add(group=group, name="李副组长", post="副县长", role=MemberRole.DEPUTY)

    def client_of(name, division, role):
        user = django_user_model.objects.create_user(name, password="x-long-password")
        Membership.objects.create(user=user, division=division, role=role)
        c = APIClient()
        c.force_authenticate(user)
        c.user = user
        return c

    return {"group": group, "towns": towns, "member": member,
            "office": client_of("office_api", group.division, "office"),
            "clerk": client_of("clerk_api", towns[0], "clerk"),
            "clerk_b": client_of("clerk_api_b", towns[1], "clerk")}


def url(name, pk):
    return reverse(f"oversight-api:{name}", args=[pk])


def error(response):
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_meeting_recorded_through_the_api(api):
    office = api["office"]
    meeting = services.meeting_create_monthly(group=api["group"], month=D(2026, 3, 1))[0]
    # an action item before the meeting was held: 409, nothing written
    r = office.post(url("meeting-action-items", meeting.pk), {"text": "督促", "owner_unit": "县发改委"}, format="json")
    assert r.status_code == 409 and error(r)["code"] == "meeting_not_held"
    assert not ActionItem.objects.exists()
    r = office.post(url("meeting-record", meeting.pk), {"held_on": "2026-3-12"}, format="json")
    assert r.status_code == 400 and "held_on" in error(r)["fields"]
    r = office.post(url("meeting-record", meeting.pk),
                    {"held_on": "2026-03-12", "venue": "县政府三楼会议室", "minutes": "一、通报整改情况。"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["held_on"] == "2026-03-12" and r.json()["minutes"] == "一、通报整改情况。"
    r = office.post(url("meeting-attendance", meeting.pk), {"member": api["member"].pk, "present": False,
                                                             "substitute": "王秘书"}, format="json")
    assert r.status_code == 200 and r.json()["attendance"][0]["substitute"] == "王秘书"
    assert Attendance.objects.get(meeting=meeting).updated_by == office.user
    r = office.post(url("meeting-decisions", meeting.pk), {"text": "各镇月底前完成整改"}, format="json")
    assert r.status_code == 200 and r.json()["decisions"][0]["position"] == 1
    decision = Decision.objects.get(meeting=meeting)
    r = office.post(url("meeting-action-items", meeting.pk),
                    {"text": "督促补报备案", "owner_unit": "县发改委", "owner": api["member"].pk,
                     "decision": decision.pk, "within_days": 10}, format="json")
    assert r.status_code == 200, r.content
    (action,) = r.json()["actions"]
    assert action["due_on"] == "2026-03-23" and action["done_on"] is None  # 22 March is a Sunday
    item = ActionItem.objects.get(pk=action["id"])
    r = office.post(url("meeting-action-done", meeting.pk), {"item": item.pk, "done_on": "2026-03-20", "note": " "},
                    format="json")
    assert r.status_code == 400 and error(r)["code"] == "note_required"
    r = office.post(url("meeting-action-done", meeting.pk), {"item": item.pk, "done_on": "2026-03-20",
                                                              "note": "已全部补报"}, format="json")
    assert r.status_code == 200
    done = r.json()["actions"][0]
    assert (done["done_on"], done["done_note"], done["done_by"]) == ("2026-03-20", "已全部补报", office.user.pk)
    r = office.post(url("meeting-action-done", meeting.pk), {"item": item.pk, "done_on": "2026-03-21",
                                                              "note": "再次"}, format="json")
    assert r.status_code == 409 and error(r)["code"] == "action_already_done"
    assert ActionItem.objects.get(pk=item.pk).done_on == D(2026, 3, 20)


def test_rows_of_another_group_or_meeting_are_no_choice(api):
    office = api["office"]
    meeting = services.meeting_create_monthly(group=api["group"], month=D(2026, 3, 1))[0]
    services.meeting_record(meeting=meeting, held_on=D(2026, 3, 12), venue="", minutes="", actor=None)
    other, _towns = group_with_towns(1)
    stranger = services.member_add(group=other, name="外组成员", post="局长", role=MemberRole.MEMBER)
    r = office.post(url("meeting-attendance", meeting.pk), {"member": stranger.pk, "present": True}, format="json")
    assert r.status_code == 400 and "member" in error(r)["fields"]
    earlier = services.meeting_create_monthly(group=api["group"], month=D(2026, 2, 1))[0]
    earlier = services.meeting_record(meeting=earlier, held_on=D(2026, 2, 10), venue="", minutes="", actor=None)
    item = services.action_item_add(meeting=earlier, text="x", owner_unit="县发改委", actor=None)
    r = office.post(url("meeting-action-done", meeting.pk), {"item": item.pk, "done_on": "2026-03-20",
                                                              "note": "已办"}, format="json")
    assert r.status_code == 400 and "item" in error(r)["fields"]
    assert ActionItem.objects.get(pk=item.pk).done_on is None


def evidence(name="整改报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_finding_through_its_steps(api):
    office, clerk = api["office"], api["clerk"]
    town = api["towns"][0]
    payload = {"group": api["group"].pk, "town": town.pk, "occasion": "supervision", "category": "filing",
               "severity": "general", "description": "行权记录未按期备案", "rule_breached": "审批后1个月内备案",
               "found_on": "2026-01-05", "rectify_months": 13}
    r = office.post(reverse("oversight-api:finding-list"), payload, format="json")
    assert r.status_code == 400 and error(r)["code"] == "invalid_months"
    r = office.post(reverse("oversight-api:finding-list"), {**payload, "rectify_months": 1}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == FindingState.OPEN and body["due_on"] == "2026-02-05" and body["town_name"] == town.name
    pk = body["id"]
    # the office does not file the town's report (403), the clerk of the other town does not see it (404)
    r = office.post(url("finding-reply", pk), {"text": "已整改", "submitted_on": "2026-01-20",
                                               "evidence": [evidence()]}, format="multipart")
    assert r.status_code == 403 and error(r)["code"] == "permission_denied"
    r = api["clerk_b"].post(url("finding-reply", pk), {"text": "已整改", "submitted_on": "2026-01-20",
                                                       "evidence": [evidence()]}, format="multipart")
    assert r.status_code == 404
    r = clerk.post(url("finding-reply", pk), {"text": "已整改", "submitted_on": "2026-01-20"}, format="multipart")
    assert r.status_code == 400 and error(r)["code"] == "evidence_required"
    assert not FindingReply.objects.exists()
    r = clerk.post(url("finding-reply", pk), {"text": "已补报备案", "submitted_on": "2026-01-20",
                                              "evidence": [evidence(), evidence("回执.pdf")]}, format="multipart")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == FindingState.REPLIED and len(r.json()["replies"][0]["evidence"]) == 2
    r = clerk.post(url("finding-accept", pk), {}, format="json")  # the town does not accept its own report
    assert r.status_code == 403
    r = office.post(url("finding-return", pk), {"on": "2026-01-22", "reason": "  "}, format="json")
    assert r.status_code == 400 and error(r)["code"] == "reason_required"
    r = office.post(url("finding-return", pk), {"on": "2026-01-22", "reason": "缺少备案回执"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == FindingState.RETURNED
    assert FindingReply.objects.get(finding_id=pk).return_reason == "缺少备案回执"
    r = office.post(url("finding-close", pk), {"on": "2026-01-23"}, format="json")
    assert r.status_code == 409 and error(r)["code"] == "wrong_state"
    r = clerk.post(url("finding-reply", pk), {"text": "补充回执", "submitted_on": "2026-01-25",
                                              "evidence": [evidence("回执.pdf")]}, format="multipart")
    assert r.status_code == 200
    r = office.post(url("finding-accept", pk), {"on": "2026-01-24"}, format="json")
    assert r.status_code == 400 and error(r)["code"] == "decided_before_reply"
    r = office.post(url("finding-accept", pk), {"on": "2026-01-26"}, format="json")
    assert r.status_code == 200 and r.json()["accepted_on"] == "2026-01-26"
    r = office.post(url("finding-close", pk), {"on": "2026-01-27"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == FindingState.CLOSED
    f = Finding.objects.get(pk=pk)
    assert (f.state, f.closed_on, f.updated_by) == (FindingState.CLOSED, D(2026, 1, 27), office.user)
    assert [r.decision for r in f.replies.order_by("id")] == [ReplyDecision.RETURNED, ReplyDecision.ACCEPTED]


def test_finding_opened_only_in_the_offices_towns(api):
    other, other_towns = group_with_towns(1)
    payload = {"group": other.pk, "town": other_towns[0].pk, "occasion": "supervision", "category": "filing",
               "severity": "general", "description": "x", "rule_breached": "y", "found_on": "2026-01-05",
               "rectify_months": 1}
    r = api["office"].post(reverse("oversight-api:finding-list"), payload, format="json")
    assert r.status_code == 400 and {"group", "town"} <= set(error(r)["fields"])
    assert not Finding.objects.exists()
    f = finding(api["group"], api["towns"][0])
    r = api["clerk"].post(reverse("oversight-api:finding-list"), {**payload, "group": api["group"].pk,
                                                                  "town": api["towns"][0].pk}, format="json")
    assert r.status_code == 403
    assert list(Finding.objects.all()) == [f]
