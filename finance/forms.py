"""Forms of the finance pages. They parse what was typed; the services decide (finance.rules reads
the amounts, so a page and the API refuse the same things with the same words)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import bootstrap
from regions import scoping

from .choices import Earmark, RuleKind, SettlementMethod, ShortfallRule
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


class ArrangementRuleForm(PlainMessagesFormMixin, forms.Form):
    """One row of the rules table (a blank row is no rule)."""

    name = forms.CharField(label=_("规则名称"), max_length=128, required=False)
    kind = forms.ChoiceField(label=_("规则类型"), choices=[("", "—"), *RuleKind.choices], required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("适用收入科目"), queryset=RevenueCategory.objects.filter(is_active=True).order_by("code"),
        required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    share_percent = forms.CharField(label=_("返还比例（%）"), max_length=8, required=False, initial="100")
    tiers = forms.CharField(
        label=_("分档返还"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅超收返还：每行“上限金额 返还比例”，末行只填比例，如 3000000 100 换行 50"))
    per_mu_amount = forms.CharField(label=_("每亩补助（元）"), max_length=20, required=False)
    earmark = forms.ChoiceField(label=_("指定用途"), choices=Earmark.choices, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("name") and not data.get("kind") and not data.get("categories")

    def spec(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "kind": d["kind"], "categories": list(d["categories"]),
                "share_percent": d["share_percent"] or "100", "tiers": d["tiers"],
                "per_mu_amount": d["per_mu_amount"] or None, "earmark": d["earmark"]}


ArrangementRuleFormSet = forms.formset_factory(ArrangementRuleForm, extra=0, min_num=1, max_num=20)


class ArrangementForm(PlainMessagesFormMixin, forms.Form):
    """A fiscal arrangement and its rules (a formset inside the form: one POST, one service call)."""

    town = forms.ModelChoiceField(label=_("试点镇"), queryset=None)
    name = forms.CharField(label=_("名称"), max_length=128)
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    base_year = forms.IntegerField(label=_("基数年度"), min_value=2000, max_value=2199)
    base_amount = forms.CharField(label=_("基数（元）"), max_length=24, help_text=_("元，最多两位小数"))
    term_start = forms.DateField(label=_("体制期限起"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label=_("体制期限止"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_from = forms.DateField(label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text=_("每月1日；现行体制自该日起被替代"))
    settlement_method = forms.ChoiceField(label=_("结算方式"), choices=SettlementMethod.choices)
    shortfall_rule = forms.ChoiceField(label=_("多拨处理"), choices=ShortfallRule.choices)
    disbursement_limit = forms.CharField(label=_("调拨期限"), max_length=8, initial="3M",
                                         help_text=_("应返款项最迟调拨期限，自所属月份末日起算，如 3M（一个季度）"))

    BLANK_RULES = 3  # empty rows offered below the rules a page starts with

    def __init__(self, data=None, files=None, *, user=None, initial=None, prefill=None, rules_initial=None,
                 fixed_town=None):
        initial = {**(prefill or {}), **{k: v for k, v in (initial or {}).items() if v}}
        super().__init__(data, files, initial=initial)
        towns = scoping.towns_visible(user).order_by("code")
        self.fields["town"].queryset = towns
        if fixed_town is not None:  # superseding: the town is the old arrangement's
            self.fields["town"].queryset = towns.filter(pk=fixed_town.pk)
            self.fields["town"].initial = fixed_town.pk
            self.fields["town"].disabled = True
        bootstrap(self)
        rows = list(rules_initial or [])
        if data is None:
            rows += [{} for _ in range(self.BLANK_RULES)]
        self.rules = ArrangementRuleFormSet(data, prefix="rules", initial=rows,
                                            form_kwargs={"user": user})
        if data is None:
            self.rules.extra = 0

    def is_valid(self):
        valid = super().is_valid()
        return self.rules.is_valid() and valid

    def clean(self):
        data = super().clean()
        if self.rules.is_bound and self.rules.is_valid():
            data["rules"] = [f.spec() for f in self.rules.forms if not f.is_blank()]
        return data
