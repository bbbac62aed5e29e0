"""The office's oversight dashboard (issue 14 §8): what it keeps of the home it replaced (this
month's meeting and its agenda, findings by town), the overdue counts of every app read through
their selectors and scoped (the office counts its county, a town's clerk her own town), the
appraisal standings, the charts' JSON; its query count does not grow with the number of towns; (the persona matrix: test_matrix_dashboard.py)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.testing.personas import COUNTY
from oversight import services, services_appraisal
from regions.models import Division

from .factories import finding
from .test_matrix_api import group_of

LINXI, HUAYANG, SHANGZHUANG = "341824101", "341824100", "341824103"
DAY = datetime.timedelta(days=1)


def _counts(response) -> dict[str, int]:
    return {c.key: c.count for c, _link in response.context["overdue"]}


def _overdue_records(town, n):
    from delegation.choices import Outcome
    Assignment, ExerciseRecord = (apps.get_model("delegation", n) for n in ("Assignment", "ExerciseRecord"))

    item = Assignment.objects.filter(division=town).first().item if Assignment.objects.filter(division=town).exists() \
        else None
    if item is None:
        item = apps.get_model("delegation", "Item").objects.filter(status="in_force").first()
    day = timezone.localdate() - 60 * DAY
    ExerciseRecord.objects.bulk_create([
        ExerciseRecord(division=town, item=item, applicant=f"{town.name}申请人{i}", received_on=day, decided_on=day,
                       outcome=Outcome.APPROVED, decision_number=f"{town.code}〔D〕{i}号", filing_due_on=day + 30 * DAY,
                       filed_on=None) for i in range(n)])


@pytest.fixture
def county(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    linxi, huayang = Division.objects.get(code=LINXI), Division.objects.get(code=HUAYANG)
    group = group_of(linxi)
    services.town_steer(group=group, town=linxi)
    today = timezone.localdate()
    finding(group, linxi, found_on=today - 90 * DAY)  # overdue (one month to rectify)
    finding(group, linxi, found_on=today - 5 * DAY)  # still running
    finding(group, huayang, found_on=today - 80 * DAY)  # overdue, 华阳镇
    services.monthly_meeting_prepare(group=group, month=today)
    return {**personas, "group": group, "linxi": linxi, "huayang": huayang}


def test_dashboard_keeps_the_meeting_and_findings_and_counts_what_is_overdue(county, client_for):
    from delegation import selectors as delegation_selectors

    office, clerk = client_for(county["office"]), client_for(county["clerk_linxi"])
    r = office.get(reverse("oversight:index"))
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="month-meeting"' in html and 'data-testid="agenda"' in html
    assert re.search(r'data-testid="total-open">3<', html) and re.search(r'data-testid="total-overdue">2<', html)
    counts = _counts(r)
    # every app's overdue figure is its own selector's, in the office's scope
    assert counts["filing_overdue"] == delegation_selectors.overdue_record_count(user=county["office"],
                                                                                 today=timezone.localdate())
    assert counts["rectification_overdue"] == 2
    assert set(counts) == {"filing_overdue", "entitlement_overdue", "opinion_overdue", "reservation_lapsed",
                           "farmland_unbalanced", "rectification_overdue", "action_overdue"}
    assert re.search(rf'data-testid="overdue-total">{sum(counts.values())}<', html)
    for testid in ("overdue-chart", "standings-chart", "findings-chart"):
        assert f'data-testid="{testid}"' in html
    assert html.count('class="kq-chart"') == 3 and "<script>" not in html  # no inline script (CSP)

    _overdue_records(county["linxi"], 2)
    before = counts["filing_overdue"]
    assert _counts(office.get(reverse("oversight:index")))["filing_overdue"] == before + 2
    clerk_counts = _counts(clerk.get(reverse("oversight:index")))
    assert clerk_counts["rectification_overdue"] == 1  # 临溪镇's own, not 华阳镇's
    assert clerk_counts["filing_overdue"] == delegation_selectors.overdue_record_count(
        user=county["clerk_linxi"], today=timezone.localdate())
    other = client_for(county["clerk_other"]).get(reverse("oversight:index"))
    assert _counts(other)["rectification_overdue"] == 1 and 'data-testid="no-meeting"' in other.content.decode()


def test_standings_and_the_charts_json(county, client_for):
    office = county["office"]
    indicator_set = services_appraisal.indicator_set_create(
        group=county["group"], year=2025, name="2025年度考核办法", actor=office,
        indicators=[{"name": "综合", "weight": "100", "measure": ""}])
    scores = {county["linxi"]: "86.5", county["huayang"]: "92"}
    for town, score in scores.items():
        a = services_appraisal.appraisal_start(indicator_set=indicator_set, town=town, actor=office,
                                               today=datetime.date(2026, 1, 5))
        services_appraisal.appraisal_score(appraisal=a, indicator=indicator_set.indicators.get(), score=score,
                                           reason="评分", actor=office)
        services_appraisal.appraisal_finalise(appraisal=a, on=datetime.date(2026, 1, 20), actor=office)
    client = client_for(office)
    standings = client.get(reverse("oversight:index")).context["standings"]
    assert [(s.town, str(s.total), s.rank, s.grade_label) for s in standings] == [
        ("华阳镇", "92.00", 1, "优秀"), ("临溪镇", "86.50", 2, "良好")]
    data = client.get(reverse("oversight:dashboard-standings-chart")).json()
    assert not data["empty"] and [r["total"] for r in data["rows"]] == [92.0, 86.5]
    assert data["option"]["series"][0]["data"] == [92.0, 86.5]
    findings = client.get(reverse("oversight:dashboard-findings-chart")).json()
    assert {r["town"]: (r["open"], r["overdue"]) for r in findings["rows"]} == {"华阳镇": (1, 1), "临溪镇": (2, 1)}
    overdue = client.get(reverse("oversight:dashboard-overdue-chart")).json()
    assert {r["key"]: r["count"] for r in overdue["rows"]}["rectification_overdue"] == 2
    clerk = client_for(county["clerk_linxi"])
    assert [s.town for s in clerk.get(reverse("oversight:index")).context["standings"]] == ["临溪镇"]
    assert [r["town"] for r in clerk.get(reverse("oversight:dashboard-findings-chart")).json()["rows"]] == ["临溪镇"]
    nobody = client_for(county["nobody"]).get(reverse("oversight:dashboard-standings-chart")).json()
    assert nobody["empty"] and nobody["rows"] == []


def test_query_count_does_not_grow_with_the_towns(county, client_for):
    client = client_for(county["office"])
    client.get(reverse("oversight:index"))  # warm the per-process caches (calendar, grants' SQL)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("oversight:index")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    today = timezone.localdate()
    for town in Division.objects.filter(parent__code=COUNTY, level="town").exclude(code__in=[LINXI, HUAYANG])[:3]:
        services.town_steer(group=county["group"], town=town)
        finding(county["group"], town, found_on=today - 70 * DAY)
        _overdue_records(town, 2)
    assert count() == one



def test_with_every_apps_demo_each_figure_links_to_a_page_and_the_api_says_the_same(personas, client_for):
    """绩溪县 with every app's demo (load_demo_* as `run` loads them): the office's dashboard holds
    this month's meeting and agenda, the demo's open findings by town, an overdue figure from every
    app and last year's standings; every link on it (meeting, agenda lines, counts, towns,
    standings) opens a page (200); the API (groups/dashboard) gives the page's figures."""
    from rest_framework.test import APIClient

    for name in ("load_demo_delegation", "load_demo_finance", "load_demo_personnel", "load_demo_landuse",
                 "load_demo_oversight"):
        call_command(name)
    office = client_for(personas["office"])
    r = office.get(reverse("oversight:index"))
    html = r.content.decode()
    assert r.status_code == 200 and len(r.context["meetings"]) == 1
    meeting = r.context["meetings"][0]
    assert meeting.month == timezone.localdate().replace(day=1) and meeting.agenda.exists()
    assert r.context["towns"] and r.context["totals"]["open"] > 0
    assert {c.source for c, _link in r.context["overdue"]} == {"delegation", "finance", "personnel", "landuse",
                                                              "oversight"}
    assert all(link for c, link in r.context["overdue"])  # every app's list is mounted
    assert r.context["standings"] and r.context["standings"][0].town == "临溪镇"
    main = html[html.find('<main'):] if '<main' in html else html
    links = set(re.findall(r'<a [^>]*href="(/oversight/[^"]*|/(?:delegation|finance|personnel|landuse)/[^"]*)"', main))
    for testid in ("agenda-link-", 'data-testid="overdue-count"', "/oversight/appraisal/", "closed=no"):
        assert testid in html, testid
    assert len(links) >= 8, links
    for href in sorted(links):
        assert office.get(href.replace("&amp;", "&")).status_code == 200, href

    api = APIClient()
    api.force_authenticate(personas["office"])
    body = api.get(reverse("oversight-api:group-dashboard")).json()
    assert [m["id"] for m in body["meetings"]] == [meeting.pk]
    assert len(body["meetings"][0]["agenda"]) == meeting.agenda.count()
    assert {c["key"]: c["count"] for c in body["overdue"]} == _counts(r)
    assert all(c["link"] for c in body["overdue"])
    assert {t["town_name"]: t["open"] for t in body["findings_by_town"]} == {
        t["town__name"]: t["open"] for t in r.context["towns"]}
    assert [(s["town_name"], s["rank"]) for s in body["standings"]] == [
        (s.town, s.rank) for s in r.context["standings"]]
    clerk = APIClient()
    clerk.force_authenticate(personas["clerk_other"])  # another town's clerk: none of 临溪镇's findings
    assert "临溪镇" not in {t["town_name"] for t in clerk.get(reverse("oversight-api:group-dashboard")).json()[
        "findings_by_town"]}
