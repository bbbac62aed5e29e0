"""The home page (core/home.py, core.views.home): live figures of the user's scope, each a link
to the list it counts; areas not built yet say so plainly and link nowhere; one query per
figure at most, per persona; the navigation has no link into an area that is not built."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core import home
from delegation.choices import ItemStatus, TakeOverStatus
from delegation.models import Assignment, ExerciseRecord, Item
from regions.models import Division
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

LINXI = "341824101"
NOT_BUILT: tuple[str, ...] = ()  # every area has its card now (oversight since issue 14's pages)


@pytest.fixture
def site(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    return personas


def figures(html: str) -> dict[str, tuple[str, str]]:
    """data-figure key → (href, value shown)."""
    found = re.findall(r'<a [^>]*href="([^"]*)"[^>]*data-figure="([^"]+)">\s*<div[^>]*data-testid="figure-value">([^<]*)</div>',
                       html)
    return {key: (href.replace("&amp;", "&"), value) for href, key, value in found}


def card(html: str, area: str) -> str:
    start = html.index(f'data-testid="area-{area}"')
    end = html.find('data-testid="area-', start + 10)
    return html[start:end if end > 0 else len(html)]


def test_clerk_sees_the_figures_of_her_town(client_for, site):
    today = timezone.localdate()
    linxi = Division.objects.get(code=LINXI)
    html = client_for(site["clerk_linxi"]).get(reverse("home")).content.decode()
    got = figures(html)
    records = ExerciseRecord.objects.filter(division=linxi)
    overdue = records.filter(filed_on__isnull=True, filing_due_on__lt=today).count()
    due_soon = records.filter(filed_on__isnull=True, filing_due_on__gte=today,
                              filing_due_on__lte=today + datetime.timedelta(days=7)).count()
    active = Assignment.objects.filter(division=linxi).exclude(takeover_status=TakeOverStatus.REVOKED)
    taken = active.filter(takeover_status=TakeOverStatus.TAKEN_OVER).count()
    assert overdue >= 1  # the demo's 临城罚〔2026〕7号
    assert got["overdue"] == (reverse("delegation:overdue-list"), str(overdue))
    assert got["due-soon"][1] == str(due_soon)
    assert got["takeover-rate"][1] == f"{round(100 * taken / active.count())}%"
    assert got["takeover-rate"][0] == f"{reverse('delegation:assignment-list')}?takeover_status=taken_over"
    in_force = Item.objects.filter(status=ItemStatus.IN_FORCE).count()  # the county's catalogue is read below it
    assert got["items-in-force"] == (f"{reverse('delegation:item-list')}?status=in_force", str(in_force))
    assert got["provisional"][1] == str(records.filter(filing_due_provisional=True).count())
    assert got["divisions"][1] == "1" and got["pilot-towns"][1] == "1"  # her own town, a pilot


def test_the_other_clerk_sees_nothing_of_linxi(client_for, site):
    html = client_for(site["clerk_other"]).get(reverse("home")).content.decode()
    got = figures(html)
    assert got["overdue"][1] == "0" and got["due-soon"][1] == "0"
    assert got["takeover-rate"][1] == "—"  # 华阳镇 holds nothing: no rate, not 0 %
    assert got["pilot-towns"][1] == "0"


def test_office_figures_cover_the_county(client_for, site):
    html = client_for(site["office"]).get(reverse("home")).content.decode()
    got = figures(html)
    county = Division.objects.get(code="341824")
    assert got["divisions"][1] == str(Division.objects.filter(path__startswith=county.path).count())
    assert got["overdue"][1] == str(ExerciseRecord.objects.filter(
        division__path__startswith=county.path, filed_on__isnull=True, filing_due_on__lt=timezone.localdate()).count())


@pytest.mark.parametrize("persona", ["office", "clerk_linxi", "clerk_other", "auditor", "superior", "admin", "nobody"])
def test_every_figure_links_to_a_page_that_opens(client_for, site, persona):
    c = client_for(site[persona])
    html = c.get(reverse("home")).content.decode()
    got = figures(html)
    assert set(got) == {"items-in-force", "takeover-rate", "due-soon", "overdue", "provisional", "divisions",
                        "pilot-towns", "finance-overdue", "finance-outstanding", "finance-arrangements",
                        "available", "under-review", "expiring", "flagged", "personnel-people",
                        "personnel-opinions-overdue", "personnel-secondments-ending",
                        "personnel-certificates-expiring", "oversight-open", "oversight-overdue", "oversight-agenda"}
    for key, (href, _value) in got.items():
        assert c.get(href).status_code == 200, (persona, key, href)


def test_areas_not_built_say_so_and_link_nowhere(client_for, site):
    html = client_for(site["office"]).get(reverse("home")).content.decode()
    for area in NOT_BUILT:
        assert not home.is_built(area)
        box = card(html, area)
        assert 'data-built="no"' in box and "尚未上线" in box and 'data-testid="not-built"' in box
        assert "href=" not in box and "data-figure" not in box
    for area in ("delegation", "regions", "finance", "landuse", "personnel", "oversight"):
        assert 'data-built="yes"' in card(html, area)
    # The navigation: unbuilt areas are disabled entries without a link, every link opens.
    nav = html[html.index('<ul class="navbar-nav'):html.index("</ul>", html.index('<ul class="navbar-nav'))]
    for area in NOT_BUILT:
        entry = re.search(rf'<a [^>]*data-area="{area}"[^>]*>', nav)
        assert entry and "href" not in entry[0] and 'aria-disabled="true"' in entry[0], area
    c = client_for(site["office"])
    for href in re.findall(r'href="([^"#]+)', nav):
        assert c.get(href).status_code == 200, href


def test_oversight_figures_are_the_personas_own(client_for, site):
    """Open and overdue findings of 临溪镇 count for its clerk and the county office, not for
    华阳镇's clerk; this month's agenda lines for the office only (the meeting is the county's)."""
    from oversight import services as oversight_services
    from oversight.tests.factories import finding, leading_group

    today = timezone.localdate()
    linxi = Division.objects.get(code=LINXI)
    group = leading_group(linxi.parent, towns=[linxi])
    finding(group, linxi, found_on=today - datetime.timedelta(days=70))  # overdue
    finding(group, linxi, found_on=today)  # open, not yet due
    oversight_services.monthly_meeting_prepare(group=group, month=today, today=today)
    lines = group.meetings.get().agenda.filter(count__gt=0).count()
    assert lines >= 1  # at least the overdue rectification
    expected = {"office": ("2", "1", str(lines)), "clerk_linxi": ("2", "1", "0"), "clerk_other": ("0", "0", "0")}
    for persona, (unfinished, overdue, agenda) in expected.items():
        got = figures(client_for(site[persona]).get(reverse("home")).content.decode())
        assert got["oversight-open"] == (f"{reverse('oversight:finding-list')}?closed=no", unfinished), persona
        assert got["oversight-overdue"] == (f"{reverse('oversight:finding-list')}?due=overdue", overdue), persona
        assert got["oversight-agenda"] == (reverse("oversight:index"), agenda), persona


def test_registering_an_unknown_area_is_refused():
    with pytest.raises(ValueError):
        home.register("nowhere", lambda user: home.Card())


# One query per figure: items in force, assignments (assigned and taken over in one), due soon,
# overdue, provisional; divisions, pilot towns. Everything else is what every page costs (session,
# user, memberships, the jurisdiction's names, the header's badges …), measured on the site's 404
# page, which renders the same layout with nothing of its own.
FIGURE_QUERIES = 5 + 2 + 3 + 4 + 4 + 3  # + finance: overdue, outstanding, in force; + landuse: accounts, figures, 3 counts
# + personnel: people in establishment, opinions overdue, secondments ending, certificates expiring
# + oversight: findings not closed out, overdue, this month's agenda lines


@pytest.mark.parametrize("persona", ["office", "clerk_linxi", "clerk_other", "auditor", "superior", "admin", "nobody"])
def test_home_query_budget(client_for, site, django_assert_max_num_queries, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(site[persona])
    with CaptureQueriesContext(connection) as layout:
        assert c.get("/no-such-page/").status_code == 404
    assert len(layout) <= 8, [q["sql"][:120] for q in layout.captured_queries]
    with django_assert_max_num_queries(len(layout) + FIGURE_QUERIES):
        assert c.get(reverse("home")).status_code == 200
