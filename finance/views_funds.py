"""Pages of funds and incentives (issue 11 §5, §7), on core.generic: the funds in scope with their
balances, a fund's page (balance, entries with the balance after each, the subsidies paid from it,
the grant and spend forms and the reversals for the office, the funds ledger's verification
badge), the incentive policies and the incentives granted. Reads through finance.selectors_funds
(scoped), writes through one service of finance.services.funds each; the town's clerk reads its
own town's funds, only the office writes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.generic import access
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import forms_funds as f
from . import rules
from . import selectors_funds as sel
from .models import Fund, FundEntry, Incentive, IncentivePolicy
from .services import funds as sf


def _money(name):
    return lambda row: rules.fmt(getattr(row, name))


class FundListView(ScopedListView):
    """The funds in scope: start-up, yearly development and special funds, granted, spent and the
    balance (the ledger's)."""

    title = _("资金")
    model = Fund
    template_name = "finance/fund_list.html"
    create_url = "finance:fund-create"
    create_label = _("设立资金")
    table_testid = "fund-list"
    nav_template = "finance/_nav.html"
    nav_active = "funds"
    ordering = "id"
    columns = (
        Column(_("镇"), "town.name"),
        Column(_("资金名称"), "name", link="finance:fund-detail"),
        Column(_("资金类型"), lambda x: x.get_kind_display()),
        Column(_("年度"), "year"),
        Column(_("拨入（元）"), _money("granted"), css="text-end"),
        Column(_("已用（元）"), lambda x: rules.fmt(x.granted - x.balance), css="text-end"),
        Column(_("余额（元）"), _money("balance"), css="text-end"),
    )

    def get_queryset(self):
        return sel.with_totals(sel.fund_list(user=self.request.user))


class FundDetailView(ScopedDetailView):
    """A fund: its basis, balance, every entry with the balance after it, the 以奖代补 subsidies
    paid from it; to the office the grant and spend forms and a reversal per entry."""

    template_name = "finance/fund_detail.html"
    context_object_name = "fund"

    def get_queryset(self):
        return sel.with_totals(sel.fund_list(user=self.request.user))

    def get_detail_context(self, fund):
        return {"entries": sel.fund_entries(fund=fund), "incentives": sel.fund_incentives(fund=fund),
                "used": fund.granted - fund.balance, "step_forms": [
                    (f.FundGrantForm(auto_id="grant-%s"), reverse("finance:fund-grant", args=[fund.pk]), gettext("拨入"),
                     "grant-form"),
                    (f.FundSpendForm(auto_id="spend-%s"), reverse("finance:fund-spend", args=[fund.pk]), gettext("支出"),
                     "spend-form")]}


class FundCreateView(ServiceFormView):
    model = Fund
    form_class = f.FundForm
    template_name = "finance/funds_form.html"
    initial_fields = ("town", "kind", "year")

    def form_context(self, form):
        return {"title": gettext("设立资金"), "active": "funds"}

    def create(self, form):
        return sf.fund_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, fund):
        return reverse("finance:fund-detail", args=[fund.pk])


class _FundStep(ServiceActionView):
    queryset = Fund.objects.select_related("town")
    success_url_name = "finance:fund-detail"


class FundGrantView(_FundStep):
    form_class = f.FundGrantForm
    service = sf.fund_grant
    object_arg = "fund"

    def success_message(self, entry, data):
        return gettext("已拨入 %(amount)s 元。") % {"amount": rules.fmt(entry.amount)}

    def get_success_url(self, obj):
        return reverse("finance:fund-detail", args=[getattr(obj, "fund_id", None) or obj.pk])


class FundSpendView(FundGrantView):
    form_class = f.FundSpendForm
    service = sf.fund_spend

    def success_message(self, entry, data):
        return gettext("已登记支出 %(amount)s 元。") % {"amount": rules.fmt(entry.amount)}


class FundEntryReverseView(ServiceActionView):
    queryset = FundEntry.objects.select_related("fund__town")
    require_reason = True
    service = sf.fund_entry_reverse
    object_arg = "entry"

    def get_success_url(self, entry):
        return reverse("finance:fund-detail", args=[entry.fund_id])

    def success_message(self, entry, data):
        return gettext("已冲销：%(entry)s") % {"entry": entry}


class IncentivePolicyListView(ScopedListView):
    title = _("激励政策")
    model = IncentivePolicy
    create_url = "finance:incentive-policy-create"
    create_label = _("制定激励政策")
    table_testid = "incentive-policies"
    nav_template = "finance/_nav.html"
    nav_active = "incentives"
    ordering = "id"
    columns = (
        Column(_("制定区划"), "county.name"),
        Column(_("政策名称"), "name"),
        Column(_("政策类型"), lambda p: p.get_kind_display()),
        Column(_("文号"), "document_number"),
        Column(_("项目投资额门槛（元）"), _money("investment_threshold"), css="text-end"),
        Column(_("施行日期"), "effective_from"),
        Column(_("截止日期"), lambda p: p.effective_to or "—"),
    )

    def get_queryset(self):
        return sel.incentive_policy_list(user=self.request.user)


class IncentivePolicyCreateView(ServiceFormView):
    model = IncentivePolicy
    form_class = f.IncentivePolicyForm
    template_name = "finance/funds_form.html"
    initial_fields = ("county", "kind")

    def form_context(self, form):
        return {"title": gettext("制定激励政策"), "active": "incentives"}

    def create(self, form):
        return sf.incentive_policy_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, policy):
        return reverse("finance:incentive-policies")


class IncentiveListView(ScopedListView):
    """Incentives granted (激励兑现): fee preferences and 以奖代补 subsidies, each with its basis;
    a reversal is a row of its own (negative, linked)."""

    title = _("激励兑现")
    model = Incentive
    template_name = "finance/incentive_list.html"
    create_url = "finance:incentive-create"
    create_label = _("登记激励兑现")
    table_testid = "incentives"
    nav_template = "finance/_nav.html"
    nav_active = "incentives"
    ordering = "id"  # the table is the template's: each row with its reversal (office)

    def get_extra_context(self) -> dict:
        return {"can_reverse": access.may_write_model(self.request.user, Incentive)}

    def get_queryset(self):
        return sel.incentive_list(user=self.request.user).select_related("reversal")


class IncentiveCreateView(ServiceFormView):
    model = Incentive
    form_class = f.IncentiveForm
    template_name = "finance/funds_form.html"
    initial_fields = ("town", "policy", "fund")

    def form_context(self, form):
        return {"title": gettext("登记激励兑现"), "active": "incentives"}

    def create(self, form):
        return sf.incentive_grant(actor=self.request.user, **form.cleaned_data)

    def success_url(self, incentive):
        return reverse("finance:incentives")


class IncentiveReverseView(ServiceActionView):
    queryset = Incentive.objects.select_related("town")
    require_reason = True
    service = sf.incentive_reverse
    object_arg = "incentive"

    def get_success_url(self, incentive):
        return reverse("finance:incentives")

    def success_message(self, incentive, data):
        return gettext("已冲销：%(incentive)s") % {"incentive": incentive}
