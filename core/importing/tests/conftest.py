import pytest


@pytest.fixture
def calendar_days():
    """The test-only kind registered for one test, and a year (2040) to import days into."""
    from core.importing import registry
    from core.models import CalendarYear

    from .resource import KEY, register

    register()
    CalendarYear.objects.get_or_create(year=2040, defaults={"source": "manual"})
    yield KEY
    registry._registry.pop(KEY, None)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("imp_admin", password="x-imp-admin-1")
