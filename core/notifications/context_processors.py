"""The unread-notice badge in the header: one COUNT, only when a page shows it, once per request."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from . import selectors


def unread_count_for(request) -> int:
    """Cached on the request, so the header and a page body asking again cost no second query."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = selectors.unread_count(user=request.user)
    return request._unread_notifications


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count_for(request))}
