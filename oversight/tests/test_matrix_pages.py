"""The persona matrix over oversight's pages (core.testing ScopedPageCases): the 督查考核 home, the
leading groups, the meetings with the office's records and the minutes' PDF, the findings with
the town's reply (its clerk and the office write, the readers get 403) and the office's accept /
return / close-out (403 for everyone else who sees the finding, 404 outside the jurisdiction).
Groups and meetings belong to the county (the clerks do not see them); findings to a town."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.testing.cases import Route, ScopedPageCases
from core.testing.personas import COUNTY, ELSEWHERE_CITY
from oversight import services
from oversight.choices import MemberRole
from regions.models import Division

from .factories import finding
from .test_matrix_api import group_of

D = datetime.date
HISTORY = ({"tab": "history"},)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
serial = itertools.count(1)


def member_of(group):
    return group.members.first() or services.member_add(group=group, name="王组长", post="县长", role=MemberRole.LEADER)


def held_meeting(division, m=None):
    group = group_of(division)
    member_of(group)
    n = group.meetings.count()
    meeting = services.meeting_create_monthly(group=group, month=D(2026, 1 + n, 1))[0]
    return services.meeting_record(meeting=meeting, held_on=D(2026, 1 + n, 12), venue="县政府三楼会议室",
                                   minutes="一、通报上月整改情况。\n二、部署下月工作。", actor=None)


def replied(division, m=None):
    f = finding(group_of(division), division)
    services.finding_reply(finding=f, text="已补报备案", submitted_on=D(2026, 1, 20),
                           evidence=[SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")], actor=None)
    return f


def reply_payload(m):
    return {"text": f"已整改{next(serial)}", "submitted_on": "2026-01-20",
            "evidence": SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")}


class TestOversightHome(ScopedPageCases):
    """This month's meeting of the county's group with its agenda, findings by town."""

    list_names = ("oversight:index",)
    # oversight:index is the dashboard (views_dashboard.DashboardView: also overdue counts from
    # every app, appraisal standings); its budget is the one its own matrix declares
    # (test_matrix_dashboard.py).
    query_budget = 24

    def make(self, division, m):
        group = group_of(division)
        town = Division.objects.filter(path__startswith=division.path, level="town").order_by("code").first()
        services.town_steer(group=group, town=town)
        finding(group, town, found_on=timezone.localdate() - datetime.timedelta(days=60))  # overdue
        return services.monthly_meeting_prepare(group=group, month=timezone.localdate())

    home, away, rows = COUNTY, ELSEWHERE_CITY, 1


class TestGroupPages(ScopedPageCases):
    list_name = "oversight:group-list"
    detail_name = "oversight:group-detail"
    detail_queries = HISTORY
    extra_routes = (  # the office's forms on the group's page: 添加成员, 增加指导镇
        Route("oversight:group-member-add", write=True),
        Route("oversight:group-town-steer", write=True),
    )
    home, away, rows = COUNTY, ELSEWHERE_CITY, 1
    query_budget = 9

    def make(self, division, m):
        group = group_of(division)
        member_of(group)
        return group


class TestMeetingPages(ScopedPageCases):
    """The meeting, its record form, attendance, decisions, action items (the office's), its minutes' PDF;
    the office's 新建临时会议 form (an ad-hoc meeting of a group of its jurisdiction)."""

    list_name = "oversight:meeting-list"
    detail_name = "oversight:meeting-detail"
    detail_queries = HISTORY
    edit_names = ("oversight:meeting-record",)
    create_name = "oversight:meeting-create"  # an ad-hoc meeting (新建临时会议)
    edit_payload = {"held_on": "2026-03-12", "venue": "县政府三楼会议室", "minutes": "一、通报整改情况。"}
    extra_routes = (
        Route("oversight:meeting-minutes"),
        Route("oversight:meeting-attendance", "POST", write=True,
              row_body=lambda mt: {"member": mt.group.members.first().pk, "present": "on"}),
        Route("oversight:meeting-decision", "POST", write=True, payload={"text": "各镇月底前完成整改"}),
        Route("oversight:meeting-action", "POST", write=True,
              payload={"text": "督促临溪镇补报备案", "owner_unit": "县发改委", "within_days": "30"}),
    )
    home, away = COUNTY, ELSEWHERE_CITY
    query_budget = 9

    def make(self, division, m):
        return held_meeting(division)

    def create_payload(self, m, division):
        return {"group": group_of(division).pk, "held_on": "2026-03-18", "title": "耕地保护专题协调会"}


class TestFindingPages(ScopedPageCases):
    list_name = "oversight:finding-list"
    detail_name = "oversight:finding-detail"
    detail_queries = HISTORY
    query_budget = 10

    def make(self, division, m):
        return finding(group_of(division), division)


class TestFindingReplyPage(ScopedPageCases):
    """The town's clerk alone reports the rectification; the office over the town and the readers
    get 403."""

    edit_names = ("oversight:finding-reply",)
    edit_payload = staticmethod(reply_payload)
    write_roles = frozenset({"clerk"})

    def make(self, division, m):
        return finding(group_of(division), division)


class TestFindingReviewPages(ScopedPageCases):
    """Accepting and returning a reply are the office's: the town's clerk sees the finding, gets 403."""

    actions = {"oversight:finding-accept": {"on": ""}, "oversight:finding-return": {"reason": "佐证材料不足"}}

    def make(self, division, m):
        return replied(division)


class TestFindingClosePage(ScopedPageCases):
    actions = {"oversight:finding-close": {}}

    def make(self, division, m):
        f = replied(division)
        return services.finding_accept(finding=f, on=D(2026, 1, 25), actor=None)
