"""Pages of landuse's quota, on core.generic: the county's allocation screen across its towns (the
index), a town's quota page by year, the movements of quota (list, new, reverse), the gains,
the projects (list, priority list, new, edit, detail with its reservation and history) and their
workflow steps (submit, approve, reject, withdraw, draw). Reads through landuse.selectors
(scoped), writes through one service each."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.generic.actions import ServiceActionView
from core.generic.columns import Column, render_rows
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from core.units import fmt_mu
from regions import scoping
from regions.choices import Level

from . import rules, selectors, services
from .choices import ProjectStatus
from .forms import AllocationForm, ApprovalForm, GainForm, ProjectForm, SubmitForm
from .models import Allocation, Project, QuotaGain

NAV = "landuse/_nav.html"


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2199)


def _mu(value) -> str:
    return format_html('<span class="text-nowrap">{}</span> <span class="text-muted small">{}</span>',
                       fmt_mu(value), gettext("%(ha)s公顷") % {"ha": f"{rules.mu_to_ha(value):,}"})


class CountyAllocationView(LoginRequiredMixin, TemplateView):
    """The allocation screen: per county in scope, its own quota of the year (general, pilot share,
    招拍挂) and each town's received, gained, reserved, used and available. A clerk sees its town."""

    template_name = "landuse/county.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        user = self.request.user
        visible = scoping.divisions_visible(user)
        counties = list(visible.filter(level=Level.COUNTY).order_by("code"))
        screens = [selectors.county_allocation(county=c, year=year) for c in counties]
        # Towns in scope whose county is not (a clerk's own town): their rows only.
        lone = list(visible.filter(level=Level.TOWN).exclude(parent__in=counties).select_related("parent")
                    .order_by("code"))
        lone_rows = []
        if lone:
            totals = selectors.towns_figures(towns=lone, year=year)
            lone_rows = [selectors.TownRow(t, totals[t.pk]) for t in lone]
        return {**super().get_context_data(**kwargs), "year": year, "years": range(year - 3, year + 2),
                "screens": screens, "lone_rows": lone_rows, "active": "allocation",
                "can_allocate": scoping.may_write_model(user, Allocation)}


class TownQuotaView(LoginRequiredMixin, TemplateView):
    """A town's quota page: received, reserved, used, gained, available by year (per pool and in
    total), what came in, what was gained, the projects and their reservations. 404 outside scope."""

    template_name = "landuse/town.html"

    def get_context_data(self, **kwargs):
        town = get_object_or_404(scoping.towns_visible(self.request.user).select_related("parent"), pk=self.kwargs["pk"])
        year = _year(self.request)
        years = selectors.division_quota(division=town)
        current = next((r for r in years if r.year == year), None)
        projects = list(Project.objects.filter(town=town, year=year).order_by("-qualifying", "status", "-id"))
        allocations = list(Allocation.objects.filter(target__division=town, year=year)
                           .select_related("source__division", "target").order_by("-allocated_on", "-id"))
        gains = list(QuotaGain.objects.filter(town=town, year=year).order_by("-accepted_on", "-id"))
        return {**super().get_context_data(**kwargs), "town": town, "year": year, "years_rows": years,
                "current": current, "projects": projects, "allocations": allocations, "gains": gains,
                "year_choices": range(year - 3, year + 2), "active": "allocation",
                "can_create_project": scoping.may_write_model(self.request.user, Project)}


class AllocationListView(ScopedListView):
    title = _("指标下达与调剂")
    create_url = "landuse:allocation-create"
    create_label = _("下达指标")
    nav_template, nav_active = NAV, "allocations"
    table_testid = "allocation-list"
    columns = (
        Column(_("年度"), "year"),
        Column(_("类型"), lambda a: a.get_kind_display()),
        Column(_("调出"), lambda a: f"{a.source.division.name} {a.source.get_pool_display()}" if a.source_id else "—"),
        Column(_("调入"), lambda a: f"{a.target.division.name} {a.target.get_pool_display()}"),
        Column(_("面积（亩）"), lambda a: _mu(a.amount_mu), css="text-end"),
        Column(_("文号"), "document_number"),
        Column(_("下达日期"), "allocated_on"),
        Column(_("冲销"), lambda a: gettext("已冲销：%(r)s") % {"r": a.reversal_reason} if a.reversal_posting_id else ""),
    )

    def get_queryset(self):
        return selectors.allocation_list(user=self.request.user)


class AllocationCreateView(ServiceFormView):
    model = Allocation
    form_class = AllocationForm
    template_name = "landuse/form.html"

    def form_context(self, form):
        return {"title": gettext("下达或调剂用地指标"), "cancel": reverse("landuse:allocation-list"), "active": "allocations"}

    def create(self, form):
        return services.allocation_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, allocation):
        return reverse("landuse:allocation-list")


class AllocationReverseView(ServiceActionView):
    queryset = Allocation.objects.all()
    require_reason = True
    service = services.allocation_reverse
    object_arg = "allocation"

    def get_success_url(self, obj):
        return reverse("landuse:allocation-list")


class GainCreateView(ServiceFormView):
    model = QuotaGain
    form_class = GainForm
    template_name = "landuse/form.html"

    def form_context(self, form):
        return {"title": gettext("登记新增指标（土地整理、增减挂钩）"), "cancel": reverse("landuse:index"), "active": "allocation"}

    def create(self, form):
        data = form.cleaned_data
        return services.quota_gain(actor=self.request.user, source_key=f"manual:{data['kind']}:{data['document_number']}",
                                   **data)

    def success_url(self, gain):
        return reverse("landuse:town", args=[gain.town_id]) + f"?year={gain.year}"


