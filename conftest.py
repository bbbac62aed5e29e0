"""Root conftest: shared fixtures for every app's tests (personas, API clients)."""

import os

import pytest

# Playwright drives the browser from the test thread while live_server serves requests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
