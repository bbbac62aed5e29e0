"""The cross-check page opens on the latest month with a payroll count in the caller's scope (walk
finding 12: it opened on the current month, 发薪人数 未报, while the demo reports last month)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from personnel import services_staffing as s
from personnel.choices_staffing import EstablishmentKind


def test_cross_check_defaults_to_the_latest_reported_month(demo, personas, client_for):
    linxi = demo["341824101"]
    s.payroll_count_record(town=linxi, month=datetime.date(2011, 3, 1), kind=EstablishmentKind.ADMIN, count=2)
    s.payroll_count_record(town=linxi, month=datetime.date(2011, 5, 1), kind=EstablishmentKind.ADMIN, count=2)
    url = reverse("personnel:cross-check")
    page = client_for(personas["office"]).get(url)
    assert page.status_code == 200 and page.context["month"] == datetime.date(2011, 5, 1)
    assert 'class="btn btn-sm btn-outline-primary text-nowrap"' in page.content.decode()
    assert client_for(personas["office"]).get(url, {"month": "2011-03"}).context["month"] == datetime.date(2011, 3, 1)
    # another town's clerk sees none of linxi's counts: this month
    other = client_for(personas["clerk_other"]).get(url)
    assert other.context["month"] == timezone.localdate().replace(day=1)


def test_the_personnel_tabs_are_short_and_keep_every_page(demo, personas, client_for):
    html = client_for(personas["office"]).get(reverse("personnel:cross-check")).content.decode()
    for name in ("personnel:staffing", "personnel:person-list", "personnel:institution-list", "personnel:plan-list",
                 "personnel:approval-list", "personnel:cross-check", "personnel:secondment-list",
                 "personnel:unit-list", "personnel:opinion-list", "personnel:certificate-list",
                 "personnel:training-list"):
        assert f'href="{reverse(name)}"' in html
    assert 'title="编制与发薪核对"' in html and ">发薪核对</a>" in html
