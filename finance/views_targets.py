"""Pages of targets, debt and quarterly inspection (issue 11 §6, §8), on core.generic: a town's
targets-and-debt page, the county overview across towns, the forms of the office (targets,
figures, borrowing, repayment, reversal), the checklist, and the inspections (list, detail with
its results and findings, open, record, find, complete, close). Reads through finance.selectors
(scoped), writes through one service of finance.services.targets each."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.generic import access
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from regions import scoping

from . import forms_targets as f
from . import rules, selectors
from .choices import CheckResult, FindingStatus, InspectionStatus, Severity
from .models import ChecklistItem, DebtEntry, GrowthTarget, Inspection, InspectionFinding, YearFigure
from .services import targets as st


def _year(request, default: int | None = None) -> int:
    try:
        year = int(request.GET.get("year") or default or timezone.localdate().year)
    except ValueError:
        year = default or timezone.localdate().year
    return min(max(year, 2000), 2199)


class TownTargetsView(LoginRequiredMixin, TemplateView):
    """A town's targets and debt: for each year of the arrangement's term (or the five years up to
    the one asked) the three indicators against their targets; the debt by lender at the end of
    the year asked, its entries and the year's new borrowing (严控新增债务)."""

    template_name = "finance/targets_town.html"

    def get_context_data(self, **kwargs):
        town = get_object_or_404(scoping.towns_visible(self.request.user), pk=self.kwargs["pk"])
        arrangement = town.fiscal_arrangements.order_by("effective_from").first()
        first = arrangement.term_start.year if arrangement else None
        year = _year(self.request, arrangement.term_end.year if arrangement else None)
        years = (list(range(first, arrangement.term_end.year + 1)) if arrangement and first <= year
                 <= arrangement.term_end.year else list(range(year - 4, year + 1)))
        user = self.request.user
        entries = list(selectors.debt_entry_list(user=user).filter(town=town, occurred_on__year__lte=year)
                       .order_by("-occurred_on", "-id"))
        return {**super().get_context_data(**kwargs), "town": town, "year": year, "years": years,
                "targets": selectors.town_targets(town=town, years=years),
                "lenders": selectors.debt_by_lender(town_ids=[town.pk], year=year).get(town.pk, []),
                "entries": entries, "new_debt": list(selectors.new_debt_list(town_ids=[town.pk], year=year)),
                "can_write": access.may_write_model(user, DebtEntry) and access.can(user, access.CHANGE, DebtEntry(
                    town=town)),
                "can_set": access.can(user, access.CHANGE, GrowthTarget(town=town))}


class TargetsOverviewView(LoginRequiredMixin, TemplateView):
    """The county overview across the towns in scope: targets met or not, debt balances, new debt."""

    template_name = "finance/targets_overview.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request, timezone.localdate().year - 1)
        rows = selectors.targets_overview(user=self.request.user, year=year)
        return {**super().get_context_data(**kwargs), "year": year, "years": range(year - 4, year + 2), "rows": rows,
                "warned": [r for r in rows if r.new_debt_count],
                "can_write": access.may_write_model(self.request.user, DebtEntry)}


class _Form(ServiceFormView):
    template_name = "finance/targets_form.html"
    title = ""

    def form_context(self, form):
        return {"title": self.title}

    def success_url(self, row):
        return reverse("finance:targets", args=[row.town_id]) + f"?year={getattr(row, 'year', None) or row.occurred_on.year}"


class GrowthTargetSetView(_Form):
    model = GrowthTarget
    form_class = f.GrowthTargetForm
    title = _("设定增长目标")
    initial_fields = ("town", "year", "indicator")

    def create(self, form):
        return st.growth_target_set(actor=self.request.user, **form.cleaned_data)


class YearFigureCreateView(_Form):
    model = YearFigure
    form_class = f.YearFigureForm
    title = _("登记年度实际数")
    initial_fields = ("town", "year", "indicator")

    def create(self, form):
        return st.year_figure_enter(actor=self.request.user, **form.cleaned_data)


class DebtBorrowView(_Form):
    model = DebtEntry
    form_class = f.DebtBorrowForm
    title = _("登记新增举借")
    initial_fields = ("town",)

    def create(self, form):
        return st.debt_borrow(actor=self.request.user, **form.cleaned_data)

    def success_message(self, entry, *, created):
        return gettext("已登记新增举借 %(amount)s 元：严控新增债务，已通知领导小组办公室。") % {"amount": rules.fmt(entry.amount)}

    def form_context(self, form):
        return {"title": self.title, "warning": gettext("严控新增债务：新增举借须经审批，登记后即通知县领导小组办公室。")}


