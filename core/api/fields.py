"""Serializer fields of the API that refuse what DRF lets through.

- ``StrictPrimaryKeyRelatedField``: a reference is a whole number (``12`` or ``"12"``). DRF
  passes the JSON number ``1.5`` to ``queryset.get(pk=1.5)``, which Django turns into 1.
- ``ScopedPrimaryKeyRelatedField``: and it names a row the caller may see (core.api.scoping,
  the project's jurisdiction scope); another town's row is "does not exist", leaking nothing.
- ``StrictDateField``: ``YYYY-MM-DD`` only. DRF's ISO 8601 parsing reads ``2026-11-3`` as a date.
- ``ServiceRequiredField``: required in the contract, checked by the service (see its doc).
"""

from __future__ import annotations

import re

from rest_framework import serializers
from rest_framework.fields import empty

from . import scoping

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_whole_number(data) -> bool:
    if isinstance(data, bool):
        return False
    if isinstance(data, int):
        return True
    return isinstance(data, str) and data.isascii() and data.isdigit()


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if self.pk_field is None and not is_whole_number(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ScopedPrimaryKeyRelatedField(StrictPrimaryKeyRelatedField):
    """A foreign key that accepts only rows the requesting user may see."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return scoping.scope(queryset, request.user)


class StrictDateField(serializers.DateField):
    def to_internal_value(self, value):
        if isinstance(value, str) and not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class ServiceRequiredField(serializers.CharField):
    """A text the service requires (a reason, say): required in the OpenAPI schema, checked by
    the service alone.

    The service is the one home of the rule: it refuses a missing or blank value with its own
    stable code (``reason_required``) for every way in (API, pages, import). This field only
    makes the API's contract say so, and hands a missing or blank value on as "" so that the
    API answers exactly what the service answers.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", True)
        kwargs.setdefault("allow_blank", False)
        super().__init__(**kwargs)

    def run_validation(self, data=empty):
        if data is empty or data is None or (isinstance(data, str) and not data.strip()):
            return ""
        return super().run_validation(data)
