"""A past meeting keeps the agenda as it was compiled (its stored lines), whatever happened to the
records since; the office may ask what the agenda would hold if compiled on another day
(selectors.agenda_as_of, the page's ?as_of=YYYY-MM-DD, the API's GET …/agenda/?as_of=), which
stores nothing; a date that is no YYYY-MM-DD is said plainly (400), nothing computed."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from oversight import selectors, services
from oversight.choices import AgendaKind
from oversight.models import AgendaLine
from regions.models import Membership
from regions.tests.factories import TownFactory

from .factories import finding, group_with_towns

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def past(db, django_user_model):
    """March's meeting compiled on 1 March 2026 with one overdue rectification (due 5 February),
    the finding since rectified and closed out."""
    group, towns = group_with_towns(1)
    office = django_user_model.objects.create_user("office_asof", password="x-long-password")
    Membership.objects.create(user=office, division=group.division, role="office")
    f = finding(group, towns[0], found_on=D(2026, 1, 5))  # due 2026-02-05
    meeting = services.meeting_create_monthly(group=group, month=D(2026, 3, 1))[0]
    services.agenda_compile(meeting=meeting, today=D(2026, 3, 1))
    services.finding_reply(finding=f, text="已整改", submitted_on=D(2026, 3, 5), actor=None,
                           evidence=[SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")])
    services.finding_accept(finding=f, on=D(2026, 3, 6), actor=None)
    services.finding_close(finding=f, on=D(2026, 3, 7), actor=None)
    return {"group": group, "towns": towns, "office": office, "meeting": meeting, "finding": f}


def test_stored_lines_stay_as_compiled(past):
    (line,) = selectors.agenda_of(meeting=past["meeting"])
    assert (line.kind, line.count) == (AgendaKind.RECTIFICATION_OVERDUE, 1)
    # judged on the same day now, the closed finding is no longer on it; nothing stored moved
    assert selectors.agenda_as_of(meeting=past["meeting"], as_of=D(2026, 3, 1)) == []
    assert AgendaLine.objects.get(pk=line.pk).count == 1


def test_as_of_counts_what_was_due_on_that_day(db):
    group, towns = group_with_towns(2)
    finding(group, towns[0], found_on=D(2026, 1, 5))  # due 2026-02-05
    meeting = services.meeting_create_monthly(group=group, month=D(2026, 1, 1))[0]
    assert selectors.agenda_as_of(meeting=meeting, as_of=D(2026, 1, 10)) == []
    (soon,) = selectors.agenda_as_of(meeting=meeting, as_of=D(2026, 2, 1))
    assert (soon.kind, soon.count, soon.by_town) == (AgendaKind.RECTIFICATION_DUE, 1, {str(towns[0].pk): 1})
    (late,) = selectors.agenda_as_of(meeting=meeting, as_of=D(2026, 3, 1))
    assert late.kind == AgendaKind.RECTIFICATION_OVERDUE and towns[0].name in late.summary
    assert not AgendaLine.objects.filter(meeting=meeting).exists()  # asking stores nothing


def test_agendas_gather_splits_per_group_in_fixed_queries(db):
    """Many groups at once: the towns of all of them and every app's counts read once."""
    groups = []
    for n in (1, 3):
        group, towns = group_with_towns(n)
        for town in towns:
            finding(group, town, found_on=D(2026, 1, 5))
        groups.append(group)
    with CaptureQueriesContext(connection) as small:
        one = selectors.agendas_gather(groups=groups[:1], today=D(2026, 3, 1))
    with CaptureQueriesContext(connection) as big:
        both = selectors.agendas_gather(groups=groups, today=D(2026, 3, 1))
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]
    assert [i.count for i in one[groups[0].pk]] == [1]
    assert [i.count for i in both[groups[1].pk]] == [3] and [i.count for i in both[groups[0].pk]] == [1]
    # the same lines as the one-group selector
    towns = selectors.group_towns(groups[1])
    assert [(i.kind, i.count, i.by_town) for i in both[groups[1].pk]] == [
        (i.kind, i.count, i.by_town) for i in selectors.agenda_gather(towns=towns, today=D(2026, 3, 1))]


def test_a_town_steered_by_two_groups_counts_in_both(db):
    group, towns = group_with_towns(1)
    other, _ = group_with_towns(0)
    shared = TownFactory(parent=group.division)
    services.town_steer(group=group, town=shared)
    finding(group, shared, found_on=D(2026, 1, 5))
    from oversight.models import SteeredTown

    SteeredTown.objects.create(group=other, town=shared)  # (clean() would refuse: another county)
    agendas = selectors.agendas_gather(groups=[group, other], today=D(2026, 3, 1))
    assert [i.count for i in agendas[group.pk]] == [1] and [i.count for i in agendas[other.pk]] == [1]


def test_page_as_of_and_bad_date(past, client):
    client.force_login(past["office"])
    page = reverse("oversight:meeting-detail", args=[past["meeting"].pk])
    html = client.get(page).content.decode()
    assert "整改逾期" in html and 'data-testid="agenda-as-of"' not in html  # the stored line
    r = client.get(page, {"as_of": "2026-02-01"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="agenda-as-of"' in html and "若于2026-02-01生成" in html and "该日没有待议事项" in html
    for bad in ("2026-3-1", "2026-02-30", "yesterday"):
        r = client.get(page, {"as_of": bad})
        assert r.status_code == 400, bad
        html = r.content.decode()
        assert 'data-testid="as-of-error"' in html and "请按YYYY-MM-DD填写" in html
        assert 'data-testid="agenda-as-of"' not in html and "整改逾期" in html  # the page, stored lines intact
    assert AgendaLine.objects.get(meeting=past["meeting"]).count == 1


def test_api_agenda_as_of(past):
    client = APIClient()
    client.force_authenticate(past["office"])
    url = reverse("oversight-api:meeting-agenda", args=[past["meeting"].pk])
    f = past["finding"]
    f2 = finding(past["group"], past["towns"][0], found_on=D(2026, 1, 20))  # due 2026-02-24 (after the festival)
    assert f2.due_on == D(2026, 2, 24)
    r = client.get(url, {"as_of": "2026-02-20"})
    assert r.status_code == 200
    body = r.json()
    assert body["as_of"] == "2026-02-20"
    assert [(line["kind"], line["count"]) for line in body["lines"]] == [("rectification_due", 1)]
    assert f.pk != f2.pk
    r = client.get(url, {"as_of": "15/02/2026"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid_date" and "as_of" in error["fields"]
    detail = client.get(reverse("oversight-api:meeting-detail", args=[past["meeting"].pk])).json()
    assert [(line["kind"], line["count"]) for line in detail["agenda"]] == [("rectification_overdue", 1)]
