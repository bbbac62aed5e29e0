"""Fixtures of delegation's API tests (test_api_*.py: the demo catalogue) and of its service tests
(test_services_*.py: an actor, a fresh county with a department and a pilot town).

test_views.py and its neighbours define their own ``catalogue`` (the page tests read other
rows of it); a module's own fixture wins over this one.
"""

import pytest

from delegation.demo import load_demo_delegation
from delegation.models import Batch, Item
from regions.models import Division
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory

from .api_helpers import HUAYANG, LINXI


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
