"""The reservations-expiring endpoint (the oversight agenda's feed): ``?days=`` is read as a
bounded whole number; anything else is 400 in words, never a server error (schemathesis found
``days=1291057967`` overflowing the date arithmetic)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(load_personas):
    users, _ = load_personas()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=users['office'])[0].key}")
    return client


@pytest.mark.parametrize("days", ["1291057967", "-1", "abc", "3661"])
def test_bad_days_are_refused_in_words(office, days):
    response = office.get(reverse("landuse-api:project-expiring"), {"days": days})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and "days" in error["fields"]


@pytest.mark.parametrize("days", [None, "0", "3660"])
def test_days_within_bounds_answer(office, days):
    response = office.get(reverse("landuse-api:project-expiring"), {"days": days} if days else {})
    assert response.status_code == 200, response.content
    assert response.json() == []
