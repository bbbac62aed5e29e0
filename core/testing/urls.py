"""Every route of the project is in the persona matrix, or allowed by name as public.

``undeclared(allowed)`` walks the URL resolver and returns the routes whose name no case
(``core.testing.cases``) requests and that ``allowed`` does not list. The cases are found by
importing every ``test_matrix*.py`` module of every project app's ``tests`` package, so an app
declares its endpoints and pages there (and of the project's own ``tests/`` package, for routes
of no one app: the checked file downloads). DRF's format-suffix variants (``items.json``) count as
their route.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from .matrix import REGISTRY

MATRIX_MODULES = "test_matrix"


@dataclass(frozen=True)
class ProjectRoute:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str  # the full pattern, as Django prints it


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[ProjectRoute]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            qualified = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), qualified)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if "(?P<format>" in route or "<drf_format_suffix:format>" in route:
                continue  # the same view as its route without the suffix
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield ProjectRoute(name, route)


def import_cases() -> list[type]:
    """Import every app's ``tests/test_matrix*.py`` and the project's ``tests/test_matrix*.py``;
    the cases register themselves."""
    base = Path(settings.BASE_DIR).resolve()
    packages = [(Path(config.path) / "tests", f"{config.name}.tests") for config in apps.get_app_configs()]
    for tests, package in [*packages, (base / "tests", "tests")]:
        if base not in tests.resolve().parents or not (tests / "__init__.py").exists():
            continue
        for module in pkgutil.iter_modules([str(tests)]):
            if module.name.startswith(MATRIX_MODULES):
                importlib.import_module(f"{package}.{module.name}")
    return list(REGISTRY)


def declared_names(cases: Iterable[type]) -> set[str]:
    return {name for case in cases for name in case.url_names()}


def undeclared(allowed: Iterable[str], *, allowed_prefixes: Iterable[str] = ()) -> list[ProjectRoute]:
    """Routes neither requested by a case nor allowed (by name, or by route prefix)."""
    declared = declared_names(import_cases()) | set(allowed)
    prefixes = tuple(allowed_prefixes)
    return [r for r in walk() if r.name not in declared and not r.route.startswith(prefixes)]


def unknown(names: Iterable[str]) -> set[str]:
    """Names (declared or allowed) that no route carries any more: a stale declaration."""
    return set(names) - {r.name for r in walk()}
