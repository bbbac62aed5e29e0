"""Keyset (cursor) pagination: constant time on page 1 and on page 12,000, no COUNT(*)."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