def _project_name(p):
    badge = format_html(' <span class="badge text-bg-warning" data-testid="flag-outside">{}</span>', gettext("园区外"))
    star = format_html(' <span class="badge text-bg-primary">{}</span>', gettext("优先"))
    return format_html("{}{}{}", p.name, badge if p.flagged else "", star if p.qualifying else "")


PROJECT_COLUMNS = (
    Column(_("项目名称"), _project_name, link="landuse:project-detail"),
    Column(_("镇"), "town.name"),
    Column(_("年度"), "year"),
    Column(_("类型"), lambda p: p.get_kind_display()),
    Column(_("使用指标（亩）"), lambda p: _mu(p.quota_mu), css="text-end"),
    Column(_("占用耕地（亩）"), lambda p: fmt_mu(p.farmland_mu), css="text-end"),
    Column(_("状态"), badge=("status", "landuse.ProjectStatus")),
    # Only a reservation still held has an expiry worth showing (an approved one was posted).
    Column(_("预留到期"), lambda p: p.reservation_expires_on if p.status == ProjectStatus.UNDER_REVIEW else None),
)


class ProjectListView(ScopedListView):
    title = _("用地项目")
    create_url = "landuse:project-create"
    create_label = _("登记项目")
    nav_template, nav_active = NAV, "projects"
    table_testid = "project-list"
    columns = PROJECT_COLUMNS

    def get_queryset(self):
        qs = selectors.project_list(user=self.request.user)
        status = self.request.GET.get("status")
        if status in ProjectStatus.values:
            qs = qs.filter(status=status)
        if self.request.GET.get("flagged") == "yes":
            qs = qs.filter(flagged=True)
        return qs


class PriorityListView(ScopedListView):
    """Projects waiting for quota or under review, qualifying ones first (the order quota is given in)."""

    title = _("优先安排清单")
    nav_template, nav_active = NAV, "priority"
    table_testid = "priority-list"
    ordering = "id"
    columns = (Column(_("顺序"), lambda p: p.rank), Column(_("优先理由"), "priority_reason"),
               Column(_("报批日期"), "applied_on"), *PROJECT_COLUMNS)
    page_size = 200

    def get_queryset(self):
        return selectors.priority_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        # The priority order is not the id order: one page of the list, ranked in order.
        rows = list(self.get_queryset()[: self.page_size])
        for n, row in enumerate(rows, start=1):
            row.rank = n
        return {**TemplateView.get_context_data(self, **kwargs), "object_list": rows, "view": self,
                "rows_html": render_rows(self.columns, rows, row_attrs=self.row_attrs), "can_create": False}


class ProjectCreateView(ServiceFormView):
    model = Project
    form_class = ProjectForm
    template_name = "landuse/form.html"
    initial_fields = ("town", "year")

    def form_context(self, form):
        return {"title": gettext("登记用地项目"), "cancel": reverse("landuse:project-list"), "active": "projects"}

    def create(self, form):
        return services.project_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, project):
        return reverse("landuse:project-detail", args=[project.pk])


class ProjectUpdateView(ProjectCreateView):
    def make_form(self, obj, data=None, files=None):
        kwargs = {"user": self.request.user, "instance": obj}
        return self.form_class(data, files, **kwargs) if data is not None else self.form_class(**kwargs)

    def form_context(self, form):
        return {**super().form_context(form), "title": gettext("修改用地项目")}

    def update(self, obj, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "town"}
        return services.project_update(project=obj, actor=self.request.user, **data)


class ProjectDetailView(ScopedDetailView):
    """A project: its areas and documents, its reservation on the ledger, the workflow steps."""

    template_name = "landuse/project_detail.html"
    context_object_name = "project"
    states, state_field = ProjectStatus, "status"
    tabs = (("ledger", _("指标台账")),)

    def get_queryset(self):
        return selectors.project_list(user=self.request.user).select_related("reservation", "draw")

    def get_detail_context(self, project):
        context = {"submit_form": SubmitForm(), "approval_form": ApprovalForm(), "active": "projects",
                   "quota_ha": rules.mu_to_ha(project.quota_mu), "area_ha": rules.mu_to_ha(project.area_mu),
                   "farmland_ha": rules.mu_to_ha(project.farmland_mu)}
        if self.request.GET.get("tab") == "ledger":
            from core.ledger.models import Entry

            postings = [p for p in (project.reservation_id, project.draw_id) if p]
            context["entries"] = list(
                Entry.objects.filter(Q(posting_id__in=postings) | Q(posting__resolves_id__in=postings))
                .select_related("posting", "account").order_by("id")) if postings else []
        return context


class _ProjectStep(ServiceActionView):
    queryset = Project.objects.all()
    states = ProjectStatus
    success_url_name = "landuse:project-detail"
    object_arg = "project"
    noun = _("用地项目")

    def post(self, request, **kwargs):
        # The role first (403), as the service does, before the state is looked at.
        project = self.get_object()
        services.require_role(request.user, project.town, services.STEP_ROLES[self.transition],
                              services.STEP_REFUSALS[self.transition])
        return super().post(request, **kwargs)


class ProjectSubmitView(_ProjectStep):
    transition = "submit"
    form_class = SubmitForm
    service = services.project_submit


class ProjectApproveView(_ProjectStep):
    transition = "approve"
    form_class = ApprovalForm
    service = services.project_approve


class ProjectDrawView(_ProjectStep):
    transition = "draw"
    form_class = ApprovalForm
    service = services.project_draw


class ProjectRejectView(_ProjectStep):
    transition = "reject"
    require_reason = True
    service = services.project_reject


class ProjectWithdrawView(_ProjectStep):
    transition = "withdraw"
    require_reason = True
    service = services.project_withdraw

