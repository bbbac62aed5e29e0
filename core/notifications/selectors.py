"""Reads of notices: a user sees only their own (anyone else's is 404, not 403)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notification_list(*, user, unread: bool = False) -> QuerySet[Notification]:
    notices = Notification.objects.filter(addressee_id=user.pk)
    return notices.filter(read_at__isnull=True) if unread else notices


def notification_get(*, user, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, addressee_id=user.pk)


def unread_count(*, user) -> int:
    return Notification.objects.filter(addressee_id=user.pk, read_at__isnull=True).count()
