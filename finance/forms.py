"""Forms of the finance pages. They parse what was typed; the services decide (finance.rules reads
the amounts, so a page and the API refuse the same things with the same words)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from regions import scoping

from .models import RevenueCategory


class RevenueRecordForm(PlainMessagesFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    month = forms.CharField(label=_("所属月份"), max_length=7, help_text=_("如 2010-03"))
    category = forms.ModelChoiceField(label=_("收入科目"), queryset=RevenueCategory.objects.filter(is_active=True))
    collecting_body = forms.CharField(label=_("征收机关"), max_length=128)
    amount = forms.CharField(label=_("金额（元）"), max_length=32, help_text=_("元，最多两位小数"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = scoping.towns_visible(user).filter(
            fiscal_arrangements__isnull=False).distinct().order_by("code")
