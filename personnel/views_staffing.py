"""Pages of the establishment (issue 12 §1–4, §8): the staffing table of each town (approved vs
filled vs free, by kind and institution, with a chart and the PDF 机构编制使用情况表), people
(list, record with history, entry, exit, move, rank-up), institutions and posts, plans and their
approval, approval documents, payroll counts and the cross-check. On core.generic; reads through
selectors_staffing (scoped), writes through one service each. Personal data is masked for every
role but the town's clerks and the office (rules_staffing.PII_ROLES), decided per person by the
user's roles in the person's town (selectors_staffing.sees_personal_data)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.charts import BLUE, GREEN, Series, bar, chart_response
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from regions import scoping

from . import reports_staffing, rules_staffing, selectors_staffing, services_staffing
from .choices_staffing import PersonStatus, PlanStatus
from .forms_staffing import (
    ApprovalForm,
    PayrollForm,
    PersonEnterForm,
    PersonExitForm,
    PersonMoveForm,
    PersonRankUpForm,
    PlanApproveForm,
    PlanForm,
    PlanLineForm,
    PostForm,
)
from .models import EstablishmentApproval, InstitutionPlan, PayrollCount, Person, Post

NAV = "personnel/staffing/_nav.html"


def sees_pii(user, person: Person) -> bool:
    return selectors_staffing.sees_personal_data(user=user, town=person.town)


def pii(person: Person, visible: bool) -> dict:
    """The personal data of ``person`` as the page shows it to a user who may (not) see it."""
    if visible:
        return {"id_number": person.id_number, "phone": person.phone or "—",
                "birth_date": f"{person.birth_date:%Y-%m-%d}"}
    return {"id_number": rules_staffing.mask_id_number(person.id_number),
            "phone": rules_staffing.mask_phone(person.phone) or "—",
            "birth_date": rules_staffing.mask_birth_date(person.birth_date)}


def _town(request, pk):
    return get_object_or_404(scoping.towns_visible(request.user), pk=pk)


# --- the staffing table ----------------------------------------------------------------------


class StaffingIndexView(LoginRequiredMixin, TemplateView):
    """Every town in scope with an establishment: approved / filled / free per kind."""

    template_name = "personnel/staffing/index.html"

    def get_context_data(self, **kwargs):
        towns = list(selectors_staffing.towns_with_establishment(user=self.request.user))
        rows = selectors_staffing.staffing_tables(towns=towns)
        return {**super().get_context_data(**kwargs), "tables": rows, "nav_active": "staffing"}


class TownStaffingView(LoginRequiredMixin, TemplateView):
    """One town's staffing table, its chart, leadership posts, plans and the PDF."""

    template_name = "personnel/staffing/town.html"

    def get_context_data(self, **kwargs):
        town = _town(self.request, self.kwargs["pk"])
        table = selectors_staffing.staffing_table(town=town)
        plans = InstitutionPlan.objects.filter(town=town).exclude(status=PlanStatus.APPROVED).order_by("-id")[:5]
        approvals = EstablishmentApproval.objects.filter(town=town).order_by("-document_date", "-id")[:10]
        return {**super().get_context_data(**kwargs), "town": town, "table": table, "plans": plans,
                "approvals": approvals, "nav_active": "staffing"}


@login_required
def town_staffing_chart(request, pk):
    town = _town(request, pk)
    table = selectors_staffing.staffing_table(town=town)
    data = table.chart()
    option = bar(data["labels"], Series(gettext("在编"), data["filled"], GREEN), Series(gettext("空编"), data["free"], BLUE),
                 horizontal=True, value_name=gettext("名"))
    option["series"][0]["stack"] = option["series"][1]["stack"] = "posts"
    rows = [{"institution": r.label, "kind": r.kind, "approved": r.approved, "filled": r.filled, "free": r.free}
            for r in table.institutions]
    return chart_response(option, rows=rows)


@login_required
def town_staffing_pdf(request, pk):
    """机构编制使用情况表 (GB/T 9704); 404 outside the user's jurisdiction."""
    town = _town(request, pk)
    content = reports_staffing.staffing_pdf(table=selectors_staffing.staffing_table(town=town))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="staffing-{town.code}.pdf"'
    return response


# --- people ----------------------------------------------------------------------------------


