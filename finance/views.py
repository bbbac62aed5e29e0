"""Pages of finance, on core.generic: the reconciliation across towns (the index), a town's
finance page for a year, the revenue records (list, record, reverse) and an entitlement with its
calculation trace. Reads through finance.selectors (scoped), writes through one service each."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core import charts
from core.errors import ApplicationError
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from regions import scoping

from . import rules, selectors, services, views_settlement
from . import selectors_funds as sel_funds
from .choices import EntitlementStatus
from .forms import ArrangementForm, RevenueRecordForm
from .models import FiscalArrangement, RevenueRecord


def _latest_month(*, user, town=None) -> datetime.date | None:
    """The latest month with an entitlement or a revenue record the user reads (of ``town`` if
    given): where the finance pages open when no period is asked for, so a page over older data
    (the demo's 2009–2013) does not open on an empty current year."""
    entitlements = selectors.entitlement_list(user=user)
    revenue = selectors.revenue_record_list(user=user)
    if town is not None:
        entitlements, revenue = entitlements.filter(town=town), revenue.filter(town=town)
    latest = (entitlements.order_by().values_list("month", flat=True)
              .union(revenue.order_by().values_list("month", flat=True)).order_by("-month")[:1])
    return next(iter(latest), None)  # one query for both


def _default_year(*, user, town=None) -> int:
    """The current year, or the latest year with data when the data stops before it."""
    today = timezone.localdate()
    latest = _latest_month(user=user, town=town)
    return latest.year if latest is not None and latest.year < today.year else today.year


def _year(request, *, town=None) -> int:
    raw = request.GET.get("year")
    try:
        year = int(raw) if raw else _default_year(user=request.user, town=town)
    except ValueError:
        year = _default_year(user=request.user, town=town)
    return min(max(year, 2000), 2199)


def _year_buttons(*, town, year: int) -> list[int]:
    """The year buttons of the town page: two years each side of the one shown, stretched to
    take in the years the town has figures for (at most five more on each side)."""
    data = [y["year"] for y in selectors.town_years(town=town)
            if any(y.get(k) for k in ("revenue", "owed", "paid"))]
    low, high = year - 2, year + 2
    if data:
        low, high = max(min(low, min(data)), year - 7), min(max(high, max(data)), year + 7)
    return list(range(low, high + 1))


class ReconciliationView(LoginRequiredMixin, TemplateView):
    """对账: per town in scope, owed, paid, outstanding and overdue for a period of months."""

    template_name = "finance/reconciliation.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        latest = _latest_month(user=self.request.user)
        # no period asked for: this year so far, or the latest year with data up to its last month
        last = latest if latest is not None and latest.year < today.year else today
        error = ""
        try:
            start = rules.parse_month(self.request.GET.get("start") or f"{last.year}-01", field="start")
            end = rules.parse_month(self.request.GET.get("end") or f"{last:%Y-%m}", field="end")
        except ApplicationError as exc:
            error, start, end = exc.message, last.replace(month=1, day=1), last.replace(day=1)
        rows = selectors.reconciliation(user=self.request.user, start=start, end=end, today=today)
        return {**super().get_context_data(**kwargs), "rows": rows, "start": start, "end": end, "error": error,
                "towns": selectors.town_list(user=self.request.user)}


class TownFinanceView(LoginRequiredMixin, TemplateView):
    """A town's finance page: its arrangements, and per month revenue, owed, paid, outstanding,
    overdue; the year's settlement. A town outside the jurisdiction is 404."""

    template_name = "finance/town.html"

    def get_context_data(self, **kwargs):
        town = get_object_or_404(scoping.towns_visible(self.request.user), pk=self.kwargs["pk"])
        year = _year(self.request, town=town)
        return {**super().get_context_data(**kwargs), "town": town, "year": year,
                "settlement_readable": views_settlement.reads_settlement(self.request.user, town),
                "funds": sel_funds.town_funds(town=town).funds,
                "years": _year_buttons(town=town, year=year), **selectors.town_finance(town=town, year=year)}


class TownChartView(LoginRequiredMixin, View):
    """The town page's chart: per month of the year, revenue, owed, paid, outstanding and overdue
    (万元), from the same selector as the page's table (town read through the scope: 404)."""

    def get(self, request, pk):
        town = get_object_or_404(scoping.towns_visible(request.user), pk=pk)
        data = selectors.town_finance(town=town, year=_year(request, town=town))
        months = data["months"]

        def wan(values):
            return [float((v / 10000).quantize(Decimal("0.01"))) for v in values]

        option = charts.bar(
            [f"{m.month:%m}" for m in months],
            charts.Series(gettext("财政收入"), wan(m.revenue for m in months), charts.BLUE),
            charts.Series(gettext("应返"), wan(m.owed for m in months), charts.GREY),
            charts.Series(gettext("已拨"), wan(m.paid for m in months), charts.GREEN),
            charts.Series(gettext("未拨"), wan(m.outstanding for m in months), charts.AMBER),
            charts.Series(gettext("逾期未拨"), wan(m.overdue for m in months), charts.RED),
            value_name=gettext("万元"),
        )
        for series in option["series"]:
            series["label"] = {"show": False}  # five bars a month: the table beside it has the figures
        rows = [{"month": f"{m.month:%Y-%m}", "revenue": str(m.revenue), "owed": str(m.owed), "paid": str(m.paid),
                 "outstanding": str(m.outstanding), "overdue": str(m.overdue)} for m in months]
        nothing = not any(m.revenue or m.owed or m.paid for m in months)
        return charts.chart_response(option, rows=[] if nothing else rows)


class TownYearsChartView(LoginRequiredMixin, View):
    """Year by year (the town's whole record): revenue, owed (monthly and settlements), paid, outstanding."""

    def get(self, request, pk):
        town = get_object_or_404(scoping.towns_visible(request.user), pk=pk)
        years = selectors.town_years(town=town)

        def wan(key):
            return [float((y[key] / 10000).quantize(Decimal("0.01"))) for y in years]

        option = charts.bar(
            [str(y["year"]) for y in years],
            charts.Series(gettext("财政收入"), wan("revenue"), charts.BLUE),
            charts.Series(gettext("应返"), wan("owed"), charts.GREY),
            charts.Series(gettext("已拨"), wan("paid"), charts.GREEN),
            charts.Series(gettext("未拨"), wan("outstanding"), charts.AMBER),
            value_name=gettext("万元"),
        )
        for series in option["series"]:
            series["label"] = {"show": False}
        rows = [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in y.items()} for y in years]
        return charts.chart_response(option, rows=rows)


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


