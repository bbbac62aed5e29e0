"""FilterSets of the hierarchy, and ``ScopedFilterSet``, the base every app's FilterSets use.

A dropdown of a filter must not name what the rows may not show: a town's clerk filtering
departments was offered 广东省, 东莞市, 四川省 … So every model-choice filter's choices are
narrowed by the request's user through ``regions.scoping``, like the rows; a filter on a
model that cannot be scoped is a programming error (TypeError), never an unscoped list.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from core.filtering import StrictFilterSet

from . import scoping, selectors
from .models import Department, Division, PilotDesignation


class ScopedFilterSet(StrictFilterSet):
    """Strict filters (core.filtering) whose model choices are scoped to the request's user.

    ``choices_scoped_by_queryset`` names the filters whose queryset callable does its own
    scoping (through regions.scoping) on purpose wider than the model's own scope, e.g. the
    departments of the catalogue items a user may read, which include the bodies above.
    Without a request (a FilterSet built in code) the choices stay as declared; the rows are
    scoped by the selectors anyway.
    """

    choices_scoped_by_queryset: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None:
            return
        for name, filter_ in self.filters.items():
            if not isinstance(filter_, QuerySetRequestMixin) or name in self.choices_scoped_by_queryset:
                continue
            queryset = filter_.get_queryset(self.request)
            if queryset is not None:
                filter_.queryset = scoping.scope(queryset, user)


class DivisionFilterSet(ScopedFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("名称"))
    # 试点镇: towns with an active 扩权强镇 designation (the home page's figure links here).
    pilot = django_filters.ChoiceFilter(choices=[("yes", _("试点镇")), ("no", _("非试点镇"))], method="filter_pilot",
                                        label=_("试点"))

    class Meta:
        model = Division
        fields = ["level", "parent", "code", "name", "pilot"]

    def filter_pilot(self, queryset, name, value):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(selectors.is_pilot_town() if value == "yes" else ~selectors.is_pilot_town())


class DepartmentFilterSet(ScopedFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("名称"))

    class Meta:
        model = Department
        fields = ["division", "is_active", "name"]


class PilotDesignationFilterSet(ScopedFilterSet):
    class Meta:
        model = PilotDesignation
        fields = ["kind", "batch", "division"]