class PersonListView(ScopedListView):
    title = _("在编人员（实名制）")
    model = Person  # the create button for those who write it
    create_url = "personnel:person-create"
    create_label = _("入编登记")
    table_testid = "person-list"
    nav_template, nav_active = NAV, "people"
    ordering = "id"

    def get_queryset(self):
        qs = selectors_staffing.person_list(user=self.request.user)
        status = self.request.GET.get("status", PersonStatus.IN)
        return qs.filter(status=status) if status in PersonStatus.values else qs

    def get(self, request, *args, **kwargs):
        user = request.user
        self.columns = (
            Column(_("姓名"), "name", link="personnel:person-detail"),
            Column(_("镇"), "town.name"),
            Column(_("公民身份号码"), lambda p: pii(p, sees_pii(user, p))["id_number"], css="text-nowrap font-monospace"),
            Column(_("内设机构"), lambda p: p.post.institution.name if p.post_id else ""),
            Column(_("岗位"), lambda p: p.post.title if p.post_id else ""),
            Column(_("编制类型"), lambda p: p.post.get_kind_display() if p.post_id else ""),
            Column(_("职级"), lambda p: p.get_rank_display()),
            Column(_("政治面貌"), lambda p: p.get_political_status_display()),
            Column(_("学历"), lambda p: p.get_education_display()),
            Column(_("入编文号"), "entry_document"),
            Column(_("入编日期"), "entry_date"),
        )
        return super().get(request, *args, **kwargs)


class PersonDetailView(ScopedDetailView):
    template_name = "personnel/staffing/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return selectors_staffing.person_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "history" in context and not sees_pii(self.request.user, self.object):
            context["history"] = rules_staffing.mask_history(context["history"])
        return context

    def get_detail_context(self, person):
        user = self.request.user
        context = {"pii": pii(person, sees_pii(user, person)), "movements": selectors_staffing.person_movements(person=person),
                   "nav_active": "people"}
        if self.can_change and person.status == PersonStatus.IN:
            context.update(exit_form=PersonExitForm(user=user), move_form=PersonMoveForm(user=user),
                           rank_form=PersonRankUpForm(user=user))
        return context


class PersonCreateView(ServiceFormView):
    model = Person
    form_class = PersonEnterForm
    template_name = "personnel/staffing/form.html"

    def form_context(self, form):
        return {"title": gettext("入编登记"), "back": reverse("personnel:person-list"), "nav_active": "people"}

    def create(self, form):
        return services_staffing.person_enter(actor=self.request.user, **form.cleaned_data)

    def success_url(self, person):
        return reverse("personnel:person-detail", args=[person.pk])

    def success_message(self, obj, *, created):
        return gettext("已入编：%(name)s") % {"name": obj.name}


class _PersonStep(ServiceActionView):
    queryset = Person.objects.select_related("town", "post__institution__town")
    success_url_name = "personnel:person-detail"
    object_arg = "person"

    def get_form_kwargs(self, obj):
        return {"user": self.request.user}

    def success_message(self, obj, data):
        return gettext("已办理：%(name)s") % {"name": obj.name}


class PersonExitView(_PersonStep):
    form_class = PersonExitForm
    service = services_staffing.person_exit


class PersonMoveView(_PersonStep):
    form_class = PersonMoveForm
    service = services_staffing.person_move


class PersonRankUpView(_PersonStep):
    form_class = PersonRankUpForm
    service = services_staffing.person_rank_up


# --- institutions and posts ------------------------------------------------------------------


class InstitutionListView(ScopedListView):
    title = _("内设机构")
    table_testid = "institution-list"
    nav_template, nav_active = NAV, "institutions"
    ordering = "id"
    columns = (
        Column(_("镇"), "town.name"),
        Column(_("机构名称"), "name"),
        Column(_("机构性质"), lambda i: i.get_nature_display()),
        Column(_("重要内设机构"), "is_key"),
        Column(_("设立文号"), "founding_document"),
        Column(_("设立日期"), "founded_on"),
        Column(_("撤销日期"), "abolished_on"),
    )

    def get_queryset(self):
        return selectors_staffing.institution_list(user=self.request.user)


