"""Lean lists: rows straight from ``.values()``, the page's SQL compiled once per process.

A list of millions of rows (exercise records, later postings, payments) is read far more than
anything else, and on it DRF's per-field serialisation and the ORM's query building cost more
than the query: compiling the page query alone took a fifth of the CPU of a request. So:

- ``LeanListSerializer`` declares the row (its fields document it in OpenAPI) and the columns
  it is read from, ``(path, JSON name)``; ``finish(rows)`` adds what is computed per row. No
  serializer is instantiated, no model either.
- The viewset's list (``LeanListMixin``) hands the scoped, filtered queryset to the paginator
  (core.api.pagination) as ``.values()`` of those columns.
- Without filter parameters the page's SQL depends only on who asks (their jurisdiction) and
  on the cursor, so it is compiled once and kept (``SQL_CACHE``), keyed by the jurisdiction's
  ``scope_key(user)`` of the project's scoping module (settings ``GENERIC_SCOPING``), the day,
  the language, the cursor's shape and the page size; the cursor position is its only
  parameter that changes. A change of memberships is a new key. Lists with filters compile per
  request as usual.
"""

from __future__ import annotations

from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.filtering import PASSTHROUGH_PARAMS

from . import scoping

SQL_CACHE_SIZE = 512
SQL_CACHE: OrderedDict = OrderedDict()
# Stands in for the cursor position while the page query is compiled; found again in the params.
POSITION_SENTINEL = -4_611_686_018_427_387_001


class LeanListSerializer(serializers.Serializer):
    """One row of a lean list. Subclasses declare read-only fields (the schema) and ``columns``."""

    #: ``(queryset path, JSON name)`` of every column, in the order of the JSON row
    columns: tuple[tuple[str, str], ...] = ()

    @classmethod
    def finish(cls, rows: list[dict]) -> list[dict]:
        """Add the keys computed per row (in place); called once per page, no query."""
        return rows

    def to_representation(self, instance):
        row = {name: instance[path] for path, name in self.columns}
        return self.finish([row])[0]




class LeanListMixin:
    #: keep the compiled page SQL between requests (see the module doc); False to compile each time
    lean_sql_cache = True

    def is_lean_list(self) -> bool:
        lean = getattr(self, "list_serializer_class", None)
        return isinstance(lean, type) and issubclass(lean, LeanListSerializer)

    def lean_cache_key(self, request) -> tuple | None:
        """What the page SQL depends on besides the cursor; None: do not cache."""
        scope_key = scoping.scope_key_function()
        if not self.lean_sql_cache or scope_key is None:
            return None
        passthrough = PASSTHROUGH_PARAMS | {api_settings.URL_FORMAT_OVERRIDE}
        if any(name not in passthrough for name in request.query_params):
            return None  # filters: compiled per request
        return (type(self), scope_key(request.user), timezone.localdate(), translation.get_language())

    def lean_queryset(self):
        """The scoped, filtered rows as ``.values()`` of the lean columns."""
        paths = [path for path, _ in self.list_serializer_class.columns]
        return self.filter_queryset(self.get_queryset()).values(*paths)

    def lean_list(self, request):
        lean = self.list_serializer_class
        rows = self.paginator.paginate_lean(self, request, lean.columns)
        return self.paginator.get_paginated_response(lean.finish(rows))


def compiled_page(key, build):
    """``(sql, params, position index, converters)`` of a page query; ``build()`` makes the
    queryset (with POSITION_SENTINEL for the position) when it is not cached."""
    if key is not None:
        entry = SQL_CACHE.get(key)
        if entry is not None:
            SQL_CACHE.move_to_end(key)
            return entry
    queryset = build()
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a scope or filter that can match nothing: no query at all
        return (None, (), None, {})
    params = list(params)
    index = params.index(POSITION_SENTINEL) if params.count(POSITION_SENTINEL) == 1 else None
    converters = compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]])
    entry = (sql, tuple(params), index, converters)
    if key is not None:
        SQL_CACHE[key] = entry
        if len(SQL_CACHE) > SQL_CACHE_SIZE:
            SQL_CACHE.popitem(last=False)
    return entry


def run_page(entry, position, names: list[str]) -> list[dict]:
    sql, params, index, converters = entry
    if sql is None:
        return []
    if index is not None:
        params = list(params)
        params[index] = position
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        converted = []
        for row in map(list, rows):
            for pos, (functions, expression) in converters.items():
                value = row[pos]
                for function in functions:
                    value = function(value, expression, connection)
                row[pos] = value
            converted.append(row)
        rows = converted
    return [dict(zip(names, row, strict=True)) for row in rows]
