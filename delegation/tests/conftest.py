"""Fixtures of delegation's API tests (test_api_*.py: the demo catalogue) and of its service tests
(test_services_*.py: an actor, a fresh county with a department and a pilot town).

test_views.py and its neighbours define their own ``catalogue`` (the page tests read other
rows of it); a module's own fixture wins over this one.

A module whose database tests all use the demo catalogue loads it once (``catalogue_module``,
opted in with ``pytestmark = pytest.mark.usefixtures("catalogue_module")``): about 2 s per test
instead of loading the hierarchy and the catalogue for each one.
"""

import pytest

from core.testing.shared import kept_for_scope
from delegation.demo import load_demo_delegation
from delegation.models import Batch, Item
from regions.models import Division
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory
from tests import demo_module  # noqa: F401 - the demo hierarchy once per module, for the modules that opt in

from .api_helpers import HUAYANG, LINXI


@pytest.fixture(scope="module")
def catalogue_module(django_db_setup, django_db_blocker):
    """The demo hierarchy and catalogue, once for the module (rolled back when it ends)."""
    from regions.demo import load_demo_regions

    def load():
        load_demo_regions()
        load_demo_delegation()

    yield from kept_for_scope(django_db_blocker, load)


@pytest.fixture
def catalogue(personas):
    load_demo_delegation()
    return {
        "linxi": Division.objects.get(code=LINXI),
        "huayang": Division.objects.get(code=HUAYANG),
        "items": {i.code: i for i in Item.objects.all()},
        "batch": Batch.objects.get(code="JX-2010-01"),  # published 2009-12-28: closed
        "open_batch": Batch.objects.get(code="JX-2027-01"),  # the current batch, effective 2027-01-01
    }


@pytest.fixture
def actor(django_user_model):
    return django_user_model.objects.create_user("catalogue-office", password="x")


@pytest.fixture
def county():
    return CountyFactory()


@pytest.fixture
def department(county):
    return DepartmentFactory(division=county)


@pytest.fixture
def town(county):
    return TownFactory(parent=county)