class PostListView(ScopedListView):
    title = _("岗位")
    table_testid = "post-list"
    model = Post  # the create button for those who write it
    create_url = "personnel:post-create"
    create_label = _("新增岗位")
    nav_template, nav_active = NAV, "institutions"
    ordering = "id"
    columns = (
        Column(_("镇"), "institution.town.name"),
        Column(_("内设机构"), "institution.name"),
        Column(_("岗位名称"), "title"),
        Column(_("编制类型"), lambda p: p.get_kind_display()),
        Column(_("岗位类别"), lambda p: p.get_role_display()),
        Column(_("领导职数"), lambda p: p.get_leader_level_display()),
        Column(_("在用"), "is_active"),
    )

    def get_queryset(self):
        return selectors_staffing.post_list(user=self.request.user)


class PostCreateView(ServiceFormView):
    model = Post
    form_class = PostForm
    template_name = "personnel/staffing/form.html"

    def form_context(self, form):
        return {"title": gettext("新增岗位"), "back": reverse("personnel:post-list"), "nav_active": "institutions"}

    def create(self, form):
        return services_staffing.post_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, post):
        return reverse("personnel:post-list")


# --- plans -----------------------------------------------------------------------------------


class PlanListView(ScopedListView):
    title = _("机构调整设置方案")
    table_testid = "plan-list"
    model = InstitutionPlan  # the create button for those who write it
    create_url = "personnel:plan-create"
    create_label = _("草拟方案")
    nav_template, nav_active = NAV, "plans"
    columns = (
        Column(_("方案名称"), "title", link="personnel:plan-detail"),
        Column(_("镇"), "town.name"),
        Column(_("状态"), badge=("status", "personnel.PlanStatus")),
        Column(_("事项数"), "line_count"),
        Column(_("报批日期"), "submitted_on"),
        Column(_("批准文号"), "approval_number"),
    )

    def get_queryset(self):
        return selectors_staffing.plan_list(user=self.request.user)


class PlanCreateView(ServiceFormView):
    model = InstitutionPlan
    form_class = PlanForm
    template_name = "personnel/staffing/form.html"

    def form_context(self, form):
        return {"title": gettext("草拟机构调整设置方案"), "back": reverse("personnel:plan-list"), "nav_active": "plans"}

    def create(self, form):
        return services_staffing.plan_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, plan):
        return reverse("personnel:plan-detail", args=[plan.pk])


class PlanDetailView(ScopedDetailView):
    template_name = "personnel/staffing/plan_detail.html"
    context_object_name = "plan"
    states, state_field = PlanStatus, "status"

    def get_queryset(self):
        return selectors_staffing.plan_list(user=self.request.user)

    def get_detail_context(self, plan):
        user = self.request.user
        lines = list(plan.lines.select_related("institution").order_by("id"))
        numbers = {}
        for line in lines:
            if line.institution_id:
                numbers[line.pk] = selectors_staffing.institution_numbers(line.institution)
        office = scoping.can(user, scoping.CHANGE, rules_staffing.CountyDecision(plan.town))
        return {"lines": [(line, numbers.get(line.pk)) for line in lines], "nav_active": "plans",
                "line_form": PlanLineForm(user=user, plan=plan) if plan.status == PlanStatus.DRAFT else None,
                "approve_form": PlanApproveForm(user=user, initial={"decided_on": timezone.localdate()}) if office else None,
                "is_office": office, "table": selectors_staffing.staffing_table(town=plan.town)}


class PlanLineAddView(ServiceActionView):
    queryset = InstitutionPlan.objects.select_related("town")
    form_class = PlanLineForm
    success_url_name = "personnel:plan-detail"
    service = services_staffing.plan_line_add
    object_arg = "plan"

    def get_form_kwargs(self, obj):
        return {"user": self.request.user, "plan": obj}

    def perform(self, obj, data):
        services_staffing.plan_line_add(plan=obj, actor=self.request.user, **data)
        return obj


class PlanSubmitView(ServiceActionView):
    queryset = InstitutionPlan.objects.all()
    states, transition = PlanStatus, "submit"
    success_url_name = "personnel:plan-detail"
    service = services_staffing.plan_submit
    object_arg = "plan"


