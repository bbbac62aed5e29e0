"""The delegation charts' JSON (views_charts.py): the figures are the user's scope and nothing
else, one aggregate query each, refusals as on the pages (anonymous → login, no role → 403, a
division outside the scope → 404); and the {% chart %} tag's container."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from core import charts
from delegation import services
from delegation.choices import ItemStatus, Mode, Outcome, TakeOverStatus
from delegation.models import Assignment, ExerciseRecord, Item
from regions import services as region_services
from regions.models import Division

pytestmark = pytest.mark.usefixtures("demo_module")  # the demo hierarchy, loaded once for the module (conftest.py)

LINXI, HUAYANG, SHANGZHUANG = "341824101", "341824100", "341824103"
TAKEOVER = "delegation:assignment-matrix-chart"
FILING = "delegation:overdue-chart"


@pytest.fixture
def towns(personas):
    """The demo catalogue (临溪镇 holds every in-force item), plus 上庄镇 made a pilot town with two
    items assigned but not yet taken over and three records of its own: what 临溪's clerk must
    never see in her charts."""
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    linxi, shangzhuang = Division.objects.get(code=LINXI), Division.objects.get(code=SHANGZHUANG)
    region_services.pilot_designate(division=shangzhuang, kind="town", batch="县试点", designated_on=datetime.date(2026, 1, 5),
                                    designated_by="绩溪县人民政府")
    items = list(Item.objects.filter(status=ItemStatus.IN_FORCE, spans_several_towns=False).order_by("code")[:2])
    for item in items:
        services.assignment_create(item=item, division=shangzhuang, mode=Mode.DEVOLVE)
    today = timezone.localdate()
    month_ago = today - datetime.timedelta(days=40)
    ExerciseRecord.objects.bulk_create([
        ExerciseRecord(division=shangzhuang, item=items[0], applicant=f"上庄申请人{i}", received_on=month_ago,
                       decided_on=month_ago, outcome=Outcome.APPROVED, decision_number=f"上庄〔2026〕{i}号",
                       filing_due_on=month_ago + datetime.timedelta(days=30), filed_on=None)
        for i in range(3)
    ])
    return {"linxi": linxi, "shangzhuang": shangzhuang, "huayang": Division.objects.get(code=HUAYANG)}


def _json(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _expected_takeover(town):
    active = Assignment.objects.filter(division=town).exclude(takeover_status=TakeOverStatus.REVOKED)
    return {"name": town.name, "assigned": active.count(),
            "taken_over": active.filter(takeover_status=TakeOverStatus.TAKEN_OVER).count()}


def _by_state(town_ids):
    """Records decided this month or in the 11 before, by filing state, counted in Python."""
    today = timezone.localdate()
    first = datetime.date(today.year - 1, today.month + 1, 1) if today.month < 12 else datetime.date(today.year, 1, 1)
    totals = {"on_time": 0, "late": 0, "overdue": 0, "pending": 0}
    for r in ExerciseRecord.objects.filter(division_id__in=town_ids, decided_on__gte=first, decided_on__lte=today):
        totals[r.filing_state(today).value] += 1
    return totals


def _sum(rows):
    return {s: sum(r[s] for r in rows) for s in ("on_time", "late", "overdue", "pending")}


# --- take-over share per pilot town -----------------------------------------------------------
def test_takeover_chart_shows_each_pilot_town_in_scope(client_for, personas, towns):
    office = _json(client_for(personas["office"]), TAKEOVER)
    rows = [{k: r[k] for k in ("name", "assigned", "taken_over")} for r in office["rows"]]
    # 绩溪县's pilot towns in path order; 华阳镇 is no pilot and is not listed
    pilots = sorted([towns["linxi"], towns["shangzhuang"]], key=lambda d: d.path)
    assert rows == [_expected_takeover(town) for town in pilots]
    linxi = next(r for r in office["rows"] if r["name"] == "临溪镇")
    assert linxi["assigned"] >= 3 and linxi["taken_over"] == linxi["assigned"] and linxi["share"] == 1
    shangzhuang = next(r for r in office["rows"] if r["name"] == "上庄镇")
    assert (shangzhuang["assigned"], shangzhuang["taken_over"], shangzhuang["share"]) == (2, 0, 0)
    # the option draws the same figures: assigned and taken-over series
    option = office["option"]
    # the towns on the axis, each with its take-over share
    assert option["xAxis"]["data"] == [f"{r['name']}\n{round(100 * r['share'])}%" for r in office["rows"]]
    assert [s["data"] for s in option["series"]] == [[r["assigned"] for r in office["rows"]],
                                                     [r["taken_over"] for r in office["rows"]]]
    assert office["empty"] is False


def test_takeover_chart_of_the_linxi_clerk_is_linxi_only(client_for, personas, towns):
    clerk = _json(client_for(personas["clerk_linxi"]), TAKEOVER)
    assert [r["name"] for r in clerk["rows"]] == ["临溪镇"]
    assert clerk["option"]["xAxis"]["data"] == ["临溪镇\n100%"]
    assert {k: clerk["rows"][0][k] for k in ("name", "assigned", "taken_over")} == _expected_takeover(towns["linxi"])
    # the superior city sees both of 绩溪县's pilot towns; 华阳's clerk (no pilot town) sees nothing to draw
    superior = _json(client_for(personas["superior"]), TAKEOVER)["rows"]
    assert sorted(r["name"] for r in superior) == sorted(["临溪镇", "上庄镇"])
    other = _json(client_for(personas["clerk_other"]), TAKEOVER)
    assert other["rows"] == [] and other["empty"] is True and other["empty_text"]


def test_takeover_chart_narrows_to_a_division_in_scope(client_for, personas, towns):
    office = client_for(personas["office"])
    narrowed = _json(office, TAKEOVER, division=towns["shangzhuang"].pk)
    assert [(r["name"], r["assigned"], r["taken_over"]) for r in narrowed["rows"]] == [("上庄镇", 2, 0)]


# --- filing per decision month ---------------------------------------------------------------
def test_filing_chart_counts_the_states_per_month_in_scope(client_for, personas, towns):
    today = timezone.localdate()
    clerk = _json(client_for(personas["clerk_linxi"]), FILING)
    rows = clerk["rows"]
    assert len(rows) == 12 and rows[-1]["month"] == today.strftime("%Y-%m")
    assert rows == sorted(rows, key=lambda r: r["month"])
    assert _sum(rows) == _by_state([towns["linxi"].pk])
    assert _sum(rows)["overdue"] >= 1  # the demo's 临城罚〔2026〕7号
    # the stacked option carries the same numbers, one series per state
    option = clerk["option"]
    assert option["xAxis"]["data"] == [r["month"] for r in rows]
    assert [s["name"] for s in option["series"]] == ["按时备案", "逾期备案", "已逾期未备案", "待备案"]
    assert all(s["stack"] == "total" for s in option["series"])
    assert [sum(s["data"]) for s in option["series"]] == list(_sum(rows).values())

    # the county office adds 上庄镇's three overdue records; 临溪's clerk never sees them
    office = _json(client_for(personas["office"]), FILING)["rows"]
    assert _sum(office) == _by_state([towns["linxi"].pk, towns["shangzhuang"].pk])
    assert _sum(office)["overdue"] == _sum(rows)["overdue"] + 3
    # narrowed to a town, as the overdue page's ?division= does
    narrowed = _json(client_for(personas["office"]), FILING, division=towns["shangzhuang"].pk)["rows"]
    assert _sum(narrowed) == {"on_time": 0, "late": 0, "overdue": 3, "pending": 0}


def test_filing_chart_of_a_town_with_no_records_says_so(client_for, personas, towns):
    other = _json(client_for(personas["clerk_other"]), FILING)
    assert other["empty"] is True and other["rows"] == []


# --- refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [TAKEOVER, FILING])
def test_chart_refusals(client, client_for, personas, towns, name):
    url = reverse(name)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert client_for(personas["nobody"]).get(url).status_code == 403  # signed in, no role anywhere
    clerk = client_for(personas["clerk_linxi"])
    for outside in (towns["shangzhuang"], towns["huayang"], towns["linxi"].parent):
        assert clerk.get(url, {"division": outside.pk}).status_code == 404, outside.name
    assert clerk.get(url, {"division": "abc"}).status_code == 404
    assert clerk.get(url, {"division": towns["linxi"].pk}).status_code == 200


# --- cost: one aggregate query each, whatever the scope ---------------------------------------
@pytest.mark.parametrize("persona", ["office", "clerk_linxi", "auditor", "superior", "admin"])
@pytest.mark.parametrize("name", [TAKEOVER, FILING])
def test_chart_query_budget(client_for, personas, towns, django_assert_max_num_queries, persona, name):
    c = client_for(personas[persona])
    # session, user, memberships, the aggregate
    with django_assert_max_num_queries(4):
        assert c.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(5):  # + the division looked up in scope
        assert c.get(reverse(name), {"division": towns["linxi"].pk}).status_code == 200


# --- the pages and the tag ------------------------------------------------------------------
def test_pages_carry_the_chart_containers(client_for, personas, towns):
    c = client_for(personas["office"])
    matrix = c.get(reverse("delegation:assignment-matrix")).content.decode()
    assert f'data-chart-url="{reverse(TAKEOVER)}"' in matrix
    assert "vendor/echarts/echarts.min.js" in matrix and "js/charts.js" in matrix
    overdue = c.get(reverse("delegation:overdue-list"), {"division": towns["linxi"].pk}).content.decode()
    assert f'data-chart-url="{reverse(FILING)}?division={towns["linxi"].pk}"' in overdue


def test_chart_tag_renders_scripts_once_and_no_inline_script(db):
    html = Template(
        '{% load charts %}{% chart "delegation:assignment-matrix-chart" height=200 title="甲" %}'
        '{% chart "/x/y/" division=3 empty="" %}'
    ).render(Context({}))
    assert html.count("echarts.min.js") == 1 and html.count("charts.js\"") == 1
    assert 'data-chart-height="200"' in html and 'aria-label="甲"' in html
    assert 'data-chart-url="/x/y/?division=3"' in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style


def test_chart_helpers_build_plain_options():
    option = charts.stacked_bar(["1月", "2月"], charts.Series("甲", [1, 2], charts.GREEN), charts.Series("乙", [0, 3]))
    assert option["xAxis"]["data"] == ["1月", "2月"]
    assert [s["stack"] for s in option["series"]] == ["total", "total"]
    assert option["series"][0]["itemStyle"]["color"] == charts.GREEN and "itemStyle" not in option["series"][1]
    pie = charts.pie([("甲", 3), ("乙", 1)])
    assert pie["series"][0]["data"] == [{"name": "甲", "value": 3}, {"name": "乙", "value": 1}]
