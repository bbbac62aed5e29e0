"""Forms of the supervision's pages; each is written by one service (services_supervision), which decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import DateInput, bootstrap
from regions import scoping
from regions.models import Department, Division

from . import selectors
from .choices import FindingCategory, GroupKind, ParticipantRole, Severity
from .models import Supervision


class _Form(PlainMessagesFormMixin, forms.Form):
    def __init__(self, *args, supervision: Supervision | None = None, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        group = group or (supervision.group if supervision is not None else None)
        if group is not None:
            self.for_group(group)
        bootstrap(self, small=True)

    def for_group(self, group) -> None:
        pass


class ParticipantForm(_Form):
    department = forms.ModelChoiceField(label=_("参加单位"), queryset=Department.objects.none())
    role = forms.ChoiceField(label=_("参加身份"), choices=ParticipantRole.choices)

    def for_group(self, group):
        self.fields["department"].queryset = Department.objects.filter(division=group.division, is_active=True)


class SupervisionFindingForm(_Form):
    """A finding of the supervision in one of the group's towns."""

    town = forms.ModelChoiceField(label=_("镇"), queryset=Division.objects.none())
    category = forms.ChoiceField(label=_("问题类别"), choices=FindingCategory.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 2}))
    rule_breached = forms.CharField(label=_("违反的规定"), max_length=300)
    found_on = forms.DateField(label=_("发现日期"), widget=DateInput(), initial=timezone.localdate)
    rectify_months = forms.IntegerField(label=_("整改期限（月）"), min_value=1, max_value=12, initial=1)

    def for_group(self, group):
        self.fields["town"].queryset = Division.objects.filter(pk__in=[t.pk for t in selectors.group_towns(group)])


class ReportRequestForm(_Form):
    as_of = forms.DateField(label=_("数据截止日期"), widget=DateInput(), required=False, initial=timezone.localdate)

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or timezone.localdate()


class CloseForm(_Form):
    on = forms.DateField(label=_("结束日期"), widget=DateInput(), required=False, initial=timezone.localdate)

    def clean_on(self):
        return self.cleaned_data.get("on") or timezone.localdate()


class FinanceTakeForm(_Form):
    """Nothing to fill in: the open findings of the finance bureau's inspections are taken over."""


class InspectionForm(PlainMessagesFormMixin, forms.Form):
    """A new item inspection (有关事项检查) of a leading group the user's office keeps, with the
    bodies taking part (the service checks they are departments of the group's own government)."""

    group = forms.ModelChoiceField(label=_("领导小组"), queryset=None)
    subject = forms.CharField(label=_("检查事项"), max_length=200)
    inspected_on = forms.DateField(label=_("检查日期"), widget=DateInput(), initial=timezone.localdate)
    participants = forms.ModelMultipleChoiceField(label=_("参加单位"), queryset=None, required=False,
                                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = scoping.scope(selectors.group_list(user=user).filter(kind=GroupKind.LEADING, is_active=True),
                               user, scoping.CHANGE).order_by("division__path", "id")
        self.fields["group"].queryset = groups
        self.fields["participants"].queryset = Department.objects.filter(
            division__in=groups.values("division"), is_active=True).select_related("division").order_by("code")
        bootstrap(self)


class InspectionFindingForm(SupervisionFindingForm):
    """A finding of an item inspection in one of the group's towns (the same fields as the
    supervision's; the service refuses a day before the inspection)."""