class PlanApproveView(ServiceActionView):
    queryset = InstitutionPlan.objects.all()
    states, transition = PlanStatus, "approve"
    form_class = PlanApproveForm
    success_url_name = "personnel:plan-detail"
    service = services_staffing.plan_approve
    object_arg = "plan"

    def get_form_kwargs(self, obj):
        return {"user": self.request.user}


class PlanRejectView(ServiceActionView):
    queryset = InstitutionPlan.objects.all()
    states, transition = PlanStatus, "reject"
    require_reason = True
    success_url_name = "personnel:plan-detail"
    service = services_staffing.plan_reject
    object_arg = "plan"


# --- approvals, payroll, cross-check -----------------------------------------------------------


class ApprovalListView(ScopedListView):
    title = _("编制批复")
    table_testid = "approval-list"
    model = EstablishmentApproval  # the create button for those who write it
    create_url = "personnel:approval-create"
    create_label = _("登记编制批复")
    nav_template, nav_active = NAV, "approvals"
    columns = (
        Column(_("镇"), "town.name"),
        Column(_("编制类别"), lambda a: a.get_quota_kind_display()),
        Column(_("增减数（名）"), lambda a: f"{a.delta:+d}", css="text-end"),
        Column(_("批准文件类别"), lambda a: a.get_document_kind_display()),
        Column(_("批准文号"), "document_number"),
        Column(_("批准日期"), "document_date"),
        Column(_("批准机关"), "issued_by"),
        Column(_("记账凭证"), lambda a: gettext("第 %(id)s 号") % {"id": a.posting_id}),
    )

    def get_queryset(self):
        return selectors_staffing.approval_list(user=self.request.user)


class ApprovalCreateView(ServiceFormView):
    model = EstablishmentApproval
    form_class = ApprovalForm
    template_name = "personnel/staffing/form.html"

    def form_context(self, form):
        return {"title": gettext("登记编制批复"), "back": reverse("personnel:approval-list"), "nav_active": "approvals"}

    def create(self, form):
        return services_staffing.establishment_approve(actor=self.request.user, **form.cleaned_data)

    def success_url(self, approval):
        return reverse("personnel:town-staffing", args=[approval.town_id])


class PayrollListView(ScopedListView):
    title = _("财政发薪人数")
    table_testid = "payroll-list"
    model = PayrollCount  # the create button for those who write it
    create_url = "personnel:payroll-create"
    create_label = _("登记发薪人数")
    nav_template, nav_active = NAV, "crosscheck"
    columns = (
        Column(_("镇"), "town.name"),
        Column(_("月份"), lambda r: f"{r.month:%Y-%m}"),
        Column(_("编制类型"), lambda r: r.get_kind_display()),
        Column(_("发薪人数"), "count", css="text-end"),
        Column(_("说明"), "note"),
    )

    def get_queryset(self):
        return selectors_staffing.payroll_list(user=self.request.user)


class PayrollCreateView(ServiceFormView):
    model = PayrollCount
    form_class = PayrollForm
    template_name = "personnel/staffing/form.html"

    def form_context(self, form):
        return {"title": gettext("登记财政发薪人数"), "back": reverse("personnel:payroll-list"), "nav_active": "crosscheck"}

    def create(self, form):
        return services_staffing.payroll_count_record(actor=self.request.user, **form.cleaned_data)

    def success_url(self, row):
        return reverse("personnel:cross-check") + f"?month={row.month:%Y-%m}"


class CrossCheckView(LoginRequiredMixin, TemplateView):
    """People in establishment vs approved posts vs people paid, for a month: every mismatch."""

    template_name = "personnel/staffing/cross_check.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        error = ""
        # no month asked for: the latest month (up to this one) with a payroll count in scope, since
        # the count is reported after the month; this month when there is none
        latest = (selectors_staffing.payroll_list(user=self.request.user).filter(month__lte=today)
                  .order_by("-month").values_list("month", flat=True).first())
        default = latest or today.replace(day=1)
        raw = self.request.GET.get("month") or f"{default:%Y-%m}"
        try:
            month = datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            error, month = gettext("月份格式应为 2013-12。"), default
        towns = selectors_staffing.towns_with_establishment(user=self.request.user)
        found = selectors_staffing.cross_check(towns=towns, month=month)
        return {**super().get_context_data(**kwargs), "month": month, "error": error, "found": found,
                "nav_active": "crosscheck"}
