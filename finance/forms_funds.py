"""Forms of the funds and incentives pages (issue 11 §5, §7). Amounts stay text: the services read
them with finance.rules, so a page refuses "12.345" or "abc" in the API's words; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import bootstrap
from regions import scoping
from regions.choices import Level
from regions.models import Department

from . import selectors_funds as sel
from .choices import FundKind, IncentiveKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
MONEY_HELP = _("元，最多两位小数")


class _Styled(PlainMessagesFormMixin, forms.Form):
    """Bootstrap's classes on every widget; ``small`` in the fund page's side-by-side cards."""

    small = False

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.set_choices(user)
        bootstrap(self, small=self.small)

    def set_choices(self, user) -> None:
        pass


class FundForm(_Styled):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    kind = forms.ChoiceField(label=_("资金类型"), choices=FundKind.choices)
    name = forms.CharField(label=_("资金名称"), max_length=128)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2199)
    department = forms.ModelChoiceField(label=_("来源部门"), queryset=Department.objects.order_by("name"),
                                        required=False, help_text=_("专项资金必填：整合资金的部门"))
    document_number = forms.CharField(label=_("设立文号"), max_length=64, required=False)
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)

    def set_choices(self, user) -> None:
        self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")


class FundGrantForm(_Styled):
    small = True
    amount = forms.CharField(label=_("拨入金额（元）"), max_length=32, help_text=MONEY_HELP)
    booked_on = forms.DateField(label=_("记账日期"), required=False, **DATE)
    document_number = forms.CharField(label=_("文号或凭证号"), max_length=64)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    project = forms.CharField(label=_("项目"), max_length=200, required=False)
    department = forms.ModelChoiceField(label=_("拨款部门"), queryset=Department.objects.order_by("name"),
                                        required=False)


class FundSpendForm(_Styled):
    small = True
    amount = forms.CharField(label=_("支出金额（元）"), max_length=32, help_text=MONEY_HELP)
    booked_on = forms.DateField(label=_("记账日期"), required=False, **DATE)
    document_number = forms.CharField(label=_("文号或凭证号"), max_length=64)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    project = forms.CharField(label=_("项目"), max_length=200)


class IncentivePolicyForm(_Styled):
    county = forms.ModelChoiceField(label=_("制定区划"), queryset=None)
    kind = forms.ChoiceField(label=_("政策类型"), choices=IncentiveKind.choices)
    name = forms.CharField(label=_("政策名称"), max_length=128)
    document_number = forms.CharField(label=_("文号"), max_length=64)
    investment_threshold = forms.CharField(label=_("项目投资额门槛（元）"), max_length=32,
                                           help_text=_("达到该投资额的项目方可享受；0 表示不设门槛"))
    effective_from = forms.DateField(label=_("施行日期"), **DATE)
    effective_to = forms.DateField(label=_("截止日期"), required=False, **DATE)

    def set_choices(self, user) -> None:
        self.fields["county"].queryset = (scoping.divisions_visible(user).filter(level__in=(Level.COUNTY, Level.CITY))
                                         .order_by("code"))


class IncentiveForm(_Styled):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    policy = forms.ModelChoiceField(label=_("激励政策"), queryset=None)
    enterprise = forms.CharField(label=_("企业"), max_length=128)
    project = forms.CharField(label=_("项目"), max_length=200)
    investment = forms.CharField(label=_("项目投资额（元）"), max_length=32, help_text=MONEY_HELP)
    amount = forms.CharField(label=_("优惠或补助金额（元）"), max_length=32, help_text=MONEY_HELP)
    document_number = forms.CharField(label=_("批准文号"), max_length=64)
    booked_on = forms.DateField(label=_("记账日期"), required=False, **DATE)
    fund = forms.ModelChoiceField(label=_("支出资金"), queryset=None, required=False,
                                  help_text=_("以奖代补必选（从镇的资金支出）；县级规费优惠不选"))

    def set_choices(self, user) -> None:
        self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")
        self.fields["policy"].queryset = sel.incentive_policy_list(user=user).order_by("-effective_from", "id")
        self.fields["fund"].queryset = sel.fund_list(user=user).order_by("town__code", "-year", "id")
