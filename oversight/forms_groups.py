"""Forms of a leading group's page (issue 14 §1): the office adds a member (name, post, a
department of the group's own government, role in the group) and a pilot town the group steers.
Each is written by one service (services.member_add, services.town_steer). ``town_problem`` says
why a town cannot be steered; the API's input (api/serializers_groups.py) asks it too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import bootstrap
from regions.choices import Level
from regions.models import Department, Division
from regions.selectors import is_pilot_town

from .choices import MemberRole
from .models import LeadingGroup, SteeredTown


def member_departments(group: LeadingGroup):
    """The departments a member may come from: the active ones of the group's own government."""
    return Department.objects.filter(division=group.division_id, is_active=True).order_by("code")


def steerable_towns(group: LeadingGroup):
    """The pilot towns inside the group's division that it does not steer yet."""
    return (Division.objects.filter(level=Level.TOWN, path__startswith=group.division.path)
            .filter(is_pilot_town())
            .exclude(pk__in=SteeredTown.objects.filter(group=group, is_active=True).values("town_id"))
            .order_by("code"))


def town_problem(group: LeadingGroup, town: Division) -> str | None:
    """Why ``group`` cannot steer ``town`` (None: it can)."""
    if town.level != Level.TOWN:
        return gettext("请选择一个镇（乡、街道）。")
    if not town.path.startswith(group.division.path):
        return gettext("该镇不在%(division)s辖区内，本小组不能联系指导。") % {"division": group.division.name}
    if not Division.objects.filter(pk=town.pk).filter(is_pilot_town()).exists():
        return gettext("%(town)s不是扩权强镇试点镇。") % {"town": town.name}
    if SteeredTown.objects.filter(group=group, town=town, is_active=True).exists():
        return gettext("本小组已在联系指导%(town)s，不能重复添加。") % {"town": town.name}
    return None


class MemberAddForm(PlainMessagesFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    post = forms.CharField(label=_("职务"), max_length=128)
    department = forms.ModelChoiceField(
        label=_("单位"), queryset=Department.objects.none(), required=False,
        error_messages={"invalid_choice": _("请选择本级政府的部门。")})
    role = forms.ChoiceField(label=_("小组职务"), choices=MemberRole.choices)

    def __init__(self, *args, group: LeadingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = member_departments(group)
        bootstrap(self)


class TownSteerForm(PlainMessagesFormMixin, forms.Form):
    """A pilot town of the group's division; a town already steered, or outside, is refused by name."""

    town = forms.ModelChoiceField(label=_("试点镇"), queryset=Division.objects.filter(level=Level.TOWN),
                                  error_messages={"invalid_choice": _("请选择一个镇（乡、街道）。")})

    def __init__(self, *args, group: LeadingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        if not self.is_bound:  # the page offers the towns it may add; a posted id is checked by clean_town
            self.fields["town"].queryset = steerable_towns(group)
        bootstrap(self)

    def clean_town(self):
        town = self.cleaned_data["town"]
        problem = town_problem(self.group, town)
        if problem:
            raise forms.ValidationError(problem)
        return town
