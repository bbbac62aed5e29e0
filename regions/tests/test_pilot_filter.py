"""``pilot``: the division list narrowed to the pilot towns (试点镇: an active 扩权强镇
designation) or to the others; the home page's figure links to ``?level=town&pilot=yes`` and
counts what that list shows, inside the reader's jurisdiction (page and API)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from core.testing.http import assert_error, collect
from regions.choices import Level, PilotKind
from regions.models import Division, PilotDesignation
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

DIVISIONS = "/api/v1/regions/divisions/"
COUNTY, LINXI = "341824", "341824101"


def pilot_codes(under: str) -> set[str]:
    return set(PilotDesignation.objects.filter(
        kind=PilotKind.TOWN, revoked_on__isnull=True, division__path__contains=f"/{under}/",
    ).values_list("division__code", flat=True))


def codes(client, query: str) -> set[str]:
    return {row["code"] for row in collect(client, f"{DIVISIONS}?{query}")}


@pytest.fixture
def revoked(demo):
    """A town of the county whose designation was revoked: no pilot any more."""
    town = Division.objects.filter(parent__code=COUNTY, level=Level.TOWN).exclude(
        pilot_designations__kind=PilotKind.TOWN).first()
    PilotDesignation.objects.create(division=town, kind=PilotKind.TOWN, batch="首批", designated_by="省政府",
                                    designated_on=datetime.date(2020, 1, 1),
                                    revoked_on=datetime.date(2024, 1, 1))
    return town


def test_the_api_narrows_to_pilot_towns_or_the_others(api_for, personas, revoked):
    office = api_for(personas["office"])
    pilots = pilot_codes(COUNTY)
    assert LINXI in pilots and revoked.code not in pilots
    assert codes(office, "pilot=yes") == pilots
    towns = set(Division.objects.filter(parent__code=COUNTY, level=Level.TOWN).values_list("code", flat=True))
    assert codes(office, "level=town&pilot=no") == towns - pilots
    assert revoked.code in codes(office, "level=town&pilot=no")
    assert COUNTY in codes(office, "pilot=no")  # the county itself is no pilot town


def test_the_filter_stays_inside_the_jurisdiction(api_for, personas, demo):
    assert codes(api_for(personas["clerk_linxi"]), "pilot=yes") == {LINXI}
    other = api_for(personas["clerk_other"])
    assert LINXI not in codes(other, "pilot=yes") | codes(other, "pilot=no")


def test_a_bad_value_is_an_error(api_for, personas, demo):
    assert "pilot" in str(assert_error(api_for(personas["office"]).get(f"{DIVISIONS}?pilot=maybe"), 400))


def test_the_page_and_the_home_figure(client_for, personas, demo):
    for persona in ("office", "clerk_linxi", "clerk_other", "superior"):
        c = client_for(personas[persona])
        html = c.get(reverse("home")).content.decode()
        href, value = re.search(r'<a [^>]*href="([^"]*)"[^>]*data-figure="pilot-towns">\s*<div[^>]*>([^<]*)</div>',
                                html).groups()
        href = href.replace("&amp;", "&")
        assert href == f"{reverse('regions:division-list')}?level=town&pilot=yes"
        response = c.get(href)
        assert response.status_code == 200
        listed = {d.code for d in response.context["object_list"]}
        assert value == str(len(listed)), persona
        assert all(code in pilot_codes(code) for code in listed)
        assert 'name="pilot"' in response.content.decode()
