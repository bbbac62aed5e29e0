"""What the page matrix cannot know: the town page's figures and its out-of-term notice, the
form's refusals in words with the input kept and nothing written, the trace on the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from finance import services
from finance.models import RevenueCategory, RevenueRecord

from .factories import linxi_arrangement, revenue

D = datetime.date


@pytest.fixture
def linxi(demo):
    town = demo["341824101"]
    linxi_arrangement(town)
    return town


def test_town_page_shows_the_months_and_the_settlement(linxi, personas, client_for):
    for month in range(1, 13):
        revenue(linxi, D(2010, month, 1), "vat", "1291666.66" if month < 12 else "1291666.74")
    revenue(linxi, "2010-01", "land_net", "1000000.00")
    services.entitlement_compute(town=linxi, month="2010-01")
    services.settlement_compute(town=linxi, year=2010)
    html = client_for(personas["clerk_linxi"]).get(reverse("finance:town", args=[linxi.pk]), {"year": 2010})
    text = html.content.decode()
    assert html.status_code == 200
    assert "2291666.66" in text and "1000000.00" in text  # January's revenue, January's entitlement
    assert "3500000.00" in text and 'data-testid="settlement"' in text
    assert 'data-testid="outside-term"' not in text
    assert "临溪镇应返未拨（工业集中区基础设施建设）" in text and "/statement/?start=2010-01-01" in text
    later = client_for(personas["office"]).get(reverse("finance:town", args=[linxi.pk]), {"year": 2014})
    assert "2014年不在体制期限内，不计超收返还。" in later.content.decode()
    other = client_for(personas["clerk_other"]).get(reverse("finance:town", args=[linxi.pk]))
    assert other.status_code == 404


@pytest.mark.parametrize(("amount", "words"), [("12.345", "最多2位小数"), ("abc", "不是数字"), ("-3", "冲销原记录")])
def test_form_refusal_in_words_input_kept_nothing_written(linxi, personas, client_for, amount, words):
    client = client_for(personas["clerk_linxi"])
    data = {"town": linxi.pk, "month": "2010-03", "category": RevenueCategory.objects.get(code="vat").pk,
            "collecting_body": "临溪税务分局", "amount": amount}
    response = client.post(reverse("finance:revenue-create"), data)
    text = response.content.decode()
    assert response.status_code == 200 and words in text and f'value="{amount}"' in text
    assert not RevenueRecord.objects.exists()


def test_entitlement_page_shows_the_trace(linxi, personas, client_for):
    revenue(linxi, "2010-05", "land_net", "2345678.91")
    land = next(e for e in services.entitlement_compute(town=linxi, month="2010-05") if e.amount)
    text = client_for(personas["auditor"]).get(reverse("finance:entitlement-detail", args=[land.pk])).content.decode()
    assert "本月适用科目收入合计" in text and "2345678.91" in text and "工业集中区基础设施建设" in text
    assert f"<dd class=\"col-9\">{land.amount:,}</dd>" in text  # the amount with its separators


def test_entitlement_page_has_the_history_tab(linxi, personas, client_for):
    revenue(linxi, "2010-06", "land_net", "1000.00")
    land = next(e for e in services.entitlement_compute(town=linxi, month="2010-06") if e.amount)
    url = reverse("finance:entitlement-detail", args=[land.pk])
    text = client_for(personas["auditor"]).get(url, {"tab": "history"}).content.decode()
    assert 'data-testid="history"' in text and 'data-testid="trace"' not in text
    assert 'data-testid="trace"' in client_for(personas["auditor"]).get(url).content.decode()


def test_pages_open_on_the_latest_year_with_data(linxi, personas, client_for):
    revenue(linxi, "2010-03", "vat", "1000.00")
    revenue(linxi, "2011-05", "land_net", "2000.00")
    services.entitlement_compute(town=linxi, month="2011-05")
    office = client_for(personas["office"])
    town = office.get(reverse("finance:town", args=[linxi.pk]))
    assert town.context["year"] == 2011
    assert 2010 in town.context["years"] and 2011 in town.context["years"]
    chart = office.get(reverse("finance:town-chart", args=[linxi.pk]))
    assert "2011-05" in chart.content.decode()
    index = office.get(reverse("finance:reconciliation"))
    assert (index.context["start"], index.context["end"]) == (D(2011, 1, 1), D(2011, 5, 1))
    assert office.get(reverse("finance:town", args=[linxi.pk]), {"year": 2013}).context["year"] == 2013
    # nothing in the caller's scope: the current year, as before
    other = client_for(personas["clerk_other"]).get(reverse("finance:reconciliation"))
    assert other.context["start"].year == datetime.date.today().year


def test_entitlement_list_newest_month_first(linxi, personas, client_for):
    for month in ("2010-06", "2010-12", "2010-09"):
        revenue(linxi, month, "land_net", "1000.00")
        services.entitlement_compute(town=linxi, month=month)
    rows = client_for(personas["office"]).get(reverse("finance:entitlement-list")).context["object_list"]
    months = [f"{e.month:%Y-%m}" for e in rows]
    assert months == sorted(months, reverse=True) and months[0] == "2010-12"
