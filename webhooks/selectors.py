"""Reads of subscriptions and deliveries: a user sees their own subscriptions, and only while
the subscribed division is within their jurisdiction (regions.scoping); a superuser sees all."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from regions import scoping
from regions.choices import Role
from regions.models import Division

from . import rules
from .models import Delivery, Event, Subscription


def _own(qs: QuerySet, user, field: str = "owner") -> QuerySet:
    if getattr(user, "is_superuser", False) and user.is_active:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return scoping.scope(qs.filter(**{field: user}), user)


def subscription_list(*, user) -> QuerySet:
    return _own(Subscription.objects.select_related("division", "owner"), user)


def subscription_get(*, user, pk) -> Subscription:
    return get_object_or_404(subscription_list(user=user), pk=pk)


def delivery_list(*, user, subscription: Subscription | None = None) -> QuerySet:
    qs = Delivery.objects.select_related("event__division", "subscription")
    if subscription is not None:
        qs = qs.filter(subscription=subscription)
    return _own(qs, user, "subscription__owner")


def subscribable_divisions(*, user) -> QuerySet:
    """The divisions ``user`` may subscribe to: the subtrees of their superior memberships."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Division.objects.order_by("path")
    paths = [g.path for g in scoping.grants(user) if g.role == Role.SUPERIOR]
    if not paths:
        return Division.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Division.objects.filter(q).order_by("path")


def subscriptions_for_event(*, event: Event) -> list[Subscription]:
    """The active subscriptions of ``event``'s type whose division contains the event's division
    (path prefix, as regions.scoping) and whose owner may still see it."""
    candidates = (Subscription.objects.filter(is_active=True, event_types__contains=[event.type],
                                              division__path__in=rules.ancestor_paths(event.division.path))
                  .select_related("owner", "division").order_by("id"))
    return [s for s in candidates if rules.owner_sees(s.owner, event.division)]


def subscribed_owners(*, event_type: str) -> list:
    """The owners of active subscriptions to ``event_type`` (whose overdue records to scan)."""
    from django.contrib.auth import get_user_model

    ids = (Subscription.objects.filter(is_active=True, event_types__contains=[event_type])
           .values_list("owner_id", flat=True).distinct())
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def subscribed_paths(*, event_type: str) -> list[str]:
    """The division paths active subscriptions to ``event_type`` cover."""
    return sorted(set(Subscription.objects.filter(is_active=True, event_types__contains=[event_type])
                      .values_list("division__path", flat=True)))


def last_attempt(*, subscription: Subscription, event: Event) -> int:
    last = (Delivery.objects.filter(subscription=subscription, event=event).order_by("-attempt")
            .values_list("attempt", flat=True).first())
    return last or 0
