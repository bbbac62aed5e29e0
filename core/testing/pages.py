"""ScopedPageCases: the persona matrix of the HTML pages of one kind of row (see core.testing.cases)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .calendar import warm_calendar
from .matrix import MatrixCases, Route, over, snapshot
from .personas import PERSONAS, Persona


class ScopedPageCases(MatrixCases):
    """The persona matrix of the HTML pages of one kind of row.

    Declare ``list_name`` (the list page, or any page without a row: a dashboard), ``detail_name``
    and ``detail_queries`` (tabs, e.g. ``({"tab": "history"},)``), ``edit_names`` (form pages of
    the row: GET and POST, written by the writers only), ``actions`` (URL name → POST data, or a
    callable(m)), ``create_name`` with ``create_payload`` (the form data), ``extra_routes`` (a POST
    on no row other than the create form is a plain write: the writers get ``expect`` or through,
    the others 403), ``row_kwargs`` (the URL arguments of the row's pages, default its pk).
    """

    list_name = ""
    detail_name = ""
    detail_queries: tuple[dict, ...] = ()
    edit_names: tuple[str, ...] = ()
    edit_payload: Any = None  # POST data of an edit (dict or callable(m)); None: GET only
    actions: dict[str, Any] = {}
    create_name = ""
    extra_routes: tuple[Route, ...] = ()
    list_names: tuple[str, ...] = ()  # more pages without a row (a matrix, a chart)
    no_membership_refused = False  # True: a login without membership gets 403 (else the page, empty)

    CHECKS = {
        "test_row_of_town_a": ("check_row_of_town_a", lambda c: c.makes_rows() and any(r.on_row for r in c.routes())),
        "test_row_elsewhere_is_404": ("check_row_elsewhere_is_404",
                                      lambda c: c.has_away() and any(r.on_row for r in c.routes())),
        "test_page": ("check_page", lambda c: any(not r.on_row for r in c.routes())),
        "test_list_is_scoped": ("check_list_is_scoped", lambda c: bool(c.list_name) and c.makes_rows()),
        "test_list_query_budget": ("check_list_query_budget", lambda c: bool(c.list_name or c.list_names)),
    }

    @classmethod
    def routes(cls) -> list[Route]:
        routes = [Route(name, kwargs=None) for name in (cls.list_name, *cls.list_names) if name]
        if cls.create_name:
            routes.append(Route(cls.create_name, kwargs=None, write=True, expect=200))
            if cls.creates():
                routes.append(Route(cls.create_name, "POST", kwargs=None, write=True))
        row = cls.row_kwargs
        if cls.detail_name:
            routes.append(Route(cls.detail_name, kwargs=row))
            routes += [Route(cls.detail_name, kwargs=row, query=lambda obj, q=q: q, label="?" + urlencode(q))
                       for q in cls.detail_queries]
        for name in cls.edit_names:
            routes.append(Route(name, kwargs=row, write=True, expect=200))
            if cls.edit_payload is not None:
                routes.append(Route(name, "POST", kwargs=row, write=True, payload=cls.edit_payload))
        routes += [Route(name, "POST", kwargs=row, write=True, payload=payload) for name, payload in cls.actions.items()]
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
        return client.post(route.url(obj), route.body(m, obj))

    @staticmethod
    def assert_login_redirect(response, url: str):
        assert response.status_code == 302, f"anonymous got {response.status_code} for {url}"
        login = reverse("login")
        assert response["Location"].startswith(f"{login}?next="), response["Location"]

    def expect_row_route(self, response, m, p: Persona, route: Route, division, url: str):
        status = response.status_code
        if p.anonymous:
            return self.assert_login_redirect(response, url)
        if not p.has_membership and self.no_membership_refused:
            assert status == 403, f"{p.name}: expected 403 (no membership), got {status} for {url}"
            return
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
        if route.method != "GET" and route.name != self.create_name:
            return self.expect_plain_write(m, p, route, url)
        if route.method == "GET":
            response = client.get(url)
        else:
            count = self.row_count(m)
            response = client.post(url, self.create_payload(m, m.home) or {})
        if p.anonymous:
            return self.assert_login_redirect(response, url)
        status = response.status_code
        if (route.write and not self.role_writes(p)) or (not p.has_membership and self.no_membership_refused):
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

    def expect_plain_write(self, m, p: Persona, route: Route, url: str):
        """A POST on no row that creates nothing (mark all read, a preview): 403 for whom it is not."""
        before = self.row_count(m)
        response = self.client(m, p.name).post(url, route.body(m))
        if p.anonymous:
            return self.assert_login_redirect(response, url)
        status = response.status_code
        if (route.write and not self.role_writes(p)) or (not p.has_membership and self.no_membership_refused):
            assert status == 403, f"{p.name}: expected 403 for POST {url}, got {status}"
            assert self.row_count(m) == before, "a refused POST added a row"
        elif route.expect is not None:
            assert status == route.expect, f"{p.name}: expected {route.expect} for POST {url}, got {status}"
        else:
            assert status in (200, 302), f"{p.name} may POST {url}, yet got {status}"

    def row_count(self, m) -> int | None:
        return type(m.obj)._base_manager.count() if m.objects else None

    def listed(self, response, obj) -> bool:
        """Is ``obj`` on the list page? Its row in ``object_list``, else its detail link."""
        rows = response.context.get("object_list") if response.context else None
        if rows is not None:
            return obj.pk in {getattr(row, "pk", None) for row in rows}
        return Route(self.detail_name, kwargs=self.row_kwargs).url(obj) in response.content.decode()

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
        if m.away_obj is not None:
            assert self.listed(response, m.away_obj) == self.reads(p, m, m.away), f"{persona}: the row elsewhere on {url}"

    @over(personas="budget")
    def check_list_query_budget(self, m, persona):
        """Each page without a row stays within its declared number of queries, whoever asks
        (``query_budget``: one number, or one per URL name)."""
        for name in (self.list_name, *self.list_names):
            if not name:
                continue
            budget = self.query_budget.get(name) if isinstance(self.query_budget, dict) else self.query_budget
            assert budget is not None, f"{type(self).__name__} declares no query_budget for {name}"
            client = self.client(m, persona)
            warm_calendar()  # the budget is a warm process's: not the calendar's reload every CACHE_SECONDS
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse(name))
            assert response.status_code == (403 if self.no_membership_refused and persona == "nobody" else 200)
            assert len(ctx.captured_queries) <= budget, (
                f"{name} as {persona}: {len(ctx.captured_queries)} queries, budget {budget}:\n"
                + "\n".join(q["sql"][:160] for q in ctx.captured_queries))
