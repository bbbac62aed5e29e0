"""Persona-matrix test cases: an endpoint or a page declares who sees what, the base class
generates every refusal for every persona (NetBox's ``utilities/testing`` ``APIViewTestCases``
and ``ViewTestCases``, with jurisdictions instead of object permissions).

A case declares the URL names, how to make a row inside a division, which roles read and write
it, the payloads and a query budget:

    class TestRecordAPI(ScopedAPICases):
        basename = "delegation-api:exercise-record"      # …-list, …-detail
        detail_gets = ("history",)                         # GET …-history on the row
        actions = {"file": {}}                             # POST …-file on the row
        write_roles = {"clerk", "office"}
        query_budget = 3

        def make(self, division, m):                      # a row of ``division``
            return ExerciseRecordFactory(division=division, ...)

        def create_payload(self, m, division):            # a valid create in ``division``
            return {...}

and gets, for each of the personas of ``core.testing.personas`` (office, the clerks of town A
and town B, superior, auditor, admin, a user without membership, anonymous):

- anonymous refused (401/403 ``not_authenticated`` from the API, a redirect to the login page);
- a row outside the persona's jurisdiction is 404, for reads *and* writes (PATCH, POST actions),
  both for a row of town A (which clerk_other does not see) and for a row of another province;
- 403 on every write of a row the persona sees but whose role does not write it; no row changed;
- the writers get through (201/200, or at least past the permission gate: 400/409 are the
  service's word on the payload);
- a create inside the jurisdiction succeeds, one outside it is refused and writes nothing;
- DELETE is 405 (nothing is deleted);
- the list holds the rows the persona may see and never the other province's row;
- the list's query count stays within ``query_budget`` (made with ``rows`` rows, so a query per
  row would show).

Who sees a row is derived from the declaration (``read_roles``, ``write_roles``, ``home``,
``visible_below``) and the personas' memberships, and checked against the answer at run time.
Rows that are no division's say so: ``everyone_reads`` (the holiday calendar: every login reads,
``write_roles`` write) or ``owner = "<persona>"`` (a notice, an import job: that user's alone,
404 for everyone else; ``owner_only`` when not even the administrator sees it). A route may take
fixed arguments (``Route(kwargs={...})``, an export's kind) or name its row in the body
(``row_body``); routes on no row are asked of every persona too (``test_route``, ``test_page``).

Data is made once per class (``make`` inside a class-wide transaction rolled back at the end);
every test runs in its own savepoint, so a writer's successful POST never leaks into the next test.
Core imports no app: the personas come from the root conftest's ``load_personas`` fixture and
the rows from the case's ``make`` (which uses the app's own factories).
"""


from .api import ScopedAPICases
from .matrix import REGISTRY, MatrixData, Route, over, snapshot
from .pages import ScopedPageCases

__all__ = ["REGISTRY", "MatrixData", "Route", "ScopedAPICases", "ScopedPageCases", "over", "snapshot"]
