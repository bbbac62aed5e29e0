"""Filters of the deliveries list (API): by subscription, state and event type."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtering import StrictFilterSet

from .choices import DeliveryStatus, EventType
from .models import Delivery


class DeliveryFilterSet(StrictFilterSet):
    subscription = django_filters.NumberFilter(field_name="subscription_id", label=_("订阅"))
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices, label=_("状态"))
    event_type = django_filters.ChoiceFilter(field_name="event__type", choices=EventType.choices, label=_("事件类型"))

    class Meta:
        model = Delivery
        fields = ["subscription", "status", "event_type"]
