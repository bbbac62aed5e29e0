"""Rectification reminders go out once (before the deadline and once overdue), through core's
notifications; every list is scoped by regions.scoping; the meeting's record after it is held."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import ConflictError
from core.notifications.models import Notification
from core.notifications.services import notifications_run_daily
from oversight import selectors, services
from oversight.choices import MemberRole
from oversight.models import Attendance
from regions.models import Membership

from .factories import finding, group_with_towns

D = datetime.date


@pytest.fixture
def people(db, django_user_model):
    group, towns = group_with_towns(2)
    other_group, other_towns = group_with_towns(1)

    def user(name, division, role):
        u = django_user_model.objects.create_user(name, password="x-long-password")
        Membership.objects.create(user=u, division=division, role=role)
        return u

    return {"group": group, "towns": towns, "other_group": other_group, "other_towns": other_towns,
            "office": user("office_n", group.division, "office"), "clerk": user("clerk_n", towns[0], "clerk"),
            "clerk_b": user("clerk_nb", towns[1], "clerk"),
            "other_office": user("office_x", other_group.division, "office"),
            "auditor": user("auditor_n", group.division, "auditor")}


def test_reminders_once_before_and_once_overdue(people):
    p = people
    f = finding(p["group"], p["towns"][0], found_on=D(2026, 3, 2), months=1, actor=p["office"])  # due 2026-04-02
    assert f.due_on == D(2026, 4, 2)
    assert notifications_run_daily(day=D(2026, 3, 20))["oversight"] == 0  # more than a week ahead
    assert notifications_run_daily(day=D(2026, 3, 27))["oversight"] == 2  # the town's clerk and the office
    assert notifications_run_daily(day=D(2026, 3, 30))["oversight"] == 0  # told already
    assert notifications_run_daily(day=D(2026, 4, 3))["oversight"] == 2  # overdue: told once more
    assert notifications_run_daily(day=D(2026, 4, 10))["oversight"] == 0
    kinds = sorted(Notification.objects.filter(addressee=p["clerk"]).values_list("kind", flat=True))
    assert kinds == ["oversight.rectification_due_soon", "oversight.rectification_overdue"]
    assert not Notification.objects.filter(addressee__in=[p["clerk_b"], p["other_office"]]).exists()
    title = Notification.objects.get(addressee=p["clerk"], kind="oversight.rectification_overdue").title
    assert title == f"{p['towns'][0].name}“行权记录未按期备案”整改已逾期（期限 2026-04-02）"


def test_no_reminder_once_replied(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = people
    f = finding(p["group"], p["towns"][0], found_on=D(2026, 3, 2), months=1, actor=p["office"])
    services.finding_reply(finding=f, text="已整改", submitted_on=D(2026, 3, 10), actor=p["clerk"],
                           evidence=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")])
    assert notifications_run_daily(day=D(2026, 3, 27))["oversight"] == 0


def test_findings_scoped_by_jurisdiction(people):
    p = people
    mine = finding(p["group"], p["towns"][0], actor=p["office"])
    theirs = finding(p["group"], p["towns"][1], actor=p["office"])
    elsewhere = finding(p["other_group"], p["other_towns"][0], actor=p["other_office"])
    ids = lambda user: set(selectors.finding_list(user=user).values_list("id", flat=True))  # noqa: E731
    assert ids(p["office"]) == {mine.pk, theirs.pk}
    assert ids(p["auditor"]) == {mine.pk, theirs.pk}
    assert ids(p["clerk"]) == {mine.pk}
    assert ids(p["other_office"]) == {elsewhere.pk}
    with pytest.raises(Http404):
        selectors.finding_get(user=p["clerk"], pk=theirs.pk)
    # groups and meetings: the county's, not the town clerk's
    meeting, _ = services.meeting_create_monthly(group=p["group"], month=D(2026, 5, 1))
    assert list(selectors.group_list(user=p["office"])) == [p["group"]]
    assert list(selectors.meeting_list(user=p["clerk"])) == []
    assert list(selectors.meeting_list(user=p["auditor"])) == [meeting]
    with pytest.raises(Http404):
        selectors.meeting_get(user=p["other_office"], pk=meeting.pk)
    with pytest.raises(PermissionDenied):  # another county's office cannot record this one's findings
        finding(p["group"], p["towns"][0], actor=p["other_office"])
    with pytest.raises(PermissionDenied):  # the auditor reads, never writes
        services.meeting_create_monthly(group=p["group"], month=D(2026, 6, 1), actor=p["auditor"])


def test_meeting_record_attendance_decisions_actions(people):
    p = people
    group, office = p["group"], p["office"]
    member = group.members.get(role=MemberRole.LEADER)
    meeting, _ = services.meeting_create_monthly(group=group, month=D(2026, 5, 1), actor=office)
    with pytest.raises(ConflictError) as e:
        services.action_item_add(meeting=meeting, text="督促补报备案", owner_unit="县发改委", actor=office)
    assert e.value.message == "请先登记会议召开日期，再布置督办任务。"
    meeting = services.meeting_record(meeting=meeting, held_on=D(2026, 5, 8), venue="县政府三楼会议室",
                                      minutes="会议听取了各试点镇工作汇报。", actor=office)
    services.attendance_record(meeting=meeting, member=member, present=True, actor=office)
    services.attendance_record(meeting=meeting, member=member, present=False, substitute="李副组长", actor=office)
    assert Attendance.objects.get(meeting=meeting, member=member).substitute == "李副组长"
    first = services.decision_add(meeting=meeting, text="各镇本月底前补报逾期备案", actor=office)
    second = services.decision_add(meeting=meeting, text="县财政局本季度内拨付应返款项", actor=office)
    assert (first.position, second.position) == (1, 2)
    action = services.action_item_add(meeting=meeting, decision=first, text="督促补报备案", owner=member,
                                      owner_unit="县发改委", within_days=30, actor=office)
    assert action.due_on == D(2026, 6, 8) and not action.due_provisional  # 30 days after 8 May: a Monday
    with pytest.raises(PermissionDenied):
        services.decision_add(meeting=meeting, text="x", actor=p["clerk"])
