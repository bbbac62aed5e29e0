"""The API's filter backend: the shared FilterSets, a wrong filter answered in plain words.

DjangoFilterBackend already answers an invalid FilterSet with 400; this one says that it is the
*filter* that is wrong ("筛选条件有误"), under the stable code ``invalid_filter``, with every
parameter's errors in ``fields`` (the JSON shape of core.api.exceptions).
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend

from core.errors import ApplicationError


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            fields = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
            raise ApplicationError(
                f"筛选条件有误，请改正：{'、'.join(fields)}。", code="invalid_filter", extra=fields,
            )
        return filterset.qs
