"""The monthly dispatch meeting: created once per group and month (the job run twice leaves one
meeting and the same agenda), its agenda compiled from every app's selectors for the towns the
group steers, in a number of queries that does not grow with the towns."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delegation.choices import ItemStatus
from delegation.tests.factories import AssignmentFactory, ExerciseRecordFactory, ItemFactory
from finance import services as finance_services
from finance.tests.factories import linxi_arrangement, revenue
from landuse import services as landuse_services
from landuse.tests.factories import fund_town, project
from oversight import selectors, services, tasks
from oversight.choices import AgendaKind, MeetingKind
from oversight.models import AgendaLine, Meeting
from personnel.tests.factories_cadres import opinion, secondment
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory

from .factories import finding, group_with_towns, leading_group

D = datetime.date


def busy_town(county, today: datetime.date):
    """A town with something on the agenda from every app."""
    town = TownFactory(parent=county)
    department = DepartmentFactory(division=county)
    item = ItemFactory(status=ItemStatus.IN_FORCE, department=department)
    ExerciseRecordFactory(assignment=AssignmentFactory(item=item, division=town))  # decided 2025-03-10, never filed
    AssignmentFactory(item=ItemFactory(status=ItemStatus.IN_FORCE, department=department), division=town,
                      taken_over_on=None)  # assigned, not taken over
    linxi_arrangement(town)
    revenue(town, "2010-01", "infrastructure_fee", "200000.00", body="县建委")
    finance_services.entitlement_compute(town=town, month="2010-01")  # due 2010-04-30, never paid
    opinion(town, delivered_on=D(2026, 4, 1))  # the department's month ran out in May
    secondment(town, start_on=D(2025, 3, 1), end_on=today + datetime.timedelta(days=10))
    fund_town(town, "40")
    used = project(town, quota_mu="30", farmland_mu="2")
    landuse_services.project_submit(project=used)
    landuse_services.project_approve(project=used, approval_document="绩国土〔2026〕1号")  # farmland not replaced
    pending = project(town, quota_mu="10", farmland_mu="0")
    landuse_services.project_submit(project=pending, applied_on=today - datetime.timedelta(days=170))
    return town


@pytest.fixture
def today():
    return timezone.localdate()


def test_agenda_lines_from_every_app(db, today, admin_client):
    county = CountyFactory()
    towns = [busy_town(county, today), TownFactory(parent=county)]
    group = leading_group(county, towns=towns)
    finding(group, towns[0], found_on=D(2026, 1, 5), months=1)  # overdue
    finding(group, towns[1], found_on=today - datetime.timedelta(days=27), months=1)  # due within a week
    meeting = services.monthly_meeting_prepare(group=group, month=today, today=today)
    lines = {line.kind: line for line in selectors.agenda_of(meeting=meeting)}
    expected = {AgendaKind.FILING_OVERDUE, AgendaKind.TAKEOVER_PENDING, AgendaKind.ENTITLEMENT_OVERDUE,
                AgendaKind.OPINION_OVERDUE, AgendaKind.SECONDMENT_ENDING, AgendaKind.FARMLAND_UNBALANCED,
                AgendaKind.RESERVATION_EXPIRING, AgendaKind.QUOTA_EXHAUSTED, AgendaKind.RECTIFICATION_OVERDUE}
    assert expected <= set(lines), set(lines)
    assert {line.source for line in lines.values()} == {"delegation", "finance", "personnel", "landuse", "oversight"}
    first = towns[0]
    assert lines[AgendaKind.FILING_OVERDUE].by_town == {str(first.pk): 1}
    assert lines[AgendaKind.FILING_OVERDUE].summary == f"办件逾期未备案：共1项（{first.name}1）"
    assert lines[AgendaKind.RECTIFICATION_OVERDUE].by_town == {str(first.pk): 1}
    if today.day <= 24:  # a finding of 27 days ago is due within the week (one month rolled to a working day)
        assert lines[AgendaKind.RECTIFICATION_DUE].by_town == {str(towns[1].pk): 1}
    assert [line.position for line in selectors.agenda_of(meeting=meeting)] == list(range(1, len(lines) + 1))
    # each line links to the list behind it, oversight's own (the findings due soon / overdue) too
    for line in lines.values():
        url = reverse(line.url_name) + (f"?{line.url_query}" if line.url_query else "")
        assert admin_client.get(url).status_code == 200, url


def test_every_agenda_link_on_the_meeting_page_opens_the_records_behind_it(db, today, admin_client):
    """From the meeting's page, each agenda line's link (the href as rendered) opens a page that
    lists the busy town's records; the quiet town, with nothing to decide, has no row on the
    filtered lists (the quota, farmland and secondment overviews show every town)."""
    import re

    county = CountyFactory()
    busy, quiet = busy_town(county, today), TownFactory(parent=county, name="静水镇")
    group = leading_group(county, towns=[busy, quiet])
    finding(group, busy, found_on=D(2026, 1, 5), months=1)  # overdue
    meeting = services.monthly_meeting_prepare(group=group, month=today, today=today)
    kinds = set(selectors.agenda_of(meeting=meeting).values_list("kind", flat=True))
    html = admin_client.get(reverse("oversight:meeting-detail", args=[meeting.pk])).content.decode()
    links = dict(re.findall(r'<a href="([^"]+)" data-testid="agenda-link-(\w+)"', html))
    assert set(links.values()) == kinds and len(kinds) >= 9, kinds
    for href, kind in links.items():
        response = admin_client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, (kind, href)
        body = response.content.decode()
        rows = body[body.find("<tbody"):] if "<tbody" in body else body
        assert busy.name in rows, (kind, href)
        if "?" in href:  # a filtered list holds only what is to decide; an overview (quota, farmland, secondments) every town
            assert quiet.name not in rows, (kind, href)


def test_other_counties_towns_stay_off_the_agenda(db, today):
    elsewhere = CountyFactory()
    busy_town(elsewhere, today)
    group, _towns = group_with_towns(2)
    meeting = services.monthly_meeting_prepare(group=group, month=today, today=today)
    assert list(selectors.agenda_of(meeting=meeting)) == []


def test_monthly_job_twice_one_meeting_same_agenda(db, today, django_capture_on_commit_callbacks):
    group, towns = group_with_towns(2)
    finding(group, towns[0], found_on=D(2026, 1, 5))
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        assert tasks.create_monthly_meetings_task.apply(args=[today.isoformat()]).get() == 1
    assert len(enqueued) == 1  # the per-group task is enqueued after commit
    first = Meeting.objects.get(group=group)
    agenda = list(AgendaLine.objects.filter(meeting=first).values_list("id", "kind", "count", "summary"))
    compiled_at = first.agenda_compiled_at
    assert agenda and first.kind == MeetingKind.MONTHLY and first.month == today.replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.create_monthly_meetings_task.apply(args=[today.isoformat()]).get()
    tasks.prepare_monthly_meeting_task.apply(args=[group.pk, today.replace(day=1).isoformat()]).get()
    assert Meeting.objects.filter(group=group).count() == 1
    again = Meeting.objects.get(group=group)
    assert again.agenda_compiled_at == compiled_at
    assert list(AgendaLine.objects.filter(meeting=again).values_list("id", "kind", "count", "summary")) == agenda


def test_meeting_create_monthly_is_get_or_create(db, today):
    group, _ = group_with_towns(1)
    meeting, created = services.meeting_create_monthly(group=group, month=today)
    again, created_again = services.meeting_create_monthly(group=group, month=today.replace(day=15))
    assert created and not created_again and again.pk == meeting.pk
    # an ad-hoc meeting in the same month is another record
    services.meeting_create_ad_hoc(group=group, held_on=today, title="专题协调会")
    assert Meeting.objects.filter(group=group).count() == 2


def test_meeting_unique_key_holds_against_a_raw_second_insert(db, today):
    from django.db import IntegrityError, transaction

    group, _ = group_with_towns(1)
    meeting, _created = services.meeting_create_monthly(group=group, month=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(group=group, kind=MeetingKind.MONTHLY, month=meeting.month, title="重复")


def _queries(n: int, today) -> int:
    county = CountyFactory()
    towns = [busy_town(county, today) for _ in range(n)]
    group = leading_group(county, towns=towns)
    for town in towns:
        finding(group, town, found_on=D(2026, 1, 5))
    with CaptureQueriesContext(connection) as ctx:
        items = selectors.agenda_gather(towns=selectors.group_towns(group), today=today)
    assert all(item.count >= n for item in items if item.kind != AgendaKind.RECTIFICATION_DUE)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_towns(db, today):
    assert _queries(2, today) == _queries(6, today)
