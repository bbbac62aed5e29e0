"""schemathesis over the whole API (issue 10 §1): every operation of /api/schema/, for every
persona's token and anonymously, against the WSGI app in the test process (no server).

Each operation is one test; inside it every persona of core.testing.personas (and anonymous)
gets up to ``KQ_SCHEMATHESIS_EXAMPLES`` (default 8) generated requests, valid and invalid ones
(schemathesis's positive and negative modes). Path ids are drawn half the time from the real
rows of the demo data (regions + delegation), gathered from every persona's lists, so reads and
writes reach rows inside and outside each persona's jurisdiction, not only 404s. Every response
is checked: no 5xx, the body matches the documented schema, the status code and the content
type are documented. A new app's operations are in /api/schema/, hence here, as it lands.

Every request runs in a savepoint rolled back after it: a fuzzed write neither leaks into the
next request nor into other tests; the demo data is loaded once for the module inside a
transaction rolled back at its end (as core.testing.cases does per case class).

Time: ``KQ_SCHEMATHESIS_SECONDS`` (default 100 s) is spread evenly over the (operation,
persona) pairs; a pair past its share stops generating, but always sends its first request, so
nothing goes unchecked, and the summary says how many examples the limit cut. The counts are
printed in pytest's terminal summary (``schemathesis: …``), with ``-q`` too, so CI shows them.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.openapi.checks import JsonSchemaError, UndefinedContentType, UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.testing.personas import PERSONAS

SCHEMA_URL = "/api/schema/"
MAX_EXAMPLES = int(os.environ.get("KQ_SCHEMATHESIS_EXAMPLES", "8"))
TIME_LIMIT = float(os.environ.get("KQ_SCHEMATHESIS_SECONDS", "100"))
# Anonymous and a login without membership are refused before any input is read (401/403):
# a quarter of a member's share of the time is enough for them.
WEIGHT = {"anonymous": 0.25, "nobody": 0.25}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]

APP = get_wsgi_application()
# Loaded at collection so that each operation is a test of its own (the schema view reads no rows).
SCHEMA = schemathesis.openapi.from_wsgi(SCHEMA_URL, APP)
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}


@dataclass
class Stats:
    started: float | None = None
    finished: float | None = None  # the end of the last operation's test (the summary prints later)
    operations: set = field(default_factory=set)
    personas: set = field(default_factory=set)
    requests: int = 0
    weight: float = 0.0  # of the (operation, persona) pairs selected in this run
    weight_started: float = 0.0
    examples: int = 0  # generated and sent
    call_seconds: float = 0.0  # inside the app (the rest: generating and checking)
    cut: int = 0  # examples not sent because the time limit was reached
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # kind → count

    def elapsed(self) -> float:
        return time.monotonic() - self.started if self.started else 0.0

    def pair_deadline(self, persona: str) -> float:
        """Seconds from the start by which the pair now starting stops generating: the time limit
        spread over the pairs by WEIGHT, so the last operations get their share too (a pair that
        finishes early leaves its time to the next ones)."""
        self.weight_started += WEIGHT.get(persona, 1.0)
        return TIME_LIMIT * self.weight_started / max(self.weight, 1.0)

    def line(self) -> str:
        server_errors = sum(n for s, n in self.statuses.items() if s >= 500)
        by_class = ", ".join(f"{c}xx {sum(n for s, n in self.statuses.items() if s // 100 == c)}" for c in (2, 4))
        by_class += f", of them 404 {self.statuses[404]}, 429 {self.statuses[429]}"
        return (
            f"schemathesis: {len(self.operations)}/{len(OPERATIONS)} operations × {len(self.personas)} personas, "
            f"{self.requests} requests ({by_class}) in {(self.finished or 0) - (self.started or 0):.0f} s, {self.call_seconds:.0f} s of it in the app "
            f"(≤{MAX_EXAMPLES} per pair, "
            f"{self.cut} cut by the {TIME_LIMIT:.0f} s limit); 5xx: {server_errors}; "
            f"schema violations: {self.failures['schema']}; undocumented status: {self.failures['status']}; "
            f"undocumented content type: {self.failures['content_type']}; other failures: {self.failures['other']}"
        )


STATS = Stats()


class _Summary:
    """Registered while the module runs: prints the counts in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(STATS.line())


