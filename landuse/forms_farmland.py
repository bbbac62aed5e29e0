"""Forms of the reclamation and farmland-balance pages (l2's part of landuse). They parse what was
typed; the services decide (landuse.rules reads the areas, so a page, the API and the import
refuse the same things with the same words)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import bootstrap
from regions import scoping

from .choices import BalancingSource, ReclamationKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReclamationForm(PlainMessagesFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=ReclamationKind.choices)
    location = forms.CharField(label=_("地块位置"), max_length=200, required=False)
    area_mu = forms.CharField(label=_("申报新增耕地（亩）"), max_length=24, help_text=_("亩，最多四位小数；1 公顷 = 15 亩"))
    applied_on = forms.DateField(label=_("申请验收日期"), widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")
        bootstrap(self)


class AcceptForm(PlainMessagesFormMixin, forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=DATE)
    document_number = forms.CharField(label=_("验收文号"), max_length=64)
    area_mu = forms.CharField(label=_("核定新增耕地（亩）"), max_length=24, required=False,
                              help_text=_("不填即按申报面积"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class BalancingForm(PlainMessagesFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("被统筹平衡的镇"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2199)
    area_mu = forms.CharField(label=_("统筹平衡耕地（亩）"), max_length=24, help_text=_("亩，最多四位小数"))
    source = forms.ChoiceField(label=_("耕地来源"), choices=BalancingSource.choices)
    source_town = forms.ModelChoiceField(label=_("调出镇"), queryset=None, required=False,
                                         help_text=_("仅“县内他镇调剂”：用该镇结余的补充耕地"))
    document_number = forms.CharField(label=_("文号"), max_length=64)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        towns = scoping.towns_visible(user).order_by("code")
        self.fields["town"].queryset = towns
        self.fields["source_town"].queryset = towns
        bootstrap(self)
