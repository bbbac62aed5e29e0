"""Pages of l2's part of landuse, on core.generic: the farmland-balance table (占补平衡) with the
county's balancing entries, reclamations (list, registration, page with the acceptance workflow
and history), the town quota chart's JSON and the land-quota statement PDF. Reads through
landuse.selectors (scoped), writes through one service each."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core import charts
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from core.units import fmt_mu
from regions import scoping
from regions.choices import Role

from . import reports, rules, selectors, services
from .choices import ReclamationStatus
from .forms_farmland import AcceptForm, BalancingForm, ReclamationForm
from .models import FarmlandBalancing, Reclamation

NAV = "landuse/_nav.html"


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2199)


def _is_office(user) -> bool:
    return bool(user.is_superuser and user.is_active) or Role.OFFICE in scoping.roles(user)


# --- farmland balance ---------------------------------------------------------------------------

class FarmlandBalanceView(LoginRequiredMixin, TemplateView):
    """占补平衡: per county and town, farmland occupied vs replaced in the year, with what was
    carried and balanced; unbalanced towns first in a warning, with the office's balancing link."""

    template_name = "landuse/farmland_balance.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        counties = selectors.farmland_table(user=self.request.user, year=year)
        unbalanced = sorted((r for c in counties for r in c.unbalanced_towns), key=lambda r: -r.shortfall)
        return {**super().get_context_data(**kwargs), "year": year, "years": range(year - 3, year + 2),
                "counties": counties, "unbalanced": unbalanced, "is_office": _is_office(self.request.user),
                "active": "farmland"}


class BalancingListView(ScopedListView):
    title = _("占补平衡县级统筹")
    nav_template = NAV
    nav_active = "farmland"
    create_url = "landuse:balancing-create"
    create_label = _("登记统筹平衡")
    table_testid = "balancing-list"
    columns = (
        Column(_("年度"), "year"),
        Column(_("镇"), "town.name"),
        Column(_("统筹平衡耕地（亩）"), lambda b: fmt_mu(b.area_mu), css="text-end"),
        Column(_("耕地来源"), lambda b: b.get_source_display()),
        Column(_("调出镇"), lambda b: b.source_town.name if b.source_town_id else ""),
        Column(_("文号"), "document_number"),
        Column(_("冲销"), lambda b: gettext("冲销第 %(id)s 号") % {"id": b.reverses_id} if b.reverses_id else ""),
    )

    def get_queryset(self):
        return selectors.farmland_balancing_list(user=self.request.user)


class BalancingCreateView(ServiceFormView):
    model = FarmlandBalancing
    form_class = BalancingForm
    template_name = "landuse/farmland_form.html"
    initial_fields = ("town", "year", "area_mu")

    def create(self, form):
        return services.farmland_balancing_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, entry):
        return reverse("landuse:farmland") + f"?year={entry.year}"

    def form_context(self, form):
        return {"title": gettext("登记占补平衡县级统筹"), "back": reverse("landuse:farmland"), "active": "farmland"}


class BalancingReverseView(ServiceActionView):
    queryset = FarmlandBalancing.objects.all()
    require_reason = True
    service = services.farmland_balancing_reverse
    object_arg = "balancing"

    def get_success_url(self, obj):
        return reverse("landuse:balancing-list")


# --- reclamation --------------------------------------------------------------------------------

class ReclamationListView(ScopedListView):
    title = _("复垦项目")
    nav_template = NAV
    nav_active = "reclamation"
    create_url = "landuse:reclamation-create"
    create_label = _("登记复垦项目")
    table_testid = "reclamation-list"
    columns = (
        Column(_("项目名称"), "name", link="landuse:reclamation-detail"),
        Column(_("镇"), "town.name"),
        Column(_("类型"), lambda r: r.get_kind_display()),
        Column(_("申报新增耕地（亩）"), lambda r: fmt_mu(r.area_mu), css="text-end"),
        Column(_("申请验收日期"), lambda r: f"{r.applied_on:%Y-%m-%d}"),
        Column(_("状态"), lambda r: r.get_status_display()),
        Column(_("复垦补助（元）"), lambda r: f"{r.acceptance.subsidy_amount:,}" if _accepted(r) else "", css="text-end"),
    )

    def get_queryset(self):
        return selectors.reclamation_list(user=self.request.user)


