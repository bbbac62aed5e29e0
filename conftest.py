"""Root conftest: shared fixtures for every app's tests (personas, API clients)."""

import os

import pytest

# Playwright drives the browser from the test thread while live_server serves requests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _load_package_calendar_if_flushed() -> None:
    import importlib

    from django.apps import apps

    from core import deadlines
    from core.models import CalendarYear

    if not CalendarYear.objects.filter(source="package").exists():
        importlib.import_module("core.migrations.0002_load_package_calendar").load(apps, None)
        deadlines.clear_cache()
    # The other rows a data migration loads go with the same flush: the plans' default wording.
    if not apps.get_model("plans", "WordingTemplate").objects.filter(division=None).exists():
        importlib.import_module("plans.migrations.0002_default_wording").load(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Every database test starts with the holiday calendar that migration core 0002 loads, as on
    a fresh database. A transactional test (``transaction=True``, ``transactional_db``,
    ``live_server``) ends by flushing every table, the calendar included, and under xdist which
    tests follow it on a worker is not fixed: once its fixtures are torn down (the flush done),
    the calendar is loaded again, outside any test's transaction."""
    yield
    if nextitem is None:  # the last test: the session's teardown has just dropped the test database
        return
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or \
            names & {"transactional_db", "live_server"}:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _load_package_calendar_if_flushed()


@pytest.fixture(autouse=True)
def _package_calendar(request, django_db_blocker):
    """The same check before each database test (one query): a flush by anything the hook above
    does not know of is repaired too."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _load_package_calendar_if_flushed()
    yield


@pytest.fixture
def demo(db):
    """The demo hierarchy and logins (fixtures/demo_regions.json), through the same loader as `run`."""
    from regions.demo import load_demo_regions

    load_demo_regions()
    from regions.models import Division

    return {d.code: d for d in Division.objects.all()}


@pytest.fixture
def personas(demo):
    """The role personas of STYLE.md: office, clerk of town A, clerk of town B, superior, auditor,
    admin, plus an authenticated user with no membership."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["office", "clerk_linxi", "clerk_other", "superior", "auditor", "admin"])}
    users["nobody"] = User.objects.create_user("nobody", password="kuoquan-demo-x1")
    return users


@pytest.fixture(scope="session")
def load_personas():
    """load_personas() → (users by persona name, divisions by code): the demo hierarchy and its
    logins plus ``nobody``, created if missing. For core.testing.cases, which loads them once per
    case class inside its own transaction (core imports no app, so it asks for this fixture)."""

    def load():
        from django.contrib.auth import get_user_model

        from regions.demo import load_demo_regions
        from regions.models import Division

        load_demo_regions()
        User = get_user_model()
        users = {u.username: u for u in User.objects.filter(
            username__in=["office", "clerk_linxi", "clerk_other", "superior", "auditor", "admin"])}
        users["nobody"] = User.objects.filter(username="nobody").first() or User.objects.create_user(
            "nobody", password="kuoquan-demo-x1")
        users["anonymous"] = None
        return users, {d.code: d for d in Division.objects.all()}

    return load


@pytest.fixture
def client_for(client):
    """client_for(user) → a Django test client logged in as ``user``."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():
    """api_for(user) → a DRF APIClient authenticated with the user's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user):
        c = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return c

    return make


def pytest_terminal_summary(terminalreporter):
    """CI prints the persona matrix's counts (issue 10): the declared cases of core.testing and
    their checks by outcome (tests/test_schemathesis.py prints its own line)."""
    from core.testing.api import ScopedAPICases
    from core.testing.matrix import REGISTRY

    prefixes = {f"{cls.__module__.replace('.', '/')}.py::{cls.__name__}::": cls for cls in REGISTRY}
    outcomes, ran = {}, set()
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            cls = next((c for p, c in prefixes.items() if getattr(report, "nodeid", "").startswith(p)), None)
            if cls is not None and (report.when == "call" or outcome != "passed"):
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                ran.add(cls)
    if ran:
        api = sum(1 for cls in ran if issubclass(cls, ScopedAPICases))
        terminalreporter.write_line(
            f"persona matrix: {len(ran)} cases ({api} API, {len(ran) - api} pages), "
            + ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items()) + " checks")
