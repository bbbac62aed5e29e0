"""Every API endpoint and every page is in the persona matrix (issue 10, item 2).

A new route fails this test until a ``ScopedAPICases`` / ``ScopedPageCases`` in its app's
``tests/test_matrix*.py`` requests it (core.testing.cases), or it is added below with the reason
it needs no matrix.
"""

from core.testing.urls import undeclared, unknown

# Routes that are public or guarded by something other than the jurisdiction, each with why.
PUBLIC = {
    "login": "the login form itself",
    "logout": "POST only, ends the session",
    "set_language": "Django's language switch (a cookie, no data)",
    "healthz": "load-balancer probe, no data",
    "favicon": "a static file",
    "api-token": "obtain a token: username and password in, nothing scoped out (lockout tested in test_auth)",
    "schema": "OpenAPI document: the routes, no rows",
    "api-docs": "Swagger UI over the schema (assets served locally)",
    "api-redoc": "Redoc over the schema",
    # DRF routers' index pages: the names of the endpoints below them, no rows.
    "api-root": "regions API index",
    "delegation-api:api-root": "delegation API index",
    "ledger-api:api-root": "ledger API index",
}
# Django's admin: staff only, its own permission model (not the jurisdiction), no app pages.
PUBLIC_PREFIXES = ("admin/",)

# NOT public: routes still to be declared by their owners (2026-12-02, issue 10 item 2). Each is
# refused and scoped by its own hand-written tests today; delete the line when its case lands.
PENDING = {
    # core's holiday calendar (core/tests/test_calendar_views.py)
    "core:calendar-year-list", "core:calendar-notice", "core:calendar-manual", "core:calendar-year-detail",
    # the ledger (core/ledger/tests/test_reads.py); its rows need the ledger's own owner model
    "ledger:statement", "ledger-api:trial-balance", "ledger-api:verify", "ledger-api:period-close",
    "ledger-api:account-list", "ledger-api:account-detail", "ledger-api:account-statement",
    # notifications (core/notifications/tests/test_notifications.py)
    "notifications:list", "notifications:read-all", "notifications:detail", "notifications:read",
    "notifications-api:notification-list", "notifications-api:notification-read-all",
    "notifications-api:notification-detail", "notifications-api:notification-read",
    # the generic import pages, moving to core.importing while this was written
    "delegation-import:start", "delegation-import:export", "delegation-import:template",
    "delegation-import:job", "delegation-import:job-status", "delegation-import:job-confirm",
    "delegation-import:job-errors", "importing:start", "importing:job", "importing:job-status",
    "importing:job-status-json", "importing:job-confirm", "importing:job-errors", "importing:job-download",
    "importing:export", "importing:template",
    # checked file downloads (tests/test_files.py: anonymous, out of scope 404, in scope 200)
    "files:download",
}


def test_every_route_is_declared_in_the_persona_matrix():
    missing = undeclared({*PUBLIC, *PENDING}, allowed_prefixes=PUBLIC_PREFIXES)
    assert not missing, (
        "routes without a persona-matrix case: declare each in a ScopedAPICases/ScopedPageCases of its "
        "app's tests/test_matrix*.py (core/testing/cases.py says how), or list it in PUBLIC with why:\n"
        + "\n".join(f"  {r.name:45} /{r.route}" for r in missing)
    )


def test_the_lists_name_only_existing_routes():
    assert not unknown({*PUBLIC, *PENDING}), "PUBLIC or PENDING names routes that no longer exist"
