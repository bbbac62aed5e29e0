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
    "finance-api:api-root": "finance API index",
    "landuse-api:api-root": "landuse API index",
    "personnel-api:api-root": "personnel API index",
    "oversight-api:api-root": "oversight API index",
    "ledger-api:api-root": "ledger API index",
}
# Django's admin: staff only, its own permission model (not the jurisdiction), no app pages.
PUBLIC_PREFIXES = ("admin/",)


def test_every_route_is_declared_in_the_persona_matrix():
    missing = undeclared(set(PUBLIC), allowed_prefixes=PUBLIC_PREFIXES)
    assert not missing, (
        "routes without a persona-matrix case: declare each in a ScopedAPICases/ScopedPageCases of its "
        "app's tests/test_matrix*.py (core/testing/cases.py says how), or list it in PUBLIC with why:\n"
        + "\n".join(f"  {r.name:45} /{r.route}" for r in missing)
    )


def test_the_lists_name_only_existing_routes():
    assert not unknown(set(PUBLIC)), "PUBLIC names routes that no longer exist"
