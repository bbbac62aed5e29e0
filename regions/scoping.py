"""The one jurisdiction-scoping mechanism every app uses, for reads and for writes.

A user holds one or more active memberships (role + division). They may *see* every row
whose division lies in the subtree of one of their divisions. They may *change* a row
when one of those memberships has a role listed in the model's ``jurisdiction_writers``.

Each scoped model declares:
    jurisdiction_field   path to its Division foreign key ("division", "town",
                         "assignment__town"); "" for Division itself;
    jurisdiction_writers the roles allowed to write it.

Rows outside the scope are filtered out of every queryset, so looking one up by id gives
404, never 403 and never the row. 403 is for rows the user can see but not change.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cache, reduce

from django.db import connection
from django.db.models import Model, Q, QuerySet

from .choices import Level, Role
from .models import Division, Membership

VIEW = "view"
CHANGE = "change"

_CACHE_ATTR = "_kuoquan_jurisdiction"


@dataclass(frozen=True)
class Grant:
    role: str
    division_id: int
    path: str
    level: str


@cache
def _grants_sql() -> str:
    """The memberships query of ``grants``, written once from the models' table and column names."""
    m, d = Membership._meta, Division._meta

    def col(meta, name):
        return connection.ops.quote_name(meta.get_field(name).column)

    return (
        f"SELECT m.{col(m, 'role')}, m.{col(m, 'division')}, d.{col(d, 'path')}, d.{col(d, 'level')} "  # nosec B608 # quoted names from the models; the user is a parameter
        f"FROM {connection.ops.quote_name(m.db_table)} m "
        f"JOIN {connection.ops.quote_name(d.db_table)} d ON d.{col(d, 'id')} = m.{col(m, 'division')} "
        f"WHERE m.{col(m, 'user')} = %s AND m.{col(m, 'is_active')}"
    )


def grants(user) -> list[Grant]:
    """The user's active memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        # Every page and API call runs this query; written by hand it skips the ORM's query
        # building and SQL compilation, a tenth of the CPU of an API list call.
        with connection.cursor() as cursor:
            cursor.execute(_grants_sql(), [user.pk])
            cached = [Grant(*row) for row in cursor.fetchall()]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def remember_grants(user, rows) -> list[Grant]:
    """Cache the user's grants from ``(role, division_id, path, level)`` rows read elsewhere:
    the API's token authentication loads them in the token's own query (regions.authentication)."""
    cached = [Grant(*row) for row in rows]
    setattr(user, _CACHE_ATTR, cached)
    return cached


def scope_key(user) -> tuple:
    """What the rows ``user`` may see depend on: equal keys, equal scopes (a per-process cache of
    a list's compiled SQL is keyed by it, core.api.lean)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return ("superuser",)
    return tuple(grants(user))


def roles(user) -> set[str]:
    return {g.role for g in grants(user)}


def _grants_for(user, model: type[Model], action: str) -> list[Grant]:
    if action == VIEW:
        return grants(user)
    writers = getattr(model, "jurisdiction_writers", ())
    return [g for g in grants(user) if g.role in writers]


def _ancestor_codes(grant: Grant) -> list[str]:
    """Codes of the divisions above the grant's division, from its path."""
    return [code for code in grant.path.strip("/").split("/")[:-1] if code]


def _division_q(field: str, grant: Grant, *, with_ancestors: bool = False) -> Q:
    if with_ancestors:
        # Published catalogues of the bodies above are read by the bodies below them.
        above = Q(**{f"{field}__in": Division.objects.filter(code__in=_ancestor_codes(grant)).values("id")})
        return _division_q(field, grant) | above
    if not field:
        return Q(path__startswith=grant.path)
    if grant.level == Level.TOWN:
        # A town is a leaf: compare the foreign key directly, no join.
        return Q(**{f"{field}_id": grant.division_id})
    return Q(**{f"{field}__in": Division.objects.filter(path__startswith=grant.path).values("id")})


def scope(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may see (``VIEW``) or change (``CHANGE``)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    model = queryset.model
    if not hasattr(model, "jurisdiction_field"):
        raise TypeError(f"{model.__name__} declares no jurisdiction_field; it cannot be scoped")
    chosen = _grants_for(user, model, action)
    if not chosen:
        return queryset.none()
    field = model.jurisdiction_field
    with_ancestors = action == VIEW and getattr(model, "jurisdiction_ancestors_visible", False)
    return queryset.filter(reduce(operator.or_, (_division_q(field, g, with_ancestors=with_ancestors) for g in chosen)))


def division_of(obj: Model) -> Division | None:
    """Follow ``jurisdiction_field`` from ``obj`` to its Division."""
    field = type(obj).jurisdiction_field
    if not field:
        return obj
    node = obj
    for part in field.split("__"):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def can(user, action: str, obj: Model) -> bool:
    """May ``user`` perform ``action`` on ``obj`` (saved or about to be created)?"""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    division = division_of(obj)
    if division is None:
        return False
    chosen = _grants_for(user, type(obj), action)
    if action == VIEW and getattr(type(obj), "jurisdiction_ancestors_visible", False):
        if any(g.path.startswith(division.path) for g in chosen):
            return True
    return any(division.path.startswith(g.path) for g in chosen)


def may_write_model(user, model: type[Model]) -> bool:
    """Does any of the user's roles write this kind of record at all? (403 before 404.)"""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(_grants_for(user, model, CHANGE))


def divisions_visible(user) -> QuerySet:
    return scope(Division.objects.all(), user)


def towns_visible(user) -> QuerySet:
    return divisions_visible(user).filter(level=Level.TOWN)


__all__ = ["CHANGE", "VIEW", "Grant", "Role", "can", "division_of", "grants", "may_write_model", "roles", "scope"]
