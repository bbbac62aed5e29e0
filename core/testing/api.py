"""ScopedAPICases: the persona matrix of one DRF endpoint (see core.testing.cases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from .matrix import GATE_REFUSALS, MatrixCases, Route, over, snapshot
from .personas import PERSONAS, Persona


class ScopedAPICases(MatrixCases):
    """The persona matrix of one API endpoint (a DRF router's basename).

    Declare ``basename`` (``"<namespace>:<basename>"``), ``detail_gets`` / ``actions`` (extra
    routes on the row), ``update`` (a PATCH body, or None when the row cannot be changed),
    ``extra_routes`` (any other :class:`Route`; one on no row, e.g. a report over the
    jurisdiction, is asked of every persona by ``test_route``), ``make`` and ``create_payload``.
    ``membership_required = False`` opens the endpoint to every signed-in user (notices: everyone
    has them), where by default a login without membership is refused (403).
    """

    basename = ""
    detail = True  # the endpoint has a …-detail route
    detail_gets: tuple[str, ...] = ()
    actions: dict[str, Any] = {}  # name → payload (dict or callable(m)); POST on the row
    update: dict | None = None  # PATCH body of a change the writers may make
    extra_routes: tuple[Route, ...] = ()
    row_id: Callable[[dict], Any] = staticmethod(lambda row: row["id"])
    role_check_first = True  # DRF's has_permission runs before the row is looked up
    membership_required = True

    CHECKS = {
        "test_row_of_town_a": ("check_row_of_town_a", lambda c: c.makes_rows()),
        "test_row_elsewhere_is_404": ("check_row_elsewhere_is_404", lambda c: c.has_away()),
        "test_route": ("check_route", lambda c: any(not r.on_row and not r.name.endswith("-list") for r in c.routes())),
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
        return getattr(client, route.method.lower())(url, route.body(m, obj), format="json")

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

    def refused_member(self, p: Persona) -> bool:
        """A login refused for having no membership (``membership_required``)."""
        return not p.has_membership and self.membership_required

    @staticmethod
    def assert_through(response, p: Persona, route: Route):
        """Past every gate: the route's own status (200 for a read), or for a write any answer
        that is not a gate's refusal and not a server error (what it writes is the case's test)."""
        status = response.status_code
        if route.expect is not None or not route.write:
            wanted = route.expect or 200
            assert status == wanted, f"{p.name}: expected {wanted}, got {status}: {response.content[:300]!r}"
        else:
            assert status not in GATE_REFUSALS and status < 500, (
                f"{p.name} may write here, yet got {status}: {response.content[:300]!r}")

    def expect_row_route(self, response, m, p: Persona, route: Route, division):
        """The answer to ``p`` on ``route`` for a row of ``division``."""
        if p.anonymous:
            return self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
        if self.refused_member(p):
            return self.assert_refused(response, (403,), "permission_denied", "no membership")
        if route.write and self.role_check_first and not self.role_writes(p):
            return self.assert_refused(response, (403,), "permission_denied", f"role {p.role} writes nothing here")
        if not self.reads(p, m, division):
            return self.assert_refused(response, (404,), "not_found", f"{p.name}: outside the jurisdiction")
        if route.write and not self.writes(p, division):
            return self.assert_refused(response, (403,), "permission_denied", f"{p.name} may read, not write")
        return self.assert_through(response, p, route)

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
            elif self.refused_member(p) or not self.role_writes(p):
                self.assert_refused(response, (403,), "permission_denied", f"{p.name} writes nothing here")
            elif not self.writes(p, division):
                # Outside the write scope: the division is no valid choice (400) or not writable (403).
                self.assert_refused(response, (400, 403), None, f"{p.name} creating in {division.code}")
            else:
                assert response.status_code == 201, response.content[:500]
                continue
            assert model._base_manager.count() == count, "a refused create wrote a row"

    @over(routes=lambda r: not r.on_row and not r.name.endswith("-list"))
    def check_route(self, m, persona, route):
        """Routes on no row (a report over the jurisdiction, a POST on the caller's own rows):
        anonymous and, by default, logins without membership refused; 403 for roles that do not
        write here; the others get through (what a report holds is the case's own test)."""
        p = self.persona(persona)
        response = self.request(m, persona, route)
        if p.anonymous:
            return self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
        if self.refused_member(p):
            return self.assert_refused(response, (403,), "permission_denied", "no membership")
        if route.write and not self.role_writes(p):
            return self.assert_refused(response, (403,), "permission_denied", f"role {p.role} writes nothing here")
        return self.assert_through(response, p, route)

    def check_delete_is_405(self, m, persona):
        """Nothing is deleted: DELETE is not a route (403 first for roles that write nothing here)."""
        p = self.persona(persona)
        response = self.client(m, persona).delete(Route(f"{self.basename}-detail").url(m.obj))
        if p.anonymous:
            self.assert_refused(response, (401, 403), "not_authenticated", "anonymous")
        elif self.refused_member(p) or not self.role_writes(p):
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
        if p.anonymous or self.refused_member(p):
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
        if m.away_obj is not None:
            assert (m.away_obj.pk in ids) == self.reads(p, m, m.away), f"{persona}: the row elsewhere"

    @over(personas="budget")
    def check_list_query_budget(self, m, persona, django_assert_max_num_queries):
        """One list request stays within the declared number of queries, whoever asks."""
        assert self.query_budget is not None, f"{type(self).__name__} declares no query_budget for its list"
        client = self.client(m, persona)
        with django_assert_max_num_queries(self.query_budget):
            response = client.get(reverse(f"{self.basename}-list") + "?page_size=500")
        assert response.status_code == 200
