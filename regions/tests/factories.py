"""factory_boy factories for the administrative hierarchy: divisions, departments, pilots.

Everything is made through regions.services, so a factory-made division has its path and a
department its history, as in the UI:

    TownFactory()                       # a pilot town under a fresh county (city, province)
    TownFactory(parent=county, pilot=False)
    CountyFactory(pilot=True)           # a 扩权强县 pilot county
    DepartmentFactory(division=county)

Codes start with 6–9, so they never collide with the demo's (fixtures/demo_regions.json).
"""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from regions import services as region_services
from regions.choices import Level, PilotKind
from regions.models import Department, Division

PILOT_SINCE = datetime.date(2009, 6, 1)


class DivisionFactory(DjangoModelFactory):
    """A division made through regions.services; pass ``level`` and ``parent`` or use a subclass."""

    class Meta:
        model = Division

    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = Level.PROVINCE
    parent = None
    code = factory.Sequence(lambda n: f"9{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return region_services.division_create(**kwargs)


class ProvinceFactory(DivisionFactory):
    name = factory.Sequence(lambda n: f"测试省{n}")
    level = Level.PROVINCE
    code = factory.Sequence(lambda n: f"9{n:05d}")


class CityFactory(DivisionFactory):
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = Level.CITY
    parent = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"8{n:05d}")


class CountyFactory(DivisionFactory):
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = Level.COUNTY
    parent = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"7{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, pilot=False, **kwargs):
        """``pilot=True`` designates it a 扩权强县 pilot county."""
        county = region_services.division_create(**kwargs)
        if pilot:
            designate_pilot(county)
        return county


class TownFactory(DivisionFactory):
    """A town, by default a pilot town (扩权强镇试点镇) under a fresh county."""

    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Level.TOWN
    parent = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"6{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, pilot=True, **kwargs):
        town = region_services.division_create(**kwargs)
        if pilot:
            designate_pilot(town)
        return town


def designate_pilot(division: Division, *, on: datetime.date = PILOT_SINCE):
    """Designate ``division`` a pilot town or county (whichever its level is)."""
    kind = PilotKind.TOWN if division.level == Level.TOWN else PilotKind.COUNTY
    return region_services.pilot_designate(
        division=division, kind=kind, batch="测试批次", designated_on=on, designated_by="测试省人民政府"
    )


class DepartmentFactory(DjangoModelFactory):
    """A department of a county (by default a fresh one)."""

    class Meta:
        model = Department

    division = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"T-DEPT-{n:05d}")
    name = factory.Sequence(lambda n: f"测试局{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return region_services.department_create(**kwargs)