def _kind(failure) -> str:
    if isinstance(failure, ServerError):
        return "server"
    if isinstance(failure, JsonSchemaError):
        return "schema"
    if isinstance(failure, UndefinedStatusCode):
        return "status"
    if isinstance(failure, UndefinedContentType):
        return "content_type"
    return "other"


def _list_path(path: str) -> str | None:
    """/api/v1/delegation/items/{id}/publish/ → /api/v1/delegation/items/ (where the ids come from)."""
    return path.split("{id}")[0] if "{id}" in path else None


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker, load_personas):
    """The demo data, a token per persona and the real row ids behind every ``{id}``, made once."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from delegation.demo import load_demo_delegation

    if not request.config.pluginmanager.has_plugin("kq-schemathesis-summary"):
        request.config.pluginmanager.register(_Summary(), "kq-schemathesis-summary")
    # The rate limits have their own tests (tests/test_throttling.py); here they would answer
    # 429 instead of letting the fuzzed requests reach the views (the cache is not rolled back).
    rates = override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        scope: "1000000/min" for scope in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})}})
    rates.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users, _ = load_personas()
            load_demo_delegation()
            headers = {name: ({"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
                              if user is not None else {}) for name, user in users.items()}
            ids: dict[str, list] = {}
            for path in {_list_path(op.path) for op in OPERATIONS.values()} - {None}:
                found = set()
                for auth in headers.values():
                    response = Client().get(path, {"page_size": 200}, **{
                        f"HTTP_{k.upper()}": v for k, v in auth.items()})
                    if response.status_code == 200:
                        found |= {row["id"] for row in response.json()["results"]}
                ids[path] = sorted(found)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            rates.disable()
            raise
    STATS.personas = set(headers)
    STATS.weight = sum(WEIGHT.get(p, 1.0) for p in PERSONAS) * sum(
        1 for item in request.session.items if item.module is request.module)
    yield {"headers": headers, "ids": ids}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    rates.disable()


@contextmanager
def _connection_kept():
    """Django's WSGI handler closes the connection around each request, which would end the
    test's transaction: keep it open, as django.test.Client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _strategy(operation, ids: list):
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    if not ids:
        return strategy

    def real_row(drawn):
        case, row_id, use_it = drawn
        if use_it:
            case.path_parameters = {**(case.path_parameters or {}), "id": row_id}
        return case

    return st.tuples(strategy, st.sampled_from(ids), st.booleans()).map(real_row)


def fuzz(strategy, persona: str, headers: dict) -> list[str]:
    """Send up to MAX_EXAMPLES generated requests; return a line per failure."""
    found: list[str] = []
    deadline = STATS.pair_deadline(persona)
    # As many examples as fit in the pair's share at the pace so far (generating and checking
    # included): examples past the limit are never generated, not generated and dropped.
    examples = MAX_EXAMPLES
    if STATS.examples:
        pace = STATS.elapsed() / STATS.examples
        examples = max(1, min(MAX_EXAMPLES, int((deadline - STATS.elapsed()) / pace)))
    STATS.cut += MAX_EXAMPLES - examples

    @hypothesis.settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                         phases=[hypothesis.Phase.generate], suppress_health_check=list(hypothesis.HealthCheck),
                         verbosity=hypothesis.Verbosity.quiet)
    @hypothesis.given(case=strategy)
    def run(case):
        STATS.examples += 1
        t0 = time.monotonic()
        with transaction.atomic(), _connection_kept():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        STATS.call_seconds += time.monotonic() - t0
        STATS.requests += 1
        STATS.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                kind = _kind(failure)
                if kind != "server":  # counted by status
                    STATS.failures[kind] += 1
                found.append(f"{failure.title}: {failure.message[:400]}\n    {case.as_curl_command(headers=headers)}"
                             f"\n    → {response.status_code} {response.content[:300]!r}")

    run()
    return found


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation(label, world, db):
    """Every persona and anonymous: no 5xx, responses as documented (schema, status, content type)."""
    if STATS.started is None:
        STATS.started = time.monotonic()
    operation = OPERATIONS[label]
    STATS.operations.add(label)
    ids = world["ids"].get(_list_path(operation.path) or "", [])
    strategy, failures = _strategy(operation, ids), []  # one strategy for every persona
    for persona in PERSONAS:
        for line in fuzz(strategy, persona, world["headers"][persona]):
            failures.append(f"[{persona}] {line}")
    STATS.finished = time.monotonic()
    assert not failures, f"{len(failures)} failures on {label}:\n" + "\n".join(failures[:10])
