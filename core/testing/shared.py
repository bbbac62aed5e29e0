"""Rows made once for a whole test module (or class) instead of once per test.

``kept_for_scope(django_db_blocker, load)`` runs ``load()`` inside an outer transaction that the
scope's end rolls back; every test still runs in its own savepoint (pytest-django's ``db``), so
what one test writes never reaches the next, and an idempotent loader the test calls again (the
demo hierarchy, the demo catalogue) finds everything in place. A module-scoped fixture:

    @pytest.fixture(scope="module")
    def catalogue_module(django_db_setup, django_db_blocker):
        yield from kept_for_scope(django_db_blocker, load_demo_delegation)

and the module opts in with ``pytestmark = pytest.mark.usefixtures("catalogue_module")``. Only
for modules whose database tests all want those rows and none is transactional (a flush would
end the outer transaction).
"""

from __future__ import annotations

from django.db import transaction


def kept_for_scope(django_db_blocker, load):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield value
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
