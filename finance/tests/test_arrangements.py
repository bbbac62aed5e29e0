"""Fiscal arrangements as data the office sets: create with rules (tiers too), supersede from a
date (both readable, the old one "superseded by … from …", months computed under the one in
force), outside the term no excess rebate and the pages say so; the office alone writes, in the
browser and the API; refusals write nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import ApplicationError, ConflictError
from finance import services
from finance.models import ArrangementRule, FiscalArrangement
from finance.selectors import arrangement_in_force
from regions.models import Division

from .factories import linxi_arrangement, linxi_rules, revenue
from .test_matrix_pages import arrangement_payload

D = datetime.date
TIERED = [{"up_to": "3000000.00", "share_percent": "100"}, {"up_to": None, "share_percent": "50"}]


@pytest.fixture
def linxi(personas):
    return Division.objects.get(code="341824101")


def supersede(old, **overrides):
    rules = linxi_rules()
    rules[0] = {**rules[0], "tiers": TIERED}
    kwargs = {"name": "临溪镇财政体制（2014—2018）", "base_year": 2013, "base_amount": "19000000.00",
              "term_start": D(2014, 1, 1), "term_end": D(2018, 12, 31), "effective_from": D(2014, 1, 1),
              "rules": rules, **overrides}
    return services.arrangement_supersede(arrangement=old, **kwargs)


def test_supersede_from_a_date_keeps_both_readable(town, arrangement):
    new = supersede(arrangement)
    arrangement.refresh_from_db()
    assert arrangement.superseded_by == new and new.town == town
    assert arrangement_in_force(town=town, month=D(2013, 12, 1)) == arrangement
    assert arrangement_in_force(town=town, month=D(2014, 1, 1)) == new
    assert arrangement.rules.count() == 5 and new.rules.get(position=1).tiers[0]["up_to"] == "3000000.00"
    # revenue of 2014 is settled under the new one: base 19,000,000.00, tiered
    for month in range(1, 13):
        revenue(town, D(2014, month, 1), "vat", "1875000.00")  # 22,500,000.00 in the year
    settlement = services.settlement_compute(town=town, year=2014)
    # excess 3,500,000.00: 3,000,000.00 + 500,000.00 × 50 % = 3,250,000.00
    assert settlement.arrangement == new and settlement.amount == Decimal("3250000.00")


def test_only_the_current_one_is_superseded_and_not_backwards(town, arrangement):
    supersede(arrangement)
    with pytest.raises(ConflictError, match="已被"):
        supersede(arrangement, effective_from=D(2015, 1, 1), name="再替代")
    current = FiscalArrangement.objects.get(town=town, superseded_by__isnull=True)
    with pytest.raises(ApplicationError, match="之后施行"):
        supersede(current, effective_from=D(2012, 1, 1), name="倒退")
    with pytest.raises(Exception, match="1日"):
        supersede(current, effective_from=D(2016, 1, 15), name="月中")
    assert FiscalArrangement.objects.filter(town=town).count() == 2
    assert ArrangementRule.objects.filter(arrangement__town=town).count() == 10


def test_pages_show_superseded_tiers_and_outside_term(client_for, personas, linxi):
    old = linxi_arrangement(linxi)
    new = supersede(old)
    office = client_for(personas["office"])
    html = office.get(reverse("finance:arrangement-detail", args=[old.pk])).content.decode()
    assert 'data-testid="superseded"' in html and "2014-01-01" in html and new.name in html
    assert 'data-testid="outside-term"' in html and "期限外不计超收返还" in html
    assert 'data-testid="supersede"' not in html  # superseded already: no second supersede
    html = office.get(reverse("finance:arrangement-detail", args=[new.pk])).content.decode()
    assert 'data-testid="tiers"' in html and "3,000,000.00".replace(",", "") in html.replace(",", "")
    assert 'data-testid="supersedes"' in html and 'data-testid="supersede"' in html
    listing = office.get(reverse("finance:arrangement-list")).content.decode()
    assert "已被" in listing and new.name in listing
    town = office.get(reverse("finance:town", args=[linxi.pk]) + "?year=2026").content.decode()
    assert 'data-testid="outside-term"' in town  # 2026 lies outside 2014–2018
    # the clerk reads, without the supersede button
    clerk = client_for(personas["clerk_linxi"]).get(reverse("finance:arrangement-detail", args=[new.pk])).content.decode()
    assert 'data-testid="tiers"' in clerk and 'data-testid="supersede"' not in clerk


def test_the_supersede_form_starts_from_the_old_one_and_writes_through_the_service(client_for, personas, linxi):
    old = linxi_arrangement(linxi)
    office = client_for(personas["office"])
    url = reverse("finance:arrangement-supersede", args=[old.pk])
    page = office.get(url).content.decode()
    assert "超收部分全额返还" in page and "12000000.00" in page
    response = office.post(url, arrangement_payload(linxi, town=False, when="2014-01-01"))
    assert response.status_code == 302, response.content.decode()[:3000]
    old.refresh_from_db()
    assert old.superseded_by is not None and old.superseded_by.rules.get().tiers[1]["share_percent"] == "50.00"
    assert old.superseded_by.created_by == personas["office"]


def test_a_bad_form_says_why_and_writes_nothing(client_for, personas, linxi):
    office = client_for(personas["office"])
    data = arrangement_payload(linxi, when="2014-01-01")
    data["rules-0-tiers"] = "3000000 100\n2000000 60\n50"
    data["base_amount"] = "12.345"
    response = office.post(reverse("finance:arrangement-create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "最多2位小数" in html
    data["base_amount"] = "12000000.00"
    html = office.post(reverse("finance:arrangement-create"), data).content.decode()
    assert "应高于上一档" in html
    assert not FiscalArrangement.objects.filter(town=linxi).exists() and not ArrangementRule.objects.exists()


def test_a_clerk_cannot_set_or_supersede(client_for, personas, linxi):
    old = linxi_arrangement(linxi)
    clerk = client_for(personas["clerk_linxi"])
    assert clerk.get(reverse("finance:arrangement-create")).status_code == 403
    assert clerk.post(reverse("finance:arrangement-create"), arrangement_payload(linxi)).status_code == 403
    assert clerk.post(reverse("finance:arrangement-supersede", args=[old.pk]),
                      arrangement_payload(linxi, town=False)).status_code == 403
    assert FiscalArrangement.objects.count() == 1


def api_body(**overrides):
    return {"name": "临溪镇财政体制（2014—2018）", "base_year": 2013, "base_amount": "19000000.00",
            "term_start": "2014-01-01", "term_end": "2018-12-31", "effective_from": "2014-01-01",
            "settlement_method": "monthly_advance",
            "rules": [{"name": "超收分档返还", "kind": "excess", "categories": ["vat", "cit"], "tiers": TIERED},
                      {"name": "土地出让净收益全额返还", "kind": "share", "categories": ["land_net"],
                       "earmark": "industrial_zone"}],
            **overrides}


def test_api_create_and_supersede(api_for, personas, linxi):
    old = linxi_arrangement(linxi)
    office = api_for(personas["office"])
    response = office.post(reverse("finance-api:arrangement-supersede", args=[old.pk]), api_body(), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == old.pk and body["superseded_by"]
    new = office.get(reverse("finance-api:arrangement-detail", args=[body["superseded_by"]])).json()
    assert new["rules"][0]["tiers"] == [{"up_to": "3000000.00", "share_percent": "100.00"},
                                        {"up_to": None, "share_percent": "50.00"}]
    assert new["rules"][0]["share_percent"] == "50.00"  # the top band's
    created = office.post(reverse("finance-api:arrangement-list"), {**api_body(name="再调整", effective_from="2019-01-01"),
                                                                     "town": linxi.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert FiscalArrangement.objects.get(pk=new["id"]).superseded_by_id == created.json()["id"]


def test_api_refusals_write_nothing(api_for, personas, linxi):
    old = linxi_arrangement(linxi)
    url = reverse("finance-api:arrangement-supersede", args=[old.pk])
    clerk = api_for(personas["clerk_linxi"])
    assert clerk.post(url, api_body(), format="json").status_code == 403
    assert clerk.post(reverse("finance-api:arrangement-list"), {**api_body(), "town": linxi.pk},
                      format="json").status_code == 403
    other = api_for(personas["clerk_other"])  # no role that writes arrangements: 403 before the lookup
    assert other.post(url, api_body(), format="json").status_code == 403
    assert other.get(reverse("finance-api:arrangement-detail", args=[old.pk])).status_code == 404
    office = api_for(personas["office"])
    bad_tiers = office.post(url, api_body(rules=[{"name": "超收", "kind": "excess", "categories": ["vat"],
                                                   "tiers": [{"up_to": "1000", "share_percent": "100"}]}]), format="json")
    assert bad_tiers.status_code == 400 and "至少要有两档" in str(bad_tiers.json())
    backwards = office.post(url, api_body(effective_from="2005-01-01"), format="json")
    assert backwards.status_code == 400 and "之后施行" in str(backwards.json())
    three = office.post(url, api_body(base_amount="1.999"), format="json")
    assert three.status_code == 400 and "最多2位小数" in str(three.json())
    old.refresh_from_db()
    assert old.superseded_by_id is None and FiscalArrangement.objects.count() == 1
