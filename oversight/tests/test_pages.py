"""What the persona matrix cannot know about oversight's pages: the clerk's reply with several
evidence files lands on the finding's page as links through core's checking view (her own town's
clerk and the office download them, the other town's clerk gets 404), the office returns it with a
reason and the reason is shown, accepts the next one and closes the finding out; the meeting's
forms write attendance, decisions and action items; the filters the agenda links to; the minutes'
PDF only once the meeting is held."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from oversight import services
from oversight.choices import FindingState
from oversight.models import Finding
from regions.models import Division

from .factories import finding, leading_group

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def site(personas):
    linxi = Division.objects.get(code="341824101")
    group = leading_group(linxi.parent, towns=[linxi])
    return {**personas, "group": group, "linxi": linxi}


def test_reply_return_accept_close_through_the_pages(site, client_for):
    f = finding(site["group"], site["linxi"], found_on=datetime.date(2026, 1, 5))
    clerk, office, other = client_for(site["clerk_linxi"]), client_for(site["office"]), client_for(site["clerk_other"])
    detail = reverse("oversight:finding-detail", args=[f.pk])
    assert 'data-testid="reply-link"' in clerk.get(detail).content.decode()
    assert 'data-testid="reply-link"' not in client_for(site["auditor"]).get(detail).content.decode()
    reply = reverse("oversight:finding-reply", args=[f.pk])
    # no evidence: the form again with the service's message, nothing written
    r = clerk.post(reply, {"text": "已补报", "submitted_on": "2026-01-20"})
    assert r.status_code == 200 and Finding.objects.get(pk=f.pk).state == FindingState.OPEN
    r = clerk.post(reply, {"text": "已补报备案", "submitted_on": "2026-01-20", "evidence": [
        SimpleUploadedFile("回执.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("照片.png", PNG, content_type="image/png")]})
    assert r.status_code == 302 and Finding.objects.get(pk=f.pk).state == FindingState.REPLIED
    html = office.get(detail).content.decode()
    assert re.search(r'<span class="badge text-bg-info" data-testid="finding-state">已报整改情况</span>', html)
    links = re.findall(r'<a href="([^"]+)" class="me-2" data-testid="evidence-link"', html)
    assert len(links) == 2 and all(link.startswith("/files/") for link in links)
    for link in links:
        assert clerk.get(link).status_code == 200 and office.get(link).status_code == 200
        assert other.get(link).status_code == 404
    assert clerk.post(reverse("oversight:finding-return", args=[f.pk]), {"reason": "x"}).status_code == 403
    office.post(reverse("oversight:finding-return", args=[f.pk]), {"reason": "回执不清晰，请重新上传"})
    assert Finding.objects.get(pk=f.pk).state == FindingState.RETURNED
    assert "回执不清晰，请重新上传" in clerk.get(detail).content.decode()
    clerk.post(reply, {"text": "已重新上传", "submitted_on": "2026-01-25",
                       "evidence": SimpleUploadedFile("回执2.pdf", PDF, content_type="application/pdf")})
    office.post(reverse("oversight:finding-accept", args=[f.pk]), {"on": "2026-01-26"})
    office.post(reverse("oversight:finding-close", args=[f.pk]), {"on": "2026-01-27"})
    f.refresh_from_db()
    assert (f.state, f.accepted_on, f.closed_on) == (FindingState.CLOSED, datetime.date(2026, 1, 26),
                                                      datetime.date(2026, 1, 27))


def test_findings_filters_the_agenda_links_use(site, client_for):
    today = timezone.localdate()
    late = finding(site["group"], site["linxi"], found_on=today - datetime.timedelta(days=70))
    fresh = finding(site["group"], site["linxi"], found_on=today)
    office = client_for(site["office"])

    def listed(query):
        rows = office.get(reverse("oversight:finding-list") + query).context["object_list"]
        return {row.pk for row in rows}

    assert listed("?due=overdue") == {late.pk}
    assert listed("?closed=no") == {late.pk, fresh.pk}
    assert listed(f"?town={site['linxi'].pk}&state=open") == {late.pk, fresh.pk}
    assert listed("?due=later") == set()  # a wrong filter shows its error and no rows


def test_meeting_forms_and_minutes(site, client_for):
    group = site["group"]
    meeting, _ = services.meeting_create_monthly(group=group, month=datetime.date(2026, 11, 1))
    office = client_for(site["office"])
    minutes = reverse("oversight:meeting-minutes", args=[meeting.pk])
    assert office.get(minutes).status_code == 404  # not held: no minutes yet
    detail = reverse("oversight:meeting-detail", args=[meeting.pk])
    member = group.members.get()
    office.post(reverse("oversight:meeting-record", args=[meeting.pk]),
                {"held_on": "2026-11-10", "venue": "县政府三楼会议室", "minutes": "一、通报整改。\n二、部署工作。"})
    office.post(reverse("oversight:meeting-attendance", args=[meeting.pk]), {"member": member.pk, "present": "on"})
    office.post(reverse("oversight:meeting-decision", args=[meeting.pk]), {"text": "各镇月底前完成整改"})
    office.post(reverse("oversight:meeting-action", args=[meeting.pk]),
                {"text": "督促补报备案", "owner_unit": "县发改委", "within_days": "30", "owner": member.pk})
    meeting.refresh_from_db()
    assert meeting.held_on == datetime.date(2026, 11, 10) and meeting.venue == "县政府三楼会议室"
    assert meeting.attendance.get().present and meeting.decisions.get().position == 1
    action = meeting.actions.get()
    assert action.owner == member and action.due_on >= datetime.date(2026, 12, 10)
    html = office.get(detail).content.decode()
    assert "各镇月底前完成整改" in html and "督促补报备案" in html and 'data-testid="minutes-pdf"' in html
    r = office.get(minutes)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert client_for(site["clerk_linxi"]).get(minutes).status_code == 404  # the county's meeting
    assert client_for(site["auditor"]).post(reverse("oversight:meeting-decision", args=[meeting.pk]),
                                            {"text": "x"}).status_code == 403


def test_group_page_lists_members_by_their_role_in_the_group(site, client_for):
    group = site["group"]
    services.member_add(group=group, name="李成员", post="县财政局局长", role="member")
    services.member_add(group=group, name="赵副组长", post="常务副县长", role="deputy")
    services.member_add(group=group, name="钱主任", post="县发改委主任", role="director")
    html = client_for(site["office"]).get(reverse("oversight:group-detail", args=[group.pk])).content.decode()
    members = html[html.index('data-testid="members"'):]
    names = ["王组长", "赵副组长", "钱主任", "李成员"]
    assert [members.index(n) for n in names] == sorted(members.index(n) for n in names)
    assert client_for(site["clerk_linxi"]).get(reverse("oversight:group-detail", args=[group.pk])).status_code == 404