def _accepted(r) -> bool:
    try:
        return r.acceptance is not None
    except Reclamation.acceptance.RelatedObjectDoesNotExist:
        return False


class ReclamationCreateView(ServiceFormView):
    model = Reclamation
    form_class = ReclamationForm
    template_name = "landuse/farmland_form.html"

    def create(self, form):
        return services.reclamation_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, reclamation):
        return reverse("landuse:reclamation-detail", args=[reclamation.pk])

    def form_context(self, form):
        return {"title": gettext("登记复垦项目"), "back": reverse("landuse:reclamation-list"), "active": "reclamation"}


class ReclamationDetailView(ScopedDetailView):
    """A reclamation with its acceptance: the quota gained, finance's record and the subsidy; the
    office's accept and reject forms while it is pending; the history tab."""

    template_name = "landuse/reclamation_detail.html"
    context_object_name = "reclamation"
    states, state_field = ReclamationStatus, "status"

    def get_queryset(self):
        return selectors.reclamation_list(user=self.request.user)

    def get_detail_context(self, reclamation):
        acceptance = selectors.reclamation_acceptance_get(reclamation=reclamation)
        return {"acceptance": acceptance, "accept_form": AcceptForm(initial={"accepted_on": timezone.localdate()}),
                "may_accept": self.can_change and _is_office(self.request.user),
                "area_ha": rules.mu_to_ha(reclamation.area_mu), "active": "reclamation"}


class _OfficeStep(ServiceActionView):
    queryset = Reclamation.objects.all()
    states = ReclamationStatus
    success_url_name = "landuse:reclamation-detail"
    object_arg = "reclamation"


class ReclamationAcceptView(_OfficeStep):
    transition = "accept"
    form_class = AcceptForm

    def perform(self, obj, data):
        return services.reclamation_accept(reclamation=obj, actor=self.request.user, **data)

    def success_message(self, obj, data):
        return gettext("已验收：%(name)s，新增指标和复垦补助已入账。") % {"name": obj.name}


class ReclamationRejectView(_OfficeStep):
    transition = "reject"
    require_reason = True
    service = services.reclamation_reject


# --- the town quota chart and statement ----------------------------------------------------------

def _town(request, pk) -> object:
    return get_object_or_404(scoping.towns_visible(request.user), pk=pk)


class TownQuotaChartView(LoginRequiredMixin, View):
    """The town quota page's chart (``?town=<id>``): received, gained, used, reserved and available
    by year, in mu. A town outside the jurisdiction is 404."""

    def get(self, request):
        town = request.GET.get("town") or ""
        if not town.isdigit():
            raise Http404
        town = _town(request, int(town))
        years = sorted(selectors.division_quota(division=town), key=lambda y: y.year)
        rows = [{"year": y.year, **{name: str(getattr(y.figures, name)) for name in
                                    ("received", "gained", "used", "reserved", "available")}} for y in years]

        def series(label, name, colour):
            return charts.Series(label, [float(getattr(y.figures, name)) for y in years], colour)

        option = charts.bar(
            [str(y.year) for y in years],
            series(gettext("下达"), "received", charts.BLUE), series(gettext("新增"), "gained", charts.GREEN),
            series(gettext("已用"), "used", charts.GREY), series(gettext("预留"), "reserved", charts.AMBER),
            series(gettext("可用"), "available", "#0b7285"), value_name=gettext("亩"),
        )
        option["yAxis"]["minInterval"] = 0
        for s in option["series"]:
            s["label"]["show"] = False
        return charts.chart_response(option, rows=rows)


class TownStatementView(LoginRequiredMixin, View):
    """建设用地指标使用情况 (PDF) of a town and ``?year=``; 404 outside the jurisdiction."""

    def get(self, request, pk):
        town = _town(request, pk)
        year = _year(request)
        response = HttpResponse(reports.statement_pdf(town=town, year=year), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="land-quota-{town.code}-{year}.pdf"'
        return response


