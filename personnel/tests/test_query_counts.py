"""Fixed query counts on the personnel lists: the same number of queries for 2 rows as for 7
(no query per row), for the office, on every list page of staffing and cadres."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing.personas import TOWN_A
from personnel import services_cadres

from . import factories_cadres as f
from .factories import EnforcementCertificateFactory, OfficerFactory
from .staffing_factories import approve, person_in, post, staffed_town

pytestmark = pytest.mark.django_db


def _add(kind, town, inst, staff):
    if kind == "person":
        person_in(staff)
    elif kind == "post":
        post(inst)
    elif kind == "approval":
        approve(town, delta=1)
    elif kind == "secondment":
        f.secondment(town)
    elif kind == "unit":
        f.unit(town)
    elif kind == "opinion":
        f.opinion(town)
    elif kind == "certificate":
        EnforcementCertificateFactory(officer=OfficerFactory(division=town))
    elif kind == "training":
        services_cadres.training_record_create(officer=OfficerFactory(division=town), department=f.department_above(town),
                                               kind="training", title="执法培训", held_on=datetime.date(2026, 5, 10))


LISTS = [("person", "personnel:person-list"), ("post", "personnel:post-list"), ("approval", "personnel:approval-list"),
         ("secondment", "personnel:secondment-list"), ("unit", "personnel:unit-list"),
         ("opinion", "personnel:opinion-list"), ("certificate", "personnel:certificate-list"),
         ("training", "personnel:training-list")]


@pytest.mark.parametrize(("kind", "name"), LISTS, ids=[n.split(":")[1] for _k, n in LISTS])
def test_list_queries_do_not_grow_with_rows(client_for, personas, demo, kind, name):
    town = demo[TOWN_A]
    inst, staff, _ = staffed_town(town, admin=10)
    client = client_for(personas["office"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        return len(queries)

    for _ in range(2):
        _add(kind, town, inst, staff)
    count()  # the first request of the session reads what later ones have cached
    few = count()
    for _ in range(5):
        _add(kind, town, inst, staff)
    assert count() == few


def test_the_staffing_index_costs_the_same_for_one_town_as_for_three(client_for, personas, demo):
    """The county's staffing page lists every town's table: three queries for all the tables
    (selectors_staffing.staffing_tables), not three per town."""
    from regions.choices import Level
    from regions.models import Division

    client = client_for(personas["office"])
    towns = [demo[TOWN_A], *Division.objects.filter(parent=demo[TOWN_A].parent, level=Level.TOWN)
             .exclude(pk=demo[TOWN_A].pk).order_by("code")[:2]]
    assert len(towns) == 3

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("personnel:staffing"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    inst, staff, _ = staffed_town(towns[0], admin=4)
    person_in(staff)
    count()  # the first request of the session reads what later ones have cached
    one, _ = count()
    for town in towns[1:]:
        _, other, _ = staffed_town(town, admin=3)
        person_in(other)
    three, html = count()
    assert three == one
    assert all(reverse("personnel:town-staffing", args=[t.pk]) in html for t in towns)