class EntitlementListView(ScopedListView):
    """Entitlements in force (应返款项), with what is paid and outstanding; ``?overdue=1``: only
    those past their due date and not fully disbursed (what the home card counts)."""

    title = _("应返款项")
    template_name = "finance/entitlement_list.html"
    table_testid = "entitlement-list"
    nav_template = "finance/_nav.html"
    nav_active = "entitlements"
    columns = (
        Column(_("所属月份"), lambda e: f"{e.month:%Y-%m}" if e.kind == "monthly" else f"{e.month:%Y}年度",
               link="finance:entitlement-detail"),
        Column(_("镇"), "town.name"),
        Column(_("规则"), "rule.name"),
        Column(_("应返（元）"), lambda e: rules.fmt(e.amount), css="text-end"),
        Column(_("已拨（元）"), lambda e: rules.fmt(e.paid), css="text-end"),
        Column(_("未拨（元）"), lambda e: rules.fmt(e.outstanding), css="text-end"),
        Column(_("最迟调拨日"), "due_on"),
    )

    def overdue(self) -> bool:
        return self.request.GET.get("overdue") == "1"

    def get_queryset(self):
        if self.overdue():
            qs = selectors.entitlement_overdue_list(user=self.request.user).order_by()
        else:
            qs = selectors.with_paid(selectors.entitlement_list(user=self.request.user).filter(
                status=EntitlementStatus.ACTIVE, amount__gt=0))
        town = self.request.GET.get("town") or ""
        return qs.filter(town_id=int(town)) if town.isdigit() else qs

    def decorate(self, rows):
        # the page in the order a reader scans it: newest month first, then town and rule (the
        # keyset pages by id, so this orders each page; entitlements are made month by month)
        return sorted(rows, key=lambda e: (-e.month.toordinal(), e.town.code, e.rule_id or 0, e.pk))

    def row_attrs(self, row):
        today = timezone.localdate()
        return {"class": "table-danger"} if row.outstanding > 0 and row.amount > 0 and row.due_on < today else {}

    def get_extra_context(self):
        return {"overdue_only": self.overdue()}


class EntitlementDetailView(ScopedDetailView):
    """An entitlement with its calculation trace, its ledger posting and what was paid on it."""

    template_name = "finance/entitlement_detail.html"
    context_object_name = "entitlement"

    def get_queryset(self):
        return selectors.entitlement_list(user=self.request.user)

    def get_detail_context(self, entitlement):
        paid = selectors.paid_on_slot(entitlement)
        return {"paid": paid, "outstanding": entitlement.amount - paid, "today": datetime.date.today()}


# --- fiscal arrangements (财政体制): set by the office, superseded from a date, all kept readable ---


