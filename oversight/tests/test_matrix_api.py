"""The persona matrix over the oversight API (core.testing ScopedAPICases): every persona reads
within its jurisdiction, 404 outside it, 403 without membership; the office's writes (meetings'
record, attendance, decisions, action items and their close-out; findings opened, accepted,
returned, closed) 403 for every other role; the rectification report (reply) the town clerk's
alone (403 for the office); DELETE 405; lists scoped within a fixed query budget. Groups and
meetings belong to the county; findings to a town."""

from __future__ import annotations

import datetime

from core.testing.cases import Route, ScopedAPICases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from oversight import services
from oversight.choices import MemberRole
from oversight.models import LeadingGroup

from .factories import finding


def group_of(division):
    """The leading group of ``division`` (a county or city), or of the one above a town."""
    body = division if division.level in ("county", "city") else division.parent
    return LeadingGroup.objects.filter(division=body).first() or services.group_create(
        division=body, kind="leading", name=f"{body.name}扩权强镇领导小组", set_up_on=datetime.date(2009, 11, 1))


class TestLeadingGroupAPI(ScopedAPICases):
    basename = "oversight-api:group"
    detail_gets = ("history",)
    extra_routes = (Route("oversight-api:group-dashboard", kwargs=None),)  # the office's home, scoped
    # The office adds a member and a steered pilot town (the bodies' checks: test_groups_write.py).
    actions = {"members": {"name": "王明", "post": "副县长", "role": MemberRole.DEPUTY}, "towns": {}}
    home, away = COUNTY, ELSEWHERE_CITY
    rows = 1
    query_budget = 3

    def make(self, division, m):
        return group_of(division)


class TestMeetingAPI(ScopedAPICases):
    basename = "oversight-api:meeting"
    detail_gets = ("history", "agenda")
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 4

    def make(self, division, m):
        group = group_of(division)
        n = group.meetings.count()
        return services.meeting_create_monthly(group=group, month=datetime.date(2026, 1 + n, 1))[0]


class TestFindingAPI(ScopedAPICases):
    basename = "oversight-api:finding"
    detail_gets = ("history",)
    query_budget = 5

    def make(self, division, m):
        return finding(group_of(division), division)


def held_meeting_with_action(division):
    """A held monthly meeting of ``division``'s group with a member, a decision and an action item."""
    group = group_of(division)
    member = group.members.first() or services.member_add(group=group, name="王组长", post="县长",
                                                          role=MemberRole.LEADER)
    n = group.meetings.count()
    meeting = services.meeting_create_monthly(group=group, month=datetime.date(2026, 1 + n, 1))[0]
    meeting = services.meeting_record(meeting=meeting, held_on=datetime.date(2026, 1 + n, 12), venue="县政府三楼会议室",
                                      minutes="一、通报整改情况。", actor=None)
    decision = services.decision_add(meeting=meeting, text="各镇月底前完成整改", actor=None)
    services.action_item_add(meeting=meeting, text="督促补报备案", owner_unit="县发改委", owner=member,
                             decision=decision, actor=None)
    return meeting


class TestMeetingWritesAPI(ScopedAPICases):
    """The office records a held meeting: record, attendance, decisions, action items, an action done;
    and opens an ad-hoc meeting (POST to the list) of a group of its jurisdiction."""

    basename = "oversight-api:meeting"
    detail_gets = ("minutes-pdf",)  # the held meeting's minutes as the page's PDF
    home, away = COUNTY, ELSEWHERE_CITY
    role_check_first = True
    query_budget = 4
    actions = {
        "record": {"held_on": "2026-01-12", "venue": "县政府三楼会议室", "minutes": "一、通报整改情况。"},
        "attendance": lambda m: {"member": m.obj.group.members.first().pk, "present": True},
        "decisions": {"text": "各镇月底前完成整改"},
        "action-items": {"text": "督促临溪镇补报备案", "owner_unit": "县发改委", "within_days": 30},
        "action-done": lambda m: {"item": m.obj.actions.first().pk, "done_on": "2026-01-20", "note": "已补报"},
    }

    def make(self, division, m):
        return held_meeting_with_action(division)

    def create_payload(self, m, division):  # an ad-hoc meeting of the division's group
        return {"group": group_of(division).pk, "held_on": "2026-03-18", "title": "耕地保护专题协调会"}


class TestFindingWritesAPI(ScopedAPICases):
    """The office opens findings (POST to the list), in its towns only."""

    basename = "oversight-api:finding"
    role_check_first = True
    query_budget = 5

    def make(self, division, m):
        return finding(group_of(division), division)

    def create_payload(self, m, division):
        return {"group": group_of(division).pk, "town": division.pk, "occasion": "supervision", "category": "filing",
                "severity": "general", "description": "行权记录未按期备案", "rule_breached": "审批后1个月内备案",
                "found_on": "2026-01-05", "rectify_months": 1}


class TestFindingReplyAPI(ScopedAPICases):
    """The rectification report is the town clerk's alone: the office over the town gets 403."""

    basename = "oversight-api:finding"
    write_roles = frozenset({"clerk"})
    role_check_first = True
    query_budget = 5
    actions = {"reply": {"text": "已补报备案", "submitted_on": "2026-01-20"}}  # JSON: no file, so 400 for the clerk

    def make(self, division, m):
        return finding(group_of(division), division)


def replied(division):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = finding(group_of(division), division)
    services.finding_reply(finding=f, text="已补报备案", submitted_on=datetime.date(2026, 1, 20), actor=None,
                           evidence=[SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")])
    return f


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class TestFindingReviewAPI(ScopedAPICases):
    """Accepting or returning the town's report is the office's: the clerk who sees it gets 403."""

    basename = "oversight-api:finding"
    role_check_first = True
    query_budget = 6
    actions = {"accept": {"on": "2026-01-25"}, "return": {"on": "2026-01-25", "reason": "佐证材料不足"}}

    def make(self, division, m):
        return replied(division)


class TestFindingCloseAPI(ScopedAPICases):
    basename = "oversight-api:finding"
    role_check_first = True
    query_budget = 6
    actions = {"close": {"on": "2026-01-26"}}

    def make(self, division, m):
        return services.finding_accept(finding=replied(division), on=datetime.date(2026, 1, 25), actor=None)