class DebtRepayView(_Form):
    model = DebtEntry
    form_class = f.DebtRepayForm
    title = _("登记偿还")
    initial_fields = ("town", "lender")

    def create(self, form):
        return st.debt_repay(actor=self.request.user, **form.cleaned_data)


class DebtEntryReverseView(ServiceActionView):
    queryset = DebtEntry.objects.select_related("town")
    require_reason = True
    service = st.debt_entry_reverse
    object_arg = "entry"

    def get_success_url(self, entry):
        return reverse("finance:targets", args=[entry.town_id]) + "#debt"


class ChecklistListView(ScopedListView):
    title = _("按季检查清单")
    create_url = "finance:checklist-create"
    create_label = _("添加检查项目")
    table_testid = "checklist"
    ordering = "id"
    nav_template = "finance/_nav.html"
    columns = (
        Column(_("县"), "county.name"),
        Column(_("编号"), "code"),
        Column(_("检查内容"), "text"),
        Column(_("在用"), lambda i: gettext("是") if i.is_active else gettext("否")),
    )

    def get_queryset(self):
        return selectors.checklist_item_list(user=self.request.user)


class ChecklistItemCreateView(ServiceFormView):
    model = ChecklistItem
    form_class = f.ChecklistItemForm
    template_name = "finance/targets_form.html"

    def form_context(self, form):
        return {"title": gettext("添加检查项目")}

    def create(self, form):
        return st.checklist_item_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, item):
        return reverse("finance:checklist")


class InspectionListView(ScopedListView):
    title = _("按季检查")
    create_url = "finance:inspection-create"
    create_label = _("登记检查")
    table_testid = "inspections"
    nav_template = "finance/_nav.html"
    columns = (
        Column(_("镇"), "town.name"),
        Column(_("期间"), lambda i: gettext("%(year)s年第%(q)s季度") % {"year": i.year, "q": i.quarter},
               link="finance:inspection-detail"),
        Column(_("检查日期"), "inspected_on"),
        Column(_("检查人员"), "inspectors"),
        Column(_("不符合项"), "failed", css="text-end"),
        Column(_("待整改问题"), "open_findings", css="text-end"),
        Column(_("状态"), lambda i: InspectionStatus(i.status).label),
    )

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user)


class InspectionCreateView(ServiceFormView):
    model = Inspection
    form_class = f.InspectionForm
    template_name = "finance/targets_form.html"
    initial_fields = ("town", "year", "quarter")

    def form_context(self, form):
        return {"title": gettext("登记按季检查")}

    def create(self, form):
        return st.inspection_open(actor=self.request.user, **form.cleaned_data)

    def success_url(self, inspection):
        return reverse("finance:inspection-detail", args=[inspection.pk])


class InspectionDetailView(ScopedDetailView):
    """An inspection: its checklist results, findings, and (to the office, while open) the forms."""

    template_name = "finance/inspection_detail.html"
    context_object_name = "inspection"
    states = InspectionStatus

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user)

    def get_detail_context(self, inspection):
        results = list(inspection.results.select_related("item"))
        return {"results": results, "findings": list(inspection.findings.select_related("item")),
                "result_choices": CheckResult.choices, "severity_choices": Severity.choices,
                "is_open": inspection.status == InspectionStatus.OPEN}


class _InspectionStep(ServiceActionView):
    queryset = Inspection.objects.all()
    states = InspectionStatus
    object_arg = "inspection"
    success_url_name = "finance:inspection-detail"
    noun = _("检查")


class InspectionResultsView(_InspectionStep):
    transition = "record"
    form_class = f.InspectionResultsForm

    def get_form_kwargs(self, obj):
        return {"inspection": obj}

    def perform(self, inspection, data):
        results = [{"item": int(key.removeprefix("result_")), "result": value,
                    "note": data.get(f"note_{key.removeprefix('result_')}", "")}
                   for key, value in data.items() if key.startswith("result_")]
        return st.inspection_results_record(inspection=inspection, results=results, actor=self.request.user)

    def success_message(self, obj, data):
        return gettext("检查结果已保存。")


class InspectionFindingAddView(_InspectionStep):
    transition = "record"
    form_class = f.FindingForm
    service = st.inspection_finding_add

    def success_message(self, obj, data):
        return gettext("已记录发现的问题。")


class InspectionCompleteView(_InspectionStep):
    transition = "complete"
    form_class = f.CompleteForm
    service = st.inspection_complete


class FindingCloseView(ServiceActionView):
    queryset = InspectionFinding.objects.select_related("inspection")
    states = FindingStatus
    transition = "close"
    form_class = f.FindingCloseForm
    service = st.inspection_finding_close
    object_arg = "finding"
    noun = _("问题")

    def get_success_url(self, finding):
        return reverse("finance:inspection-detail", args=[finding.inspection_id])
