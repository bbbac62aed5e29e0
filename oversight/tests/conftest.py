import pytest

from core import deadlines
from core.models import CalendarYear
from core.services import calendar_year_import_from_package


@pytest.fixture(autouse=True)
def calendar_years(db):
    """The package calendar of the years these tests count in: a transactional test (the meeting
    race here, or another app's) flushes the rows the migration loaded."""
    for year in (2025, 2026):
        if not CalendarYear.objects.filter(year=year).exists():
            calendar_year_import_from_package(year=year)
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()
