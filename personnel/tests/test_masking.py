"""Personal data (ID number, phone, birth date) per role (issue 12 §3): in full for the town's
clerk, the office and the administrator; masked for the auditor and the superior, on the people
list, the person's record and its history tab, and in the API's list, row and history; decided
per person by the user's roles in the person's town."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.testing.personas import TOWN_A
from personnel import rules_staffing
from personnel.tests.staffing_factories import id_number, person_in, staffed_town

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


# --- per town: the roles the user holds where the person is, not anywhere ------------------------


@pytest.fixture
def two_counties(personas, demo):
    """A user who is the office of 绩溪县 and the auditor of 广汉市, a person in each county."""
    from django.contrib.auth import get_user_model

    from regions import services as regions_services
    from regions.choices import Level, Role

    town_b = regions_services.division_create(code="510681101", name="雒城镇", level=Level.TOWN,
                                              parent=demo["510681"], actor=personas["admin"])
    user = get_user_model().objects.create_user("office_and_auditor", password="kuoquan-demo-x1")
    regions_services.membership_grant(user=user, division=demo["341824"], role=Role.OFFICE, actor=personas["admin"])
    regions_services.membership_grant(user=user, division=demo["510681"], role=Role.AUDITOR, actor=personas["admin"])
    _, staff_a, _ = staffed_town(demo[TOWN_A], admin=2)
    _, staff_b, _ = staffed_town(town_b, admin=2)
    own = person_in(staff_a, phone="13905631234")
    audited = person_in(staff_b, phone="13805387777", birth=datetime.date(1990, 7, 21),
                        id_number=id_number(datetime.date(1990, 7, 21), region="510681"))
    return user, own, audited


def _in_full(body, person, phone):
    return person.id_number in body and phone in body and f"{person.birth_date:%Y-%m-%d}" in body


def _masked(body, person, phone):
    hidden = person.id_number not in body and phone not in body and f"{person.birth_date:%Y-%m-%d}" not in body
    return hidden and rules_staffing.mask_id_number(person.id_number) in body and rules_staffing.mask_phone(phone) in body


def test_office_of_one_county_auditor_of_another_pages(two_counties):
    user, own, audited = two_counties
    client = Client()
    client.force_login(user)
    listing = client.get(reverse("personnel:person-list")).content.decode()
    assert own.id_number in listing and audited.name in listing
    assert audited.id_number not in listing and rules_staffing.mask_id_number(audited.id_number) in listing
    for person, phone, shown in ((own, "13905631234", _in_full), (audited, "13805387777", _masked)):
        url = reverse("personnel:person-detail", args=[person.pk])
        assert shown(client.get(url).content.decode(), person, phone)
        assert shown(client.get(url + "?tab=history").content.decode(), person, phone)


def test_office_of_one_county_auditor_of_another_api(two_counties):
    user, own, audited = two_counties
    client = APIClient()
    client.force_authenticate(user)
    rows = {r["id"]: r for r in client.get(reverse("personnel-api:person-list")).json()["results"]}
    assert rows[own.pk]["id_number"] == own.id_number and rows[own.pk]["phone"] == "13905631234"
    assert rows[own.pk]["birth_date"] == "1985-03-12"
    assert rows[audited.pk]["id_number"] == rules_staffing.mask_id_number(audited.id_number)
    assert rows[audited.pk]["phone"] == "138****7777" and rows[audited.pk]["birth_date"] == "1990-**-**"
    for person, phone, shown in ((own, "13905631234", _in_full), (audited, "13805387777", _masked)):
        row = client.get(reverse("personnel-api:person-detail", args=[person.pk])).content.decode()
        assert shown(row, person, phone)
        history = client.get(reverse("personnel-api:person-history", args=[person.pk])).content.decode()
        assert shown(history, person, phone)


def test_office_of_one_county_auditor_of_another_export(two_counties):
    user, own, audited = two_counties
    body = _export(user)
    assert _in_full(body, own, "13905631234")
    assert _masked(body, audited, "13805387777") and "1990-**-**" in body
