"""What the personnel pages offer per role: the create buttons to those who write the rows
(the town's clerk enters people, the office records approvals and secondments), none to the
auditor; every page carries the one personnel tab bar (establishment and cadres together)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BUTTONS = {"personnel:person-list": "person-create", "personnel:approval-list": "approval-create",
           "personnel:secondment-list": "secondment-create", "personnel:plan-list": "plan-create"}
WRITES = {"clerk_linxi": {"person-create", "plan-create"},
          "office": {"person-create", "plan-create", "approval-create", "secondment-create"}, "auditor": set()}


@pytest.mark.parametrize("persona", sorted(WRITES))
def test_create_buttons_follow_the_role(client_for, personas, persona):
    c = client_for(personas[persona])
    shown = set()
    for name, testid in BUTTONS.items():
        html = c.get(reverse(name)).content.decode()
        assert 'data-testid="personnel-nav"' in html or 'data-testid="cadres-nav"' in html
        assert reverse("personnel:staffing") in html and reverse("personnel:secondment-list") in html
        if f'data-testid="{testid}"' in html:
            shown.add(testid)
    assert shown == WRITES[persona]


def test_plan_status_is_a_badge_not_its_css_class(client_for, personas, demo):
    from core.testing.personas import TOWN_A
    from personnel import services_staffing

    plan = services_staffing.plan_create(town=demo[TOWN_A], title="徽章方案")
    html = client_for(personas["clerk_linxi"]).get(reverse("personnel:plan-detail", args=[plan.pk])).content.decode()
    heading = html[html.index("徽章方案"):html.index("</h1>", html.index("徽章方案"))]
    assert 'data-testid="plan-status">' in heading and plan.get_status_display() in heading
    assert "徽章方案 text-bg" not in heading
