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

Data is made once per class (``make`` inside a class-wide transaction rolled back at the end);
every test runs in its own savepoint, so a writer's successful POST never leaks into the next test.
Core imports no app: the personas come from the root conftest's ``load_personas`` fixture and
the rows from the case's ``make`` (which uses the app's own factories).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from .personas import ALL_ROLES, ELSEWHERE, PERSONAS, TOWN_A, Persona

# Every case class with something to check, for core.testing.urls (the undeclared-route check).
REGISTRY: list[type] = []

GATE_REFUSALS = (401, 403, 404, 405)


def _pk(obj) -> dict:
    return {"pk": obj.pk}


@dataclass(frozen=True)
class Route:
    """One URL of a case: a named URL pattern, a method, and what it needs.

    ``kwargs(obj)`` gives the URL arguments for the row (default ``{"pk": obj.pk}``; ``None`` for
    a URL without arguments), ``query(obj)`` a query string, ``payload(m)`` the body of a write.
    ``write`` routes pass the write gate (403 for roles that do not write the row);
    ``expect`` pins the writers' status (otherwise: anything but a refusal or a 5xx).
    """

    name: str
    method: str = "GET"
    write: bool = False
    kwargs: Callable[[Any], dict] | None = _pk
    query: Callable[[Any], dict] | None = None
    payload: Any = None  # a dict, or a callable (m) → dict
    expect: int | None = None
    label: str = ""  # told apart in the test id (a tab of the same page)

    @property
    def id(self) -> str:
        return f"{self.method} {self.name.split(':')[-1]}{self.label}"

    @property
    def on_row(self) -> bool:
        return self.kwargs is not None or self.query is not None

    def url(self, obj=None) -> str:
        url = reverse(self.name, kwargs=self.kwargs(obj) if self.kwargs and obj is not None else None)
        if self.query and obj is not None:
            url += "?" + urlencode(self.query(obj))
        return url

    def body(self, m) -> dict:
        return self.payload(m) if callable(self.payload) else dict(self.payload or {})


@dataclass
class MatrixData:
    """What a case's tests share: users by persona name, divisions by code, the rows."""

    users: dict
    divisions: dict
    home: Any
    away: Any
    objects: list = field(default_factory=list)  # rows of ``home``
    away_obj: Any = None  # the row of ``away``
    sessions: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    @property
    def obj(self):
        return self.objects[0] if self.objects else None


def snapshot(obj) -> dict | None:
    """The row as stored now (to prove a refused write changed nothing)."""
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


