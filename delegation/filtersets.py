"""One FilterSet per list, shared by the HTML pages and the API viewsets (STYLE.md).

The querysets they narrow are already scoped by the selectors. The base, ScopedFilterSet
(regions.filtersets over core.filtering), scopes the choices of every model-choice filter with
the request's user, so a dropdown never names a division or department outside the user's
jurisdiction, and makes a wrong filter an error (400 in the API, a message on the page) instead
of a silently unfiltered list.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import deadlines
from core.widgets import QuickSelect
from regions import scoping
from regions.filtersets import ScopedFilterSet
from regions.models import Department, Division

from .choices import BatchState, Category, FilingState, ItemStatus, Mode, Outcome, TakeOverStatus
from .models import Assignment, Batch, ExerciseRecord, Item, Training


def _user(request):
    return getattr(request, "user", None)


def _departments(request):
    qs = Department.objects.select_related("division").order_by("division__path", "code")
    user = _user(request)
    if user is None:
        return qs
    # Items of the bodies above are visible too (published catalogues), so offer their departments.
    return qs.filter(id__in=scoping.scope(Item.objects.all(), user).values("department_id"))


# Choices named here are scoped by ScopedFilterSet (regions.filtersets) with the request's user.
_batches = Batch.objects.all()
_divisions = Division.objects.order_by("path")
_items = Item.objects.order_by("code")


class DaysFilter(django_filters.NumberFilter):
    """A whole number of days (NumberFilter's field takes decimals)."""

    field_class = forms.IntegerField


class ItemFilterSet(ScopedFilterSet):
    """Catalogue list: status, category, department, batch and a search on code/name."""

    choices_scoped_by_queryset = ("department",)  # _departments: those of the visible items

    q = django_filters.CharFilter(method="filter_q", label=_("搜索（编码或名称）"))
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("事项类别"))
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("下放部门"))
    batch = django_filters.ModelChoiceFilter(queryset=_batches, label=_("批次"))

    class Meta:
        model = Item
        fields = ["q", "status", "category", "department", "batch"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class AssignmentFilterSet(ScopedFilterSet):
    """Assignments: item, receiving division, mode, take-over status."""

    item = django_filters.ModelChoiceFilter(queryset=_items, label=_("事项"))
    division = django_filters.ModelChoiceFilter(queryset=_divisions, label=_("承接主体"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("方式"))
    takeover_status = django_filters.ChoiceFilter(choices=TakeOverStatus.choices, label=_("承接状态"))

    class Meta:
        model = Assignment
        fields = ["item", "division", "mode", "takeover_status"]


class ExerciseRecordFilterSet(ScopedFilterSet):
    """Exercise records: division, item, outcome, filing state (as of today), decision date range.

    ``division`` and ``item`` take ids (the API, links); they are validated against the user's
    scope (an id outside it is an error, not an empty page). ``division_q`` and ``item_q`` search
    by code or name: the list page offers them instead of dropdowns of hundreds or thousands of
    options (a province sees 1,600 divisions and 600 items), see ``page_fields``. They only
    narrow the already scoped rows, so they can name nothing outside the scope.
    """

    division = django_filters.ModelChoiceFilter(queryset=_divisions, label=_("承接主体"), widget=QuickSelect)
    division_q = django_filters.CharFilter(method="filter_division_q", label=_("承接主体（区划代码或名称）"))
    item = django_filters.ModelChoiceFilter(queryset=_items, label=_("事项"))
    item_q = django_filters.CharFilter(method="filter_item_q", label=_("事项（编码或名称）"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("办理结果"), widget=QuickSelect)
    filing_state = django_filters.ChoiceFilter(
        choices=FilingState.choices, method="filter_filing_state", label=_("备案状态"), widget=QuickSelect
    )
    decided_on = django_filters.DateFromToRangeFilter(
        label=_("办结日期（起止）"), widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )
    # 暂定: the due date counted through a year whose holidays are not entered yet (DOMAIN.md §0).
    due_provisional = django_filters.ChoiceFilter(
        choices=[("yes", _("暂定")), ("no", _("已确定"))], method="filter_due_provisional", label=_("备案期限"),
        widget=QuickSelect,
    )

    # 7日内到期: unfiled, not yet due, due within so many calendar days (the home page's figure).
    due_within = DaysFilter(method="filter_due_within", label=_("几日内到期（未备案）"), min_value=0,
                            max_value=deadlines.DUE_WITHIN_MAX_DAYS)

    # 补录: filings recorded after their due date but dated on or before it (rules.prepare_filing).
    late_entry = django_filters.ChoiceFilter(
        choices=[("yes", _("补录")), ("no", _("非补录"))], method="filter_late_entry", label=_("补录"),
        widget=QuickSelect,
    )

    # The page offers the division as a dropdown up to this many divisions in scope (a county
    # and its towns), as a code/name search beyond (a city, the province).
    DIVISION_SELECT_MAX = 40

    class Meta:
        model = ExerciseRecord
        fields = ["division", "division_q", "item", "item_q", "outcome", "filing_state", "decided_on", "due_provisional",
                  "late_entry", "due_within"]

    def filter_filing_state(self, queryset, name, value):
        return queryset.filter(ExerciseRecord.filing_state_q(value, timezone.localdate()))

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(deadlines.due_within_q(value, timezone.localdate(), due="filing_due_on", done="filed_on"))

    def filter_late_entry(self, queryset, name, value):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(filing_late_entry=value == "yes")

    def filter_due_provisional(self, queryset, name, value):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(filing_due_provisional=value == "yes")

    # The text filters read the matching ids first (one small query) and filter the records by
    # them as constants: with a subquery the planner cannot tell how many records match, and
    # for an item or a town with none it walked the whole table backwards by id (0.4 s on a
    # million records); with the ids it uses the (item, -id) / (division, -id) indexes.
    def filter_division_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        # Codes nest (341824 is a county, 341824101 one of its towns): a prefix picks a subtree.
        matching = Division.objects.filter(Q(code__startswith=value) | Q(name__icontains=value))
        return queryset.filter(division_id__in=list(matching.values_list("id", flat=True)))

    def filter_item_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        matching = Item.objects.filter(Q(code__icontains=value) | Q(name__icontains=value))
        return queryset.filter(item_id__in=list(matching.values_list("id", flat=True)))

    def page_fields(self) -> tuple[list, list]:
        """The filter form as the list page shows it: (visible bound fields, hidden bound fields).

        One query at most (the divisions in scope, when there are few). The division is a
        dropdown when the scope has 2 to ``DIVISION_SELECT_MAX`` divisions, nothing for a single
        town, a code/name search otherwise; the item is always a code/name search. A filter that
        is not shown but was given (a link, the API's parameters) stays as a hidden input.
        """
        form = self.form
        division = form.fields["division"]
        # Only what the options show (the label is the name): not the division's dozen columns.
        divisions = list(division.queryset.only("id", "name")[: self.DIVISION_SELECT_MAX + 1])
        shown = []
        if 1 < len(divisions) <= self.DIVISION_SELECT_MAX:
            # The choices come from the list just read, so rendering the select costs no query.
            division.widget.choices = [("", division.empty_label)] + [
                (d.pk, division.label_from_instance(d)) for d in divisions
            ]
            shown.append("division")
        elif len(divisions) > self.DIVISION_SELECT_MAX:
            shown.append("division_q")
        shown += ["item_q", "outcome", "filing_state", "decided_on", "due_provisional", "late_entry"]
        if form["due_within"].value() not in (None, ""):
            shown.append("due_within")  # given by a link (the home page): shown, so it can be cleared
        hidden = [
            name for name in ("division", "division_q", "item")
            if name not in shown and form[name].value() not in (None, "")
        ]
        return [form[name] for name in shown], [form[name] for name in hidden]


class TrainingFilterSet(ScopedFilterSet):
    division = django_filters.ModelChoiceFilter(queryset=_divisions, label=_("参训单位"))
    kind = django_filters.ChoiceFilter(choices=Training._meta.get_field("kind").choices, label=_("培训类型"))

    class Meta:
        model = Training
        fields = ["division", "kind"]


class BatchFilterSet(ScopedFilterSet):
    """Batches: publishing body, stage (待公布 / 已公布 / 已施行, as of today), a code/name search."""

    q = django_filters.CharFilter(method="filter_q", label=_("搜索（编号或名称）"))
    division = django_filters.ModelChoiceFilter(queryset=_divisions, label=_("公布机关所在区划"))
    state = django_filters.ChoiceFilter(choices=BatchState.choices, method="filter_state", label=_("状态"))

    class Meta:
        model = Batch
        fields = ["q", "division", "state"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == BatchState.OPEN:
            return queryset.filter(published_on__isnull=True)
        if value == BatchState.PUBLISHED:
            return queryset.filter(published_on__isnull=False, effective_on__gt=today)
        if value == BatchState.IN_FORCE:
            return queryset.filter(published_on__isnull=False, effective_on__lte=today)
        return queryset
