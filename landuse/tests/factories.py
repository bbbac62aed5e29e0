"""Factories of landuse's quota: a hierarchy with quota handed down it, and projects, all made
through the services (so a factory-made allocation has been through the same rules as one the
office records).

    chain = quota_chain()                      # province → city → county → pilot town + other town
    fund_town(chain["town"], "100")            # the province issues, each level hands 100 mu down
    project(chain["town"], quota_mu="30")      # a registered industrial project in the zone
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from landuse import services
from landuse.choices import MovementKind, Pool, ProjectKind
from regions.tests.factories import CityFactory, CountyFactory, ProvinceFactory, TownFactory

YEAR = datetime.date.today().year
serial = itertools.count(1)


def quota_chain() -> dict:
    province = ProvinceFactory(name="测试省")
    city = CityFactory(parent=province, name="测试市")
    county = CountyFactory(parent=city, name="测试县")
    town = TownFactory(parent=county, name="试点镇")  # a pilot town
    other = TownFactory(parent=county, name="非试点镇", pilot=False)
    return {"province": province, "city": city, "county": county, "town": town, "other": other}


def allocate(source, target, amount, *, year: int = YEAR, kind=MovementKind.ALLOCATE, source_pool=Pool.GENERAL,
             target_pool=Pool.GENERAL, actor=None):
    return services.allocation_create(kind=kind, year=year, source=source, target=target, amount_mu=amount,
                                      source_pool=source_pool, target_pool=target_pool,
                                      document_number=f"测指〔{year}〕{next(serial)}号", actor=actor)


def fund_town(town, amount, *, year: int = YEAR):
    """Issue ``amount`` into the town's province and hand it down to the town, level by level."""
    chain = []
    node = town
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    allocate(None, chain[0], amount, year=year, kind=MovementKind.ISSUE)
    for parent, child in zip(chain, chain[1:], strict=False):
        allocate(parent, child, amount, year=year)


def project(town, *, quota_mu="30", area_mu=None, kind=ProjectKind.INDUSTRIAL, year: int = YEAR, actor=None,
            **fields):
    fields.setdefault("in_industrial_zone", kind == ProjectKind.INDUSTRIAL)
    return services.project_create(
        town=town, actor=actor, name=fields.pop("name", f"测试项目{next(serial)}"), kind=kind, year=year,
        area_mu=area_mu or str(Decimal(quota_mu) + 5), quota_mu=quota_mu, farmland_mu=fields.pop("farmland_mu", "2"),
        **fields)