class MatrixCases:
    """What API and page cases share: the declaration, the data, the expectations."""

    # --- declared by the case ------------------------------------------------------------------
    home = TOWN_A  # code of the division the case's rows are made in
    away = ELSEWHERE  # code of a division outside every persona's jurisdiction but the admin's
    read_roles: frozenset[str] = ALL_ROLES  # roles that read a row within their jurisdiction
    write_roles: frozenset[str] = frozenset({"office"})  # roles that write it (the model's writers)
    visible_below = False  # rows also read by the divisions below ``home`` (jurisdiction_ancestors_visible)
    rows = 2  # rows made in ``home``
    query_budget: int | None = None  # queries of one list request, at most
    budget_personas: tuple[str, ...] = ("office", "clerk_linxi", "admin")
    role_check_first = False  # True: a role that writes nothing here is refused (403) before the lookup

    def make(self, division, m: MatrixData):
        """A row inside ``division``; cases without rows (a dashboard) leave it undeclared."""
        raise NotImplementedError

    def create_payload(self, m: MatrixData, division) -> dict | None:
        """A valid create inside ``division``, or None when the case has no create."""
        return None

    # --- registry --------------------------------------------------------------------------------
    # test name → (check method, does it apply to the case?). A check that does not apply is
    # not attached at all, so the matrix never reports a skip.
    CHECKS: dict[str, tuple[str, Callable[[type], bool]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("Test"):
            return
        REGISTRY.append(cls)
        for test_name, (check, applies) in cls.CHECKS.items():
            if applies(cls) and test_name not in cls.__dict__:
                setattr(cls, test_name, getattr(cls, check))

    @classmethod
    def makes_rows(cls) -> bool:
        return cls.make is not MatrixCases.make

    @classmethod
    def creates(cls) -> bool:
        return cls.create_payload is not MatrixCases.create_payload

    @classmethod
    def routes(cls) -> list[Route]:
        raise NotImplementedError

    @classmethod
    def url_names(cls) -> set[str]:
        """The URL names this case requests (core.testing.urls compares them with the resolver)."""
        return {r.name for r in cls.routes()}

    # --- expectations ----------------------------------------------------------------------------
    @staticmethod
    def persona(name: str) -> Persona:
        return PERSONAS[name]

    def reads(self, p: Persona, m: MatrixData, division) -> bool:
        if p.superuser:
            return True
        own = m.divisions.get(p.division)
        return p.role in self.read_roles and p.sees(division, own_division=own, below=self.visible_below)

    def role_writes(self, p: Persona) -> bool:
        return p.superuser or p.role in self.write_roles

    def writes(self, p: Persona, division) -> bool:
        return p.superuser or (p.role in self.write_roles and p.sees(division))

    # --- data, once per class --------------------------------------------------------------------
    @pytest.fixture(scope="class")
    @classmethod
    def matrix_data(cls, django_db_setup, django_db_blocker, load_personas):
        self = cls()  # the declaration's methods (make, prepare) are plain methods of the case
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                users, divisions = load_personas()
                m = MatrixData(users=users, divisions=divisions, home=divisions[self.home],
                               away=divisions[self.away])
                if self.makes_rows():
                    m.objects = [self.make(m.home, m) for _ in range(self.rows)]
                    m.away_obj = self.make(m.away, m)
                self.prepare(m)
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield m
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    def prepare(self, m: MatrixData) -> None:
        """Logins for the clients (API tokens or sessions); subclasses fill in."""

    @pytest.fixture
    def m(self, matrix_data, db) -> MatrixData:
        return matrix_data

    # --- parametrization -------------------------------------------------------------------------
    def pytest_generate_tests(self, metafunc):
        """Each test method names what it runs over: ``persona`` and/or ``route``."""
        wanted = getattr(metafunc.function, "matrix", {})
        if "persona" in metafunc.fixturenames:
            names = wanted.get("personas")
            if names == "budget":
                names = self.budget_personas
            names = list(names or PERSONAS)
            metafunc.parametrize("persona", names)
        if "route" in metafunc.fixturenames:
            routes = [r for r in self.routes() if wanted.get("routes", lambda r: True)(r)]
            metafunc.parametrize("route", routes, ids=[r.id for r in routes])


def over(*, personas=None, routes=None):
    """Mark a test method with what it runs over (read by ``pytest_generate_tests``)."""

    def mark(fn):
        fn.matrix = {"personas": personas, "routes": routes}
        return fn

    return mark


# ------------------------------------------------------------------------------------------------
class ScopedAPICases(MatrixCases):
    """The persona matrix of one API endpoint (a DRF router's basename).

    Declare ``basename`` (``"<namespace>:<basename>"``), ``detail_gets`` / ``actions`` (extra
    routes on the row), ``update`` (a PATCH body, or None when the row cannot be changed),
    ``extra_routes`` (any other :class:`Route`), ``make`` and ``create_payload``.
    """

    basename = ""
    detail = True  # the endpoint has a …-detail route
    detail_gets: tuple[str, ...] = ()
    actions: dict[str, Any] = {}  # name → payload (dict or callable(m)); POST on the row
    update: dict | None = None  # PATCH body of a change the writers may make
    extra_routes: tuple[Route, ...] = ()
    row_id: Callable[[dict], Any] = staticmethod(lambda row: row["id"])
    role_check_first = True  # DRF's has_permission runs before the row is looked up

    CHECKS = {
        "test_row_of_town_a": ("check_row_of_town_a", lambda c: c.makes_rows()),
        "test_row_elsewhere_is_404": ("check_row_elsewhere_is_404", lambda c: c.makes_rows()),
        "test_create": ("check_create", lambda c: c.creates()),
        "test_delete_is_405": ("check_delete_is_405", lambda c: c.makes_rows() and c.detail),
        "test_list_is_scoped": ("check_list_is_scoped", lambda c: True),
        "test_list_query_budget": ("check_list_query_budget", lambda c: True),
    }

    @classmethod
    def routes(cls) -> list[Route]:
        routes = [Route(f"{cls.basename}-list", kwargs=None)]
        if cls.creates():
            routes.append(Route(f"{cls.basename}-list", "POST", write=True, kwargs=None))
        if cls.detail:
            routes.append(Route(f"{cls.basename}-detail"))
            routes += [Route(f"{cls.basename}-{name}") for name in cls.detail_gets]
            if cls.update is not None:
                routes.append(Route(f"{cls.basename}-detail", "PATCH", write=True, payload=cls.update))
            routes += [Route(f"{cls.basename}-{name}", "POST", write=True, payload=payload)
                       for name, payload in cls.actions.items()]
        return routes + list(cls.extra_routes)

    def prepare(self, m):
        from rest_framework.authtoken.models import Token

        m.tokens = {name: Token.objects.get_or_create(user=user)[0].key
                    for name, user in m.users.items() if user is not None}

    def client(self, m, persona: str):
        from rest_framework.test import APIClient

        client = APIClient()
        if persona in m.tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Token {m.tokens[persona]}")
        return client

    def request(self, m, persona: str, route: Route, obj=None):
        client = self.client(m, persona)
        url = route.url(obj)
        if route.method == "GET":
            return client.get(url)
        return getattr(client, route.method.lower())(url, route.body(m), format="json")

    # --- expectations ----------------------------------------------------------------------------
    @staticmethod
    def assert_refused(response, statuses: tuple[int, ...], code: str | None, why: str):
        assert response.status_code in statuses, (
            f"{why}: expected {statuses}, got {response.status_code}: {response.content[:300]!r}")
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        error = response.json()["error"]
        assert error["message"]
        if code:
            assert error["code"] == code, error

    def expect_row_route(self, response, m, p: Persona, route: Route, division):
        """The answer to ``p`` on ``route`` for a row of ``division``."""
        if p.anonymous:
            return self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
        if not p.has_membership:
            return self.assert_refused(response, (403,), "permission_denied", "no membership")
        if route.write and self.role_check_first and not self.role_writes(p):
            return self.assert_refused(response, (403,), "permission_denied", f"role {p.role} writes nothing here")
        if not self.reads(p, m, division):
            return self.assert_refused(response, (404,), "not_found", f"{p.name}: outside the jurisdiction")
        if route.write and not self.writes(p, division):
            return self.assert_refused(response, (403,), "permission_denied", f"{p.name} may read, not write")
        status = response.status_code
        if route.expect is not None or not route.write:
            wanted = route.expect or 200
            assert status == wanted, f"{p.name}: expected {wanted}, got {status}: {response.content[:300]!r}"
        else:
            assert status not in GATE_REFUSALS and status < 500, (
                f"{p.name} may write here, yet got {status}: {response.content[:300]!r}")

    # --- the matrix ------------------------------------------------------------------------------
    @over(routes=lambda r: r.on_row)
    def check_row_of_town_a(self, m, persona, route):
        """Every route on a row of ``home``: 200/passes for whom it is meant, 401/403/404 for the others."""
        p = self.persona(persona)
        before, count = snapshot(m.obj), type(m.obj)._base_manager.count()
        response = self.request(m, persona, route, m.obj)
        self.expect_row_route(response, m, p, route, m.home)
        if response.status_code >= 400 and route.write:
            assert snapshot(m.obj) == before, "a refused write changed the row"
            assert type(m.obj)._base_manager.count() == count, "a refused write added a row"

    @over(routes=lambda r: r.on_row, personas=[n for n, p in PERSONAS.items() if not p.superuser])
    def check_row_elsewhere_is_404(self, m, persona, route):
        """Every route on the row of another province: refused for every persona but the admin."""
        p = self.persona(persona)
        before = snapshot(m.away_obj)
        response = self.request(m, persona, route, m.away_obj)
        self.expect_row_route(response, m, p, route, m.away)
        assert snapshot(m.away_obj) == before

    def check_create(self, m, persona):
        """POST to the list: 201 inside the writer's jurisdiction, refused outside it, nothing written."""
        p = self.persona(persona)
        route = Route(f"{self.basename}-list", "POST", write=True, kwargs=None)
        model = type(m.obj)
        for division in (m.home, m.away):
            count = model._base_manager.count()
            payload = self.create_payload(m, division)
            response = self.client(m, persona).post(route.url(), payload, format="json")
            if p.anonymous:
                self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
            elif not p.has_membership or not self.role_writes(p):
                self.assert_refused(response, (403,), "permission_denied", f"{p.name} writes nothing here")
            elif not self.writes(p, division):
                # Outside the write scope: the division is no valid choice (400) or not writable (403).
                self.assert_refused(response, (400, 403), None, f"{p.name} creating in {division.code}")
            else:
                assert response.status_code == 201, response.content[:500]
                continue
            assert model._base_manager.count() == count, "a refused create wrote a row"

    def check_delete_is_405(self, m, persona):
        """Nothing is deleted: DELETE is not a route (403 first for roles that write nothing here)."""
        p = self.persona(persona)
        response = self.client(m, persona).delete(Route(f"{self.basename}-detail").url(m.obj))
        if p.anonymous:
            self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
        elif not p.has_membership or not self.role_writes(p):
            self.assert_refused(response, (403, 405), None, f"{p.name} writes nothing here")
        else:
            self.assert_refused(response, (405,), "method_not_allowed", f"{p.name} DELETE")
        assert snapshot(m.obj) is not None

    def list_ids(self, m, persona: str) -> set:
        client, url, ids = self.client(m, persona), reverse(f"{self.basename}-list") + "?page_size=500", set()
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            ids |= {self.row_id(row) for row in body["results"]}
            url = body["next"]
        return ids

    def check_list_is_scoped(self, m, persona):
        """The list holds exactly the rows the persona may read, never the other province's."""
        p = self.persona(persona)
        if not p.has_membership:
            response = self.client(m, persona).get(reverse(f"{self.basename}-list"))
            if p.anonymous:
                return self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
            return self.assert_refused(response, (403,), "permission_denied", "no membership")
        ids = self.list_ids(m, persona)
        if not self.makes_rows():
            return
        home = {self.row_id({"id": o.pk}) for o in m.objects}
        if self.reads(p, m, m.home):
            assert home <= ids, f"{persona} misses rows of {m.home.code}"
        else:
            assert not home & ids, f"{persona} lists rows of {m.home.code} outside its jurisdiction"
        assert (m.away_obj.pk in ids) == p.superuser, f"{persona}: the other province's row"

    @over(personas="budget")
    def check_list_query_budget(self, m, persona, django_assert_max_num_queries):
        """One list request stays within the declared number of queries, whoever asks."""
        assert self.query_budget is not None, f"{type(self).__name__} declares no query_budget for its list"
        client = self.client(m, persona)
        with django_assert_max_num_queries(self.query_budget):
            response = client.get(reverse(f"{self.basename}-list") + "?page_size=500")
        assert response.status_code == 200


# ------------------------------------------------------------------------------------------------
class ScopedPageCases(MatrixCases):
    """The persona matrix of the HTML pages of one kind of row.

    Declare ``list_name`` (the list page, or any page without a row: a dashboard), ``detail_name``
    and ``detail_queries`` (tabs, e.g. ``({"tab": "history"},)``), ``edit_names`` (form pages of
    the row: GET and POST, written by the writers only), ``actions`` (URL name → POST data, or a
    callable(m)), ``create_name`` with ``create_payload`` (the form data), ``extra_routes``.
    """

    list_name = ""
    detail_name = ""
    detail_queries: tuple[dict, ...] = ()
    edit_names: tuple[str, ...] = ()
    edit_payload: Any = None  # POST data of an edit (dict or callable(m)); None: GET only
    actions: dict[str, Any] = {}
    create_name = ""
    extra_routes: tuple[Route, ...] = ()
    list_names: tuple[str, ...] = ()  # more pages listing the rows (a matrix, an overdue list)

    CHECKS = {
        "test_row_of_town_a": ("check_row_of_town_a", lambda c: c.makes_rows() and any(r.on_row for r in c.routes())),
        "test_row_elsewhere_is_404": ("check_row_elsewhere_is_404",
                                      lambda c: c.makes_rows() and any(r.on_row for r in c.routes())),
        "test_page": ("check_page", lambda c: any(not r.on_row for r in c.routes())),
        "test_list_is_scoped": ("check_list_is_scoped", lambda c: bool(c.list_name) and c.makes_rows()),
        "test_list_query_budget": ("check_list_query_budget", lambda c: bool(c.list_name)),
    }

    @classmethod
    def routes(cls) -> list[Route]:
        routes = [Route(name, kwargs=None) for name in (cls.list_name, *cls.list_names) if name]
        if cls.create_name:
            routes.append(Route(cls.create_name, kwargs=None, write=True, expect=200))
            if cls.creates():
                routes.append(Route(cls.create_name, "POST", kwargs=None, write=True))
        if cls.detail_name:
            routes.append(Route(cls.detail_name))
            routes += [Route(cls.detail_name, query=lambda obj, q=q: q, label="?" + urlencode(q))
                       for q in cls.detail_queries]
        for name in cls.edit_names:
            routes.append(Route(name, write=True, expect=200))
            if cls.edit_payload is not None:
                routes.append(Route(name, "POST", write=True, payload=cls.edit_payload))
        routes += [Route(name, "POST", write=True, payload=payload) for name, payload in cls.actions.items()]
        return routes + list(cls.extra_routes)

    def prepare(self, m):
        for name, user in m.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                m.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, m, persona: str) -> Client:
        client = Client()
        if persona in m.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = m.sessions[persona]
        return client

    def request(self, m, persona: str, route: Route, obj=None):
        client = self.client(m, persona)
        if route.method == "GET":
            return client.get(route.url(obj))
        return client.post(route.url(obj), route.body(m))

    @staticmethod
    def assert_login_redirect(response, url: str):
        assert response.status_code == 302, f"anonymous got {response.status_code} for {url}"
        login = reverse("login")
        assert response["Location"].startswith(f"{login}?next="), response["Location"]

    def expect_row_route(self, response, m, p: Persona, route: Route, division, url: str):
        status = response.status_code
        if p.anonymous:
            return self.assert_login_redirect(response, url)
        if route.write and self.role_check_first and not self.role_writes(p):
            assert status == 403, f"{p.name}: expected 403 (role writes nothing here), got {status}"
            return
        if not self.reads(p, m, division):
            assert status == 404, f"{p.name}: expected 404 (outside the jurisdiction), got {status} for {url}"
            return
        if route.write and not self.writes(p, division):
            assert status == 403, f"{p.name}: expected 403 (may read, not write), got {status} for {url}"
            return
        if route.expect is not None or not route.write:
            wanted = route.expect or 200
            assert status == wanted, f"{p.name}: expected {wanted}, got {status} for {url}"
        else:
            assert status in (200, 302), f"{p.name} may write here, yet got {status} for {url}"

    # --- the matrix ------------------------------------------------------------------------------
    @over(routes=lambda r: r.on_row)
    def check_row_of_town_a(self, m, persona, route):
        """Every page of a row of ``home``: 200 or through for whom it is meant, else login/403/404."""
        p = self.persona(persona)
        before = snapshot(m.obj)
        url = route.url(m.obj)
        response = self.request(m, persona, route, m.obj)
        self.expect_row_route(response, m, p, route, m.home, url)
        refused = p.anonymous or response.status_code in (403, 404)
        if refused and route.method == "POST":
            assert snapshot(m.obj) == before, "a refused POST changed the row"

    @over(routes=lambda r: r.on_row, personas=[n for n, p in PERSONAS.items() if not p.superuser])
    def check_row_elsewhere_is_404(self, m, persona, route):
        """Every page of the row of another province: login or 404 for every persona but the admin."""
        p = self.persona(persona)
        before = snapshot(m.away_obj)
        url = route.url(m.away_obj)
        response = self.request(m, persona, route, m.away_obj)
        self.expect_row_route(response, m, p, route, m.away, url)
        assert snapshot(m.away_obj) == before

    @over(routes=lambda r: not r.on_row)
    def check_page(self, m, persona, route):
        """Pages without a row (lists, forms, dashboards): login first, then the role; a create
        form saves inside the writer's jurisdiction and refuses (saving nothing) outside it."""
        p = self.persona(persona)
        url = route.url()
        client = self.client(m, persona)
        if route.method == "GET":
            response = client.get(url)
        else:
            count = self.row_count(m)
            response = client.post(url, self.create_payload(m, m.home) or {})
        if p.anonymous:
            return self.assert_login_redirect(response, url)
        status = response.status_code
        if route.write and not self.role_writes(p):
            assert status == 403, f"{persona}: expected 403 for {url}, got {status}"
            if route.method == "POST":
                assert self.row_count(m) == count, "a refused create wrote a row"
        elif route.method == "POST":
            for division in (m.home, m.away):
                if division is m.away:
                    count = self.row_count(m)
                    response = self.client(m, persona).post(url, self.create_payload(m, division) or {})
                status = response.status_code
                if self.writes(p, division):
                    assert status == 302, f"{persona}: a valid create in {division.code} got {status}"
                    assert self.row_count(m) in (None, count + 1)
                else:  # the form again with the division refused (200), or no role there (403)
                    assert status in (200, 403), f"{persona}: create in {division.code} got {status}"
                    assert self.row_count(m) == count, f"{persona} created a row in {division.code}"
        else:
            wanted = route.expect or 200
            assert status == wanted, f"{persona}: expected {wanted} for {url}, got {status}"

    def row_count(self, m) -> int | None:
        return type(m.obj)._base_manager.count() if m.objects else None

    def listed(self, response, obj) -> bool:
        """Is ``obj`` on the list page? Its row in ``object_list``, else its detail link."""
        rows = response.context.get("object_list") if response.context else None
        if rows is not None:
            return obj.pk in {getattr(row, "pk", None) for row in rows}
        return Route(self.detail_name).url(obj) in response.content.decode()

    def check_list_is_scoped(self, m, persona):
        """The list page shows the rows the persona may read and never the other province's."""
        p = self.persona(persona)
        url = reverse(self.list_name)
        response = self.client(m, persona).get(url)
        if p.anonymous:
            return self.assert_login_redirect(response, url)
        assert response.status_code == 200
        shown = [self.listed(response, obj) for obj in m.objects]
        if self.reads(p, m, m.home):
            assert all(shown), f"{persona} misses rows of {m.home.code} on {url}"
        else:
            assert not any(shown), f"{persona} is shown rows of {m.home.code} on {url}"
        assert self.listed(response, m.away_obj) == p.superuser, f"{persona}: the other province's row on {url}"

    @over(personas="budget")
    def check_list_query_budget(self, m, persona, django_assert_max_num_queries):
        """The list page stays within the declared number of queries, whoever asks."""
        assert self.query_budget is not None, f"{type(self).__name__} declares no query_budget for its list page"
        client = self.client(m, persona)
        with django_assert_max_num_queries(self.query_budget):
            response = client.get(reverse(self.list_name))
        assert response.status_code == 200


__all__ = ["REGISTRY", "MatrixData", "Route", "ScopedAPICases", "ScopedPageCases", "over", "snapshot"]
