"""Forms of the landuse pages. They parse what was typed; the services decide (landuse.rules reads
the areas, so a page and the API refuse the same things with the same words)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import DateInput, bootstrap
from regions import scoping
from regions.choices import Level
from regions.models import Division

from .choices import GainKind, MovementKind, Pool, ProjectKind

AREA_HELP = _("亩，最多四位小数（1 公顷 = 15 亩）")


def _year_field():
    return forms.IntegerField(label=_("指标年度"), min_value=2000, max_value=2199,
                              initial=lambda: timezone.localdate().year)


def _area(label, required=True):
    return forms.CharField(label=label, max_length=32, help_text=AREA_HELP, required=required)


class AllocationForm(PlainMessagesFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[c for c in MovementKind.choices if c[0] != MovementKind.ISSUE])
    year = _year_field()
    source = forms.ModelChoiceField(label=_("调出区划"), queryset=None)
    source_pool = forms.ChoiceField(label=_("调出指标类别"), choices=Pool.choices, initial=Pool.GENERAL)
    target = forms.ModelChoiceField(label=_("调入区划"), queryset=None)
    target_pool = forms.ChoiceField(label=_("调入指标类别"), choices=Pool.choices, initial=Pool.GENERAL)
    amount_mu = _area(_("面积（亩）"))
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    allocated_on = forms.DateField(label=_("下达日期"), initial=timezone.localdate,
                                   widget=DateInput())
    memo = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = scoping.divisions_visible(user).order_by("path")
        # A transfer goes to another county, which may lie outside the giver's jurisdiction.
        self.fields["target"].queryset = (scoping.divisions_visible(user)
                                          | Division.objects.filter(level=Level.COUNTY)).distinct().order_by("path")
        bootstrap(self)


class GainForm(PlainMessagesFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    year = _year_field()
    kind = forms.ChoiceField(label=_("来源"), choices=GainKind.choices)
    amount_mu = _area(_("新增指标（亩）"))
    accepted_on = forms.DateField(label=_("验收日期"), widget=DateInput())
    document_number = forms.CharField(label=_("验收文号"), max_length=64)
    basis = forms.CharField(label=_("依据"), max_length=500, help_text=_("验收的整理、复垦或挂钩项目"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")
        bootstrap(self)


class ProjectForm(PlainMessagesFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    year = _year_field()
    name = forms.CharField(label=_("项目名称"), max_length=200)
    kind = forms.ChoiceField(label=_("项目类型"), choices=ProjectKind.choices)
    area_mu = _area(_("用地面积（亩）"))
    quota_mu = _area(_("使用指标（亩）"))
    farmland_mu = _area(_("占用耕地（亩）"), required=False)
    in_industrial_zone = forms.BooleanField(label=_("位于工业集中区"), required=False)
    outside_zone_reason = forms.CharField(label=_("园区外选址理由"), max_length=500, required=False,
                                          help_text=_("新引进的工业项目应向园区集中；在园区外的须写明理由"))
    qualifying = forms.BooleanField(label=_("符合优先条件"), required=False)
    priority_reason = forms.CharField(label=_("优先理由"), max_length=500, required=False,
                                      help_text=_("如列入县重点建设项目"))
    application_document = forms.CharField(label=_("报批文号"), max_length=64, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        if instance is not None and not args:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in self.base_fields if f != "town"}
                              | {"town": instance.town_id})
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")
        if instance is not None:
            self.fields["town"].disabled = True
        bootstrap(self)

    def clean_farmland_mu(self):
        return self.cleaned_data.get("farmland_mu") or "0"


class SubmitForm(forms.Form):
    applied_on = forms.DateField(label=_("报批日期"), required=False, widget=DateInput())
    application_document = forms.CharField(label=_("报批文号"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)


class ApprovalForm(forms.Form):
    approval_document = forms.CharField(label=_("批准文号"), max_length=64, required=False)
    approved_on = forms.DateField(label=_("批准日期"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)
