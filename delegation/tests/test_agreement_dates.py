"""An agreement signed in the future is refused, in Agreement.clean(), so every way in refuses it
(issue 6 §3: 2027-06-01 was accepted)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from delegation import services
from delegation.demo import load_demo_delegation
from delegation.models import Agreement
from regions.models import Department, Division

pytestmark = pytest.mark.usefixtures("demo_module")  # the demo hierarchy, loaded once for the module (conftest.py)

API = "/api/v1/delegation/agreements/"


@pytest.fixture
def parties(personas):
    load_demo_delegation()
    return {"department": Department.objects.get(code="341824-FGW"), "division": Division.objects.get(code="341824101")}


def payload(parties, signed_on: str, number: str = "绩发改协〔2026〕21号") -> dict:
    return {
        "number": number, "department": parties["department"].pk, "division": parties["division"].pk,
        "department_signatory": "县发改委主任", "receiver_signatory": "临溪镇镇长", "signed_on": signed_on,
    }


def test_ui_refuses_an_agreement_signed_in_the_future(client_for, personas, parties):
    c = client_for(personas["office"])
    response = c.post(reverse("delegation:agreement-create"), payload(parties, "2027-06-01"))
    assert response.status_code == 200
    errors = response.context["form"].errors["signed_on"]
    assert errors == [f"签署日期（2027-06-01）不能晚于今天（{timezone.localdate():%Y-%m-%d}）：协议书签署后才能登记。"]
    assert "不能晚于今天" in response.content.decode()
    assert not Agreement.objects.filter(number="绩发改协〔2026〕21号").exists()
    # Today is fine.
    response = c.post(reverse("delegation:agreement-create"), payload(parties, timezone.localdate().isoformat()))
    assert response.status_code == 302
    assert Agreement.objects.filter(number="绩发改协〔2026〕21号").exists()


def test_api_refuses_an_agreement_signed_in_the_future(api_for, personas, parties):
    response = api_for(personas["office"]).post(API, payload(parties, "2027-06-01"), format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert "不能晚于今天" in error["fields"]["signed_on"][0]
    assert not Agreement.objects.filter(number="绩发改协〔2026〕21号").exists()


def test_service_refuses_it_for_every_other_way_in(personas, parties):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=personas["office"], number="X-2", department=parties["department"],
                                  division=parties["division"], department_signatory="a", receiver_signatory="b",
                                  signed_on=tomorrow)
    assert "signed_on" in exc.value.message_dict
