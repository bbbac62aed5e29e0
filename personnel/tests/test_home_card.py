"""The personnel card of the home page on the demo: the office and 临溪镇's clerk see its nine
people, the overdue adjustment opinion and the secondment ending soon; 华阳镇's clerk none of it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from personnel.demo import load_demo_personnel

pytestmark = pytest.mark.django_db


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(personnel-[^"]+)">\s*<div[^>]*data-testid="figure-value">([^<]*)</div>', html))


@pytest.mark.parametrize(("persona", "expected"), [
    ("office", {"personnel-people": "9", "personnel-opinions-overdue": "1", "personnel-secondments-ending": "1"}),
    ("clerk_linxi", {"personnel-people": "9", "personnel-opinions-overdue": "1", "personnel-secondments-ending": "1"}),
    ("clerk_other", {"personnel-people": "0", "personnel-opinions-overdue": "0", "personnel-secondments-ending": "0"}),
])
def test_card_counts_the_demo_in_scope(client_for, personas, persona, expected):
    load_demo_personnel()
    html = client_for(personas[persona]).get(reverse("home")).content.decode()
    got = _figures(html)
    assert {k: got[k] for k in expected} == expected
    assert 'data-area="personnel"' in html and reverse("personnel:staffing") in html
