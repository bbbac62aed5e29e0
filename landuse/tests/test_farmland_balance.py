"""Farmland balance (占补平衡, issue 13 §4): per town and year, farmland occupied by approved
projects against farmland replaced by accepted reclamations; a surplus or shortfall carries into
the next year; where the town cannot balance, a county-level entry does; unbalanced towns reach
the office's page, the daily notices and the oversight agenda's selector."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.errors import ApplicationError
from core.notifications.models import Notification
from core.notifications.services import notifications_create
from landuse import notices_farmland, selectors, services
from landuse.choices import BalancingSource
from landuse.models import FarmlandBalancing

from .farmland_factories import accepted, occupying_project

D = datetime.date
M = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def county(load_personas):
    users, divisions = load_personas()
    return divisions["341824101"], divisions["341824100"], users  # 临溪镇, 华阳镇


def row(town, year):
    return next(r for r in selectors.farmland_town_years(town=town, until_year=year) if r.year == year)


def balance(town, year, area, source=BalancingSource.COUNTY_RESERVE, **kwargs):
    return services.farmland_balancing_create(town=town, year=year, area_mu=area, source=source,
                                              document_number="绩统筹〔2012〕1号", **kwargs)


def test_occupied_against_replaced_per_town_and_year_with_the_carry(county):
    linxi, _huayang, users = county
    occupying_project(linxi, "50", year=2012)
    accepted(linxi, "30", on=D(2012, 5, 10))
    r2012 = row(linxi, 2012)
    assert (r2012.occupied, r2012.replaced, r2012.balance, r2012.shortfall) == (M("50"), M("30"), M("-20"), M("20"))
    assert not r2012.balanced
    # nothing new in 2013: the shortfall is carried, still owed
    r2013 = row(linxi, 2013)
    assert (r2013.carried_in, r2013.balance) == (M("-20"), M("-20"))
    # a reclamation of 2013 pays it back, with a surplus carried on (先补后占)
    accepted(linxi, "25", on=D(2013, 3, 1))
    assert row(linxi, 2013).balance == M("5")
    assert row(linxi, 2012).balance == M("-20")  # the year itself is as it was


def test_unbalanced_towns_for_the_office_page_the_agenda_and_the_notices(county):
    linxi, huayang, users = county
    occupying_project(linxi, "50", year=2012)
    accepted(linxi, "30")
    occupying_project(huayang, "8", year=2012)
    accepted(huayang, "10")  # balanced with 2 mu to spare
    unbalanced = selectors.farmland_unbalanced_list(year=2012)
    assert [(r.town, r.shortfall) for r in unbalanced] == [(linxi, M("20.0000"))]
    assert selectors.farmland_unbalanced_list(user=users["office"], year=2012)[0].town == linxi
    assert selectors.farmland_unbalanced_list(user=users["clerk_other"], year=2012) == []
    # the daily notice: the town's clerk and the county office, once however often it runs
    drafts = notices_farmland.produce_notices(day=D(2012, 12, 31))
    assert {d.addressee_id for d in drafts} >= {users["clerk_linxi"].pk, users["office"].pk}
    assert users["clerk_other"].pk not in {d.addressee_id for d in drafts}
    notifications_create(drafts=drafts)
    notifications_create(drafts=notices_farmland.produce_notices(day=D(2012, 12, 31)))
    notice = Notification.objects.get(addressee=users["clerk_linxi"])
    assert notice.params["shortfall"] == "20.00"
    # the county balances it from its reserve: no longer unbalanced, nothing new told
    balance(linxi, 2012, "20", actor=users["office"])
    assert selectors.farmland_unbalanced_list(year=2012) == []
    assert notices_farmland.produce_notices(day=D(2012, 12, 31)) == []


def test_county_level_totals_and_balancing_between_towns(county):
    linxi, huayang, users = county
    occupying_project(linxi, "50", year=2012)
    accepted(linxi, "30")
    accepted(huayang, "15")  # 华阳镇 replaced 15 mu it did not occupy
    [table] = selectors.farmland_table(user=users["office"], year=2012)
    assert table.county.code == "341824"
    assert (table.occupied, table.replaced, table.balance, table.balanced) == (M("50"), M("45"), M("-5"), False)
    # more than 华阳镇's surplus is refused with the figures, writing nothing
    with pytest.raises(ApplicationError) as refused:
        balance(linxi, 2012, "16", BalancingSource.OTHER_TOWN, source_town=huayang, actor=users["office"])
    assert refused.value.code == "source_town_short" and "15.0000" in refused.value.message
    assert not FarmlandBalancing.objects.exists()
    balance(linxi, 2012, "15", BalancingSource.OTHER_TOWN, source_town=huayang, actor=users["office"])
    assert row(linxi, 2012).balance == M("-5") and row(huayang, 2012).balance == M("0")
    [table] = selectors.farmland_table(user=users["office"], year=2012)
    assert table.from_outside == M("0") and table.balance == M("-5")  # moved inside the county: same total
    entry = balance(linxi, 2012, "5", actor=users["office"])  # the rest from the county's reserve
    [table] = selectors.farmland_table(user=users["office"], year=2012)
    assert (table.from_outside, table.balance, table.balanced) == (M("5"), M("0"), True)
    # reversed: unbalanced again
    services.farmland_balancing_reverse(balancing=entry, reason="文号有误", actor=users["office"])
    assert row(linxi, 2012).shortfall == M("5")


def test_balancing_is_the_county_office_s_and_refuses_bad_areas(county):
    from django.core.exceptions import PermissionDenied

    linxi, _huayang, users = county
    with pytest.raises(PermissionDenied):
        balance(linxi, 2012, "5", actor=users["clerk_linxi"])
    for area, code in (("-1", "negative_area"), ("0.00001", "too_many_decimals")):
        with pytest.raises(ApplicationError) as refused:
            balance(linxi, 2012, area, actor=users["office"])
        assert refused.value.code == code
    assert not FarmlandBalancing.objects.exists()
