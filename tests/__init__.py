"""Cross-app tests: scoping by persona through UI and API, auth, history, deployment.

``demo_module`` loads the demo hierarchy once per test module inside a transaction that is
rolled back when the module ends. Each test still runs in its own savepoint (pytest-django's
``db``), and the root ``demo`` fixture, being idempotent, then finds everything in place: about
40 queries instead of 700 per test. A module opts in with

    from tests import demo_module  # noqa: F401
    pytestmark = pytest.mark.usefixtures("demo_module")

(an app's tests too: delegation's conftest imports it for its modules).
"""

import pytest


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    from core.testing.shared import kept_for_scope
    from regions.demo import load_demo_regions

    yield from kept_for_scope(django_db_blocker, load_demo_regions)
