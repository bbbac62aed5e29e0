"""The machinery of the persona matrix shared by the API and page cases (core.testing.cases
explains how a case declares itself): routes, the data made once per class, who reads and
writes a row, and the parametrization over personas and routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
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
    a URL without arguments; a dict for fixed arguments that name no row, e.g. an export's kind
    and format), ``query(obj)`` a query string (a dict: fixed, naming no row), ``payload(m)`` the
    body of a write, ``row_body(obj)`` a body that names the row (a POST with the row's id in its
    body, not its URL: the route is then on the row).
    ``write`` routes pass the write gate (403 for roles that do not write the row);
    ``expect`` pins the writers' status (otherwise: anything but a refusal or a 5xx).
    """

    name: str
    method: str = "GET"
    write: bool = False
    kwargs: Callable[[Any], dict] | dict | None = _pk
    query: Callable[[Any], dict] | dict | None = None
    payload: Any = None  # a dict, or a callable (m) → dict
    expect: int | None = None
    label: str = ""  # told apart in the test id (a tab of the same page)
    row_body: Callable[[Any], dict] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.name.split(':')[-1]}{self.label}"

    @property
    def on_row(self) -> bool:
        return callable(self.kwargs) or callable(self.query) or self.row_body is not None

    @staticmethod
    def _resolve(value, obj) -> dict | None:
        if callable(value):
            return value(obj) if obj is not None else None
        return value

    def url(self, obj=None) -> str:
        url = reverse(self.name, kwargs=self._resolve(self.kwargs, obj))
        query = self._resolve(self.query, obj)
        if query:
            url += "?" + urlencode(query)
        return url

    def body(self, m, obj=None) -> dict:
        if self.row_body is not None and obj is not None:
            return self.row_body(obj)
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
    query_budget: int | dict[str, int] | None = None  # queries of one list request, at most
    budget_personas: tuple[str, ...] = ("office", "clerk_linxi", "admin")
    role_check_first = False  # True: a role that writes nothing here is refused (403) before the lookup
    row_kwargs: Callable[[Any], dict] = staticmethod(_pk)  # URL arguments of a row's own routes
    # Rows that are not a division's (the default reasons over jurisdictions):
    # - ``everyone_reads``: rows of no division (the holiday calendar): every signed-in user reads
    #   them, membership or not; ``write_roles`` write them wherever their division; no row is
    #   made elsewhere (there is no "elsewhere").
    # - ``owner``: rows of one user (a notice, an import job): the persona named here reads and
    #   writes the rows made in ``home`` (``make`` asks ``self.owner_of(m, division)`` whose they
    #   are); the row elsewhere is a stranger's. Every other persona gets 404 on them, whatever
    #   its role; the administrator reads and writes them too unless ``owner_only`` (a notice is
    #   its addressee's alone).
    everyone_reads = False
    owner: str | None = None
    owner_only = False

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
    def has_away(cls) -> bool:
        """Is a row made outside every jurisdiction (to prove it is refused)?"""
        return cls.makes_rows() and not cls.everyone_reads

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

    def owns(self, p: Persona, division) -> bool:
        """With ``owner``: is a row of ``division`` this persona's own (or the administrator's to see)?"""
        if p.anonymous:
            return False
        if p.superuser and not self.owner_only:
            return True
        return p.name == self.owner and division.code == self.home

    def reads(self, p: Persona, m: MatrixData, division) -> bool:
        if self.owner:
            return self.owns(p, division)
        if p.superuser:
            return True
        if self.everyone_reads:
            return not p.anonymous
        own = m.divisions.get(p.division)
        return p.role in self.read_roles and p.sees(division, own_division=own, below=self.visible_below)

    def role_writes(self, p: Persona) -> bool:
        if self.owner:
            return not p.anonymous  # no role gate: the row is the user's own, or 404
        return p.superuser or p.role in self.write_roles

    def writes(self, p: Persona, division) -> bool:
        if self.owner:
            return self.owns(p, division)
        if self.everyone_reads:
            return p.superuser or p.role in self.write_roles
        return p.superuser or (p.role in self.write_roles and p.sees(division))

    def owner_of(self, m: MatrixData, division):
        """The user a row of ``division`` belongs to (cases with ``owner``): the owner persona's at
        ``home``, a stranger's (a user no persona is) elsewhere."""
        if division.code == self.home:
            return m.users[self.owner]
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get_or_create(username="matrix-stranger")[0]

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
                    m.away_obj = self.make(m.away, m) if self.has_away() else None
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
