"""Pages of finance, on core.generic: the reconciliation across towns (the index), a town's
finance page for a year, the revenue records (list, record, reverse) and an entitlement with its
calculation trace. Reads through finance.selectors (scoped), writes through one service each."""

from __future__ import annotations

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.errors import ApplicationError
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from regions import scoping

from . import rules, selectors, services
from .forms import RevenueRecordForm
from .models import RevenueRecord


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2199)


class ReconciliationView(LoginRequiredMixin, TemplateView):
    """对账: per town in scope, owed, paid, outstanding and overdue for a period of months."""

    template_name = "finance/reconciliation.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        error = ""
        try:
            start = rules.parse_month(self.request.GET.get("start") or f"{today.year}-01", field="start")
            end = rules.parse_month(self.request.GET.get("end") or f"{today:%Y-%m}", field="end")
        except ApplicationError as exc:
            error, start, end = exc.message, today.replace(month=1, day=1), today.replace(day=1)
        rows = selectors.reconciliation(user=self.request.user, start=start, end=end, today=today)
        return {**super().get_context_data(**kwargs), "rows": rows, "start": start, "end": end, "error": error,
                "towns": selectors.town_list(user=self.request.user)}


class TownFinanceView(LoginRequiredMixin, TemplateView):
    """A town's finance page: its arrangements, and per month revenue, owed, paid, outstanding,
    overdue; the year's settlement. A town outside the jurisdiction is 404."""

    template_name = "finance/town.html"

    def get_context_data(self, **kwargs):
        town = get_object_or_404(scoping.towns_visible(self.request.user), pk=self.kwargs["pk"])
        year = _year(self.request)
        return {**super().get_context_data(**kwargs), "town": town, "year": year,
                "years": range(year - 2, year + 3), **selectors.town_finance(town=town, year=year)}


class RevenueRecordListView(ScopedListView):
    title = _("财政收入记录")
    create_url = "finance:revenue-create"
    create_label = _("登记收入")
    table_testid = "revenue-list"
    columns = (
        Column(_("所属月份"), lambda r: f"{r.month:%Y-%m}"),
        Column(_("镇"), "town.name"),
        Column(_("收入科目"), "category.name"),
        Column(_("征收机关"), "collecting_body"),
        Column(_("金额（元）"), lambda r: rules.fmt(r.amount), css="text-end"),
        Column(_("冲销"), lambda r: gettext("冲销第 %(id)s 号") % {"id": r.reverses_id} if r.reverses_id else ""),
    )

    def get_queryset(self):
        return selectors.revenue_record_list(user=self.request.user)


class RevenueRecordCreateView(ServiceFormView):
    model = RevenueRecord
    form_class = RevenueRecordForm
    template_name = "finance/revenue_form.html"

    def create(self, form):
        return services.revenue_record_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, record):
        return reverse("finance:revenue-list")


class RevenueRecordReverseView(ServiceActionView):
    queryset = RevenueRecord.objects.all()
    require_reason = True
    service = services.revenue_record_reverse
    object_arg = "record"

    def get_success_url(self, obj):
        return reverse("finance:revenue-list")


class EntitlementDetailView(ScopedDetailView):
    """An entitlement with its calculation trace, its ledger posting and what was paid on it."""

    template_name = "finance/entitlement_detail.html"
    context_object_name = "entitlement"

    def get_queryset(self):
        return selectors.entitlement_list(user=self.request.user)

    def get_detail_context(self, entitlement):
        paid = selectors.paid_on_slot(entitlement)
        return {"paid": paid, "outstanding": entitlement.amount - paid, "today": datetime.date.today()}