def _term_note(a: FiscalArrangement) -> str:
    if a.superseded_by_id:
        return gettext("已被“%(name)s”替代，自%(date)s起") % {
            "name": a.superseded_by.name, "date": f"{a.superseded_by.effective_from:%Y-%m-%d}"}
    if not a.in_term(timezone.localdate().year):
        return gettext("期限已过，不计超收返还")
    return gettext("现行")


class ArrangementListView(ScopedListView):
    title = _("财政体制")
    create_url = "finance:arrangement-create"
    create_label = _("设定财政体制")
    table_testid = "arrangement-list"
    nav_template = "finance/_nav.html"
    nav_active = "arrangements"
    columns = (
        Column(_("名称"), "name", link="finance:arrangement-detail"),
        Column(_("试点镇"), "town.name"),
        Column(_("文号"), "document_number"),
        Column(_("基数"), lambda a: f"{a.base_year}年 {rules.fmt(a.base_amount)}", css="text-end"),
        Column(_("体制期限"), lambda a: f"{a.term_start:%Y-%m-%d} — {a.term_end:%Y-%m-%d}"),
        Column(_("施行日期"), "effective_from"),
        Column(_("结算方式"), lambda a: a.get_settlement_method_display()),
        Column(_("状态"), _term_note),
    )

    def get_queryset(self):
        return selectors.arrangement_list(user=self.request.user)


class ArrangementDetailView(ScopedDetailView):
    """An arrangement: term, method, base, its rules table (tiers too); superseded or outside its
    term it says so; the history tab is the generic one."""

    template_name = "finance/arrangement_detail.html"
    context_object_name = "arrangement"

    def get_queryset(self):
        return selectors.arrangement_list(user=self.request.user).select_related("superseded_by")

    def get_detail_context(self, arrangement):
        today = timezone.localdate()
        rows = list(arrangement.rules.prefetch_related("categories"))
        for rule in rows:
            rule.tier_rows = selectors.tier_rows(rule.tiers)
        return {
            "rules": rows, "today": today, "in_term_now": arrangement.in_term(today.year),
            "supersedes": FiscalArrangement.objects.filter(superseded_by=arrangement).first(),
            "may_supersede": self.can_change and arrangement.superseded_by_id is None,
        }


def _prefill(a: FiscalArrangement) -> tuple[dict, list[dict]]:
    """The form's start from an arrangement: its fields, and each rule as a row."""
    fields = {"name": a.name, "document_number": a.document_number, "base_year": a.base_year,
              "base_amount": a.base_amount, "term_start": a.term_start, "term_end": a.term_end,
              "settlement_method": a.settlement_method, "shortfall_rule": a.shortfall_rule,
              "disbursement_limit": a.disbursement_limit, "town": a.town_id}
    rows = [{"name": r.name, "kind": r.kind, "categories": [c.pk for c in r.categories.all()],
             "share_percent": r.share_percent, "tiers": rules.tiers_text(r.tiers),
             "per_mu_amount": r.per_mu_amount or "", "earmark": r.earmark}
            for r in a.rules.prefetch_related("categories")]
    return fields, rows


class ArrangementCreateView(ServiceFormView):
    """Set a town's arrangement; if the town has one, the new one supersedes it from its date."""

    model = FiscalArrangement
    form_class = ArrangementForm
    template_name = "finance/arrangement_form.html"
    initial_fields = ("town",)

    def create(self, form):
        data = form.cleaned_data
        if not scoping.can(self.request.user, scoping.CHANGE, FiscalArrangement(town=data["town"])):
            raise PermissionDenied(gettext("您没有为该镇设定财政体制的权限。"))
        return services.arrangement_create(actor=self.request.user, **data)

    def success_url(self, arrangement):
        return reverse("finance:arrangement-detail", args=[arrangement.pk])


class ArrangementSupersedeView(ArrangementCreateView):
    """Supersede an arrangement from a date: the old row's form page (404 out of scope, 403 for
    those who do not write it), starting from its base, term and rules; the service makes a new
    arrangement and leaves the old one as it was, pointing to the new."""

    def get_queryset(self):
        return selectors.arrangement_list(user=self.request.user)

    def get_object(self):
        self.old = super().get_object()
        return self.old

    def get_form_kwargs(self):
        fields, rows = _prefill(self.old)
        return {**super().get_form_kwargs(), "prefill": fields, "rules_initial": rows, "fixed_town": self.old.town}

    def form_context(self, form):
        return {"old": self.old}

    def update(self, old, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "town"}
        return services.arrangement_supersede(arrangement=old, actor=self.request.user, **data)

    def success_message(self, obj, *, created: bool) -> str:
        return gettext("已设定“%(new)s”，自%(date)s起替代原体制。") % {
            "new": obj.name, "date": f"{obj.effective_from:%Y-%m-%d}"}
