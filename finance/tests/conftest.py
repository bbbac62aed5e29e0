import pytest

from regions.tests.factories import TownFactory

from .factories import linxi_arrangement, linxi_categories


@pytest.fixture
def town(db):
    return TownFactory(name="临溪镇")


@pytest.fixture
def categories(db):
    return linxi_categories()


@pytest.fixture
def arrangement(town, categories):
    return linxi_arrangement(town)
