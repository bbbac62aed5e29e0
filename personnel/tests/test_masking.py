"""Personal data (ID number, phone, birth date) per role (issue 12 §3): in full for the town's
clerk, the office and the administrator; masked for the auditor and the superior, on the people
list, the person's record and its history tab, and in the API's list, row and history."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.testing.personas import TOWN_A
from personnel import rules_staffing
from personnel.tests.staffing_factories import person_in, staffed_town

pytestmark = pytest.mark.django_db

FULL = ("office", "clerk_linxi", "admin")
MASKED = ("auditor", "superior")


@pytest.fixture
def person(personas, demo):
    _, staff, _ = staffed_town(demo[TOWN_A], admin=2)
    return person_in(staff, phone="13905631234")


def _pages(user, person) -> str:
    client = Client()
    client.force_login(user)
    pages = [reverse("personnel:person-list"), reverse("personnel:person-detail", args=[person.pk]),
             reverse("personnel:person-detail", args=[person.pk]) + "?tab=history"]
    bodies = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    return "\n".join(bodies)


def _api(user, person) -> str:
    client = APIClient()
    client.force_authenticate(user)
    urls = [reverse("personnel-api:person-list"), reverse("personnel-api:person-detail", args=[person.pk]),
            reverse("personnel-api:person-history", args=[person.pk])]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    return "\n".join(bodies)


@pytest.mark.parametrize("who", FULL)
def test_the_roles_that_need_it_see_it_in_full(personas, person, who):
    for body in (_pages(personas[who], person), _api(personas[who], person)):
        assert person.id_number in body
        assert "13905631234" in body
        assert "1985-03-12" in body


@pytest.mark.parametrize("who", MASKED)
def test_auditor_and_superior_see_it_masked(personas, person, who):
    masked_id = rules_staffing.mask_id_number(person.id_number)
    for body in (_pages(personas[who], person), _api(personas[who], person)):
        assert person.id_number not in body and person.id_number[6:14] not in body
        assert "13905631234" not in body and "5631234" not in body
        assert "1985-03-12" not in body and "19850312" not in body
        assert masked_id in body and "139****1234" in body


def test_the_masks():
    assert rules_staffing.mask_id_number("34182419850312001X") == "341824**********1X"
    assert rules_staffing.mask_phone("13905631234") == "139****1234"
    assert rules_staffing.mask_value("birth_date", "1985-03-12") == "1985-**-**"
    rows = rules_staffing.mask_history([{"changes": {"phone": {"before": "13905631234", "after": "13900000000"}},
                                         "data": {"id_number": "34182419850312001X"},
                                         "display": [{"field": "birth_date", "before": "—", "after": "1985-03-12"}]}])
    assert rows[0]["changes"]["phone"] == {"before": "139****1234", "after": "139****0000"}
    assert rows[0]["data"]["id_number"] == "341824**********1X"
    assert rows[0]["display"][0] == {"field": "birth_date", "before": "—", "after": "1985-**-**"}


def _export(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("importing:export", kwargs={"key": "personnel.person", "fmt": "csv"}))
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("who", FULL)
def test_export_in_full_for_the_roles_that_need_it(personas, person, who):
    body = _export(personas[who])
    assert person.id_number in body and "13905631234" in body and "1985-03-12" in body


@pytest.mark.parametrize("who", MASKED)
def test_export_masked_for_auditor_and_superior(personas, person, who):
    body = _export(personas[who])
    assert person.name in body
    assert person.id_number not in body and "13905631234" not in body and "1985-03-12" not in body
    assert rules_staffing.mask_id_number(person.id_number) in body and "139****1234" in body and "1985-**-**" in body
