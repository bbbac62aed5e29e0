"""Forms of the plan pages: a new plan, an edited version, a section's wording."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import DEFAULT_MIN_CHARS


class PlanCreateForm(forms.Form):
    division = forms.ModelChoiceField(label=_("试点镇（县）"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("方案标题"), max_length=200)
    min_chars = forms.IntegerField(label=_("最低字数"), min_value=1, max_value=100000, initial=DEFAULT_MIN_CHARS,
                                   help_text=_("只计汉字，不计标点、数字、字母和 Markdown 标记"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = selectors.plan_towns(user=user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["division"].widget.attrs["class"] = "form-select"


class VersionForm(forms.Form):
    markdown = forms.CharField(label=_("正文（Markdown）"), strip=False,
                               widget=forms.Textarea(attrs={"rows": 30, "class": "form-control font-monospace",
                                                            "data-testid": "markdown"}))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class TemplateForm(forms.Form):
    heading = forms.CharField(label=_("标题"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    body = forms.CharField(label=_("正文模板"), widget=forms.Textarea(attrs={"rows": 12, "class": "form-control"}))
    missing_text = forms.CharField(label=_("缺少数据时的措辞"),
                                   widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
