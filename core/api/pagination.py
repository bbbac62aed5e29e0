"""Keyset (cursor) pagination: constant time on page 1 and on page 12,000, no COUNT(*).

A ``page_size`` that is not a whole number from 1 to ``max_page_size`` is refused (400): DRF
would quietly answer 50 rows to ``page_size=abc`` or ``page_size=0``, and the client would read
a short page as the whole answer. A cursor that does not decode, or whose position is not a
value of the ordering field, is refused the same way (400 ``invalid_cursor``): DRF answers a
broken cursor 404, which a list does not document (schemathesis found it on every list), and
a position of the wrong type would be a 500.

``paginate_lean`` is the same pagination for lean lists (core.api.lean): the page query is
compiled once per jurisdiction and cursor shape, and rows come back as dicts under the JSON
names of the columns.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.pagination import _reverse_ordering

from core.errors import ApplicationError

from .lean import POSITION_SENTINEL, compiled_page, run_page


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size:
            return int(raw)
        message = gettext("每页条数（page_size）应为 1 到 %(max)s 之间的整数。") % {"max": self.max_page_size}
        raise ApplicationError(message, code="invalid_page_size", extra={self.page_size_query_param: [message]})

    def invalid_cursor(self) -> ApplicationError:
        message = gettext("无效的分页游标（cursor）：请使用上一页返回的 next 或 previous 链接。")
        return ApplicationError(message, code="invalid_cursor", extra={self.cursor_query_param: [message]})

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:  # DRF's answer to a cursor that does not decode
            raise self.invalid_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, ValidationError):  # a position that is no value of the ordering field
            raise self.invalid_cursor() from None

    def paginate_lean(self, view, request, columns) -> list[dict]:
        """The page of a lean list: dicts keyed by the columns' JSON names (module doc)."""
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, None, view)
        self.cursor = self.decode_cursor(request)
        offset, reverse, position = self.cursor if self.cursor is not None else (0, False, None)
        order = self.ordering[0]
        field = order.lstrip("-")
        names = {path: name for path, name in columns}
        if names.get(field) != field:
            raise TypeError(f"a lean list is ordered by a column it shows under its own name, not {order!r}")
        if position is not None:
            model = view.queryset.model if view.queryset is not None else view.get_queryset().model
            model_field = model._meta.get_field(field)
            try:
                position = model_field.to_python(position)
            except ValidationError:
                raise self.invalid_cursor() from None

        def build():
            queryset = view.lean_queryset()
            queryset = queryset.order_by(*(_reverse_ordering(self.ordering) if reverse else self.ordering))
            if position is not None:
                before = self.cursor.reverse != order.startswith("-")
                queryset = queryset.filter(**{f"{field}__{'lt' if before else 'gt'}": POSITION_SENTINEL})
            return queryset[offset:offset + self.page_size + 1]

        key = view.lean_cache_key(request)
        if key is not None:
            key = (*key, self.ordering, reverse, position is not None, offset, self.page_size)
        results = run_page(compiled_page(key, build), position, [name for _, name in columns])
        self.page = results[:self.page_size]
        self._set_positions(results, reverse, offset, position)
        return self.page

    def _set_positions(self, results, reverse, offset, current_position):
        """What DRF's paginate_queryset does after its query: next and previous positions."""
        if len(results) > len(self.page):
            has_following_position = True
            following_position = self._get_position_from_instance(results[-1], self.ordering)
        else:
            has_following_position, following_position = False, None
        if reverse:
            self.page = list(reversed(self.page))
            self.has_next = (current_position is not None) or (offset > 0)
            self.has_previous = has_following_position
            if self.has_next:
                self.next_position = current_position
            if self.has_previous:
                self.previous_position = following_position
        else:
            self.has_next = has_following_position
            self.has_previous = (current_position is not None) or (offset > 0)
            if self.has_next:
                self.next_position = following_position
            if self.has_previous:
                self.previous_position = current_position
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size,
                                       "default": self.page_size}
        return parameters
