"""The findings list's filters (the same names the agenda's links use: ``due=soon`` / ``due=overdue``)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import QuickSelect
from regions.choices import Level
from regions.filtersets import ScopedFilterSet
from regions.models import Division

from . import selectors
from .choices import FindingCategory, FindingState, Severity
from .models import Finding


def _towns(request):
    return Division.objects.filter(level=Level.TOWN).order_by("code")


class FindingFilterSet(ScopedFilterSet):
    town = django_filters.ModelChoiceFilter(queryset=_towns, label=_("镇"), widget=QuickSelect)
    state = django_filters.ChoiceFilter(choices=FindingState.choices, label=_("状态"), widget=QuickSelect)
    closed = django_filters.ChoiceFilter(choices=[("no", _("未销号")), ("yes", _("已销号"))], method="filter_closed",
                                         label=_("销号"), widget=QuickSelect)
    due = django_filters.ChoiceFilter(choices=[("soon", _("7日内到期")), ("overdue", _("已逾期"))], method="filter_due",
                                      label=_("整改期限"), widget=QuickSelect)
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices, label=_("问题类别"), widget=QuickSelect)
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("严重程度"), widget=QuickSelect)

    class Meta:
        model = Finding
        fields = ["town", "state", "closed", "due", "category", "severity"]

    def filter_closed(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(state=FindingState.CLOSED)
        return queryset.exclude(state=FindingState.CLOSED) if value == "no" else queryset

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "soon":
            return queryset.filter(selectors.finding_due_soon_q(today))
        return queryset.filter(selectors.finding_overdue_q(today)) if value == "overdue" else queryset
