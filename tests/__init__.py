"""Cross-app tests: scoping by persona through UI and API, auth, history, deployment.

``demo_module`` loads the demo hierarchy once per test module inside a transaction that is
rolled back when the module ends. Each test still runs in its own savepoint (pytest-django's
``db``), and the root ``demo`` fixture, being idempotent, then finds everything in place: about
40 queries instead of 700 per test. A module opts in with

    from tests import demo_module  # noqa: F401
    pytestmark = pytest.mark.usefixtures("demo_module")
"""

import pytest


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    from django.db import transaction

    from regions.demo import load_demo_regions

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_regions()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
