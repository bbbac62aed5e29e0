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
