"""Pages of plans (issue 15 §1): the plans in scope with a new draft, a plan with its versions and
its length against the minimum, the edit page (textarea with a live preview rendered by the
server through htmx), the PDF, the office's wording templates."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.generic import access
from core.generic.actions import ServiceActionView
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView

from . import reports, rules, selectors, services, templating
from .choices import COMMON_FIELDS, SECTION_FIELDS, Section
from .forms import PlanCreateForm, TemplateForm, VersionForm
from .models import Plan, WordingTemplate


def _version_of(request, plan: Plan):
    """The version asked for (?version=N), else the latest; 404 for a number the plan has not."""
    asked = request.GET.get("version")
    if asked:
        if not asked.isdigit():
            raise Http404
        return get_object_or_404(plan.versions.select_related("created_by"), number=int(asked))
    return selectors.latest_version(plan=plan)


class PlanIndexView(LoginRequiredMixin, TemplateView):
    """The plans in scope, newest first, with their latest length; the form of a new draft."""

    template_name = "plans/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        plans = list(selectors.plan_list(user=user).prefetch_related("versions").order_by("-id")[:200])
        for plan in plans:
            versions = sorted(plan.versions.all(), key=lambda v: -v.number)
            plan.latest = versions[0] if versions else None
            plan.length = rules.Length(plan.latest.char_count, plan.min_chars) if plan.latest else None
        can_create = access.may_write_model(user, Plan)
        return {**super().get_context_data(**kwargs), "plans": plans, "can_create": can_create,
                "form": PlanCreateForm(user=user) if can_create else None}


class PlanCreateView(ServiceFormView):
    model = Plan
    form_class = PlanCreateForm
    template_name = "plans/form.html"

    def form_context(self, form) -> dict:
        return {"title": _("起草实施方案"), "back": reverse("plans:index")}

    def create(self, form):
        data = form.cleaned_data
        return services.plan_create(division=data["division"], title=data["title"], min_chars=data["min_chars"],
                                    actor=self.request.user)

    def success_url(self, plan):
        return reverse("plans:detail", args=[plan.pk])


class PlanDetailView(ScopedDetailView):
    template_name = "plans/plan_detail.html"
    tabs = (("versions", gettext_lazy("历次版本")),)

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def get_detail_context(self, plan):
        version = _version_of(self.request, plan)
        return {
            "plan": plan, "version": version, "versions": selectors.plan_versions(plan=plan),
            "length": rules.Length(version.char_count, plan.min_chars) if version else None,
            "html": templating.to_html(version.markdown) if version else "",
        }


class PlanEditView(ServiceFormView):
    """A new version from the office's edited Markdown (the form starts from the latest version)."""

    model = Plan
    form_class = VersionForm
    template_name = "plans/edit.html"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def make_form(self, obj, data=None, files=None):
        if data is not None:
            return VersionForm(data)
        latest = selectors.latest_version(plan=obj)
        return VersionForm(initial={"markdown": latest.markdown if latest else ""})

    def form_context(self, form) -> dict:
        text = form["markdown"].value() or ""
        return {"preview": templating.to_html(text), "length": rules.length_of(text, self.plan.min_chars),
                "plan": self.plan}

    def get_object(self):
        self.plan = super().get_object()
        return self.plan

    def update(self, plan, form):
        return services.version_save(plan=plan, markdown=form.cleaned_data["markdown"],
                                     note=form.cleaned_data["note"], actor=self.request.user)

    def success_message(self, obj, *, created: bool) -> str:
        return _("已保存第%(n)s版。") % {"n": obj.number}

    def success_url(self, version):
        return reverse("plans:detail", args=[version.plan_id])


class PlanPreviewView(LoginRequiredMixin, View):
    """The live preview of the edit page (htmx posts the textarea): the text as HTML and its length."""

    http_method_names = ["post"]

    def post(self, request, pk):
        plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
        access.require_change(request.user, plan)
        text = request.POST.get("markdown", "")
        return render(request, "plans/_preview.html", {
            "preview": templating.to_html(text), "length": rules.length_of(text, plan.min_chars)})


class PlanRedraftView(ServiceActionView):
    """Draft the plan again from today's data and wording: a new version, the earlier ones kept."""

    model = Plan
    success_url_name = "plans:detail"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def perform(self, plan, data):
        services.plan_redraft(plan=plan, actor=self.request.user)
        return plan

    def success_message(self, obj, data) -> str:
        return _("已据系统数据重新起草。")


class PlanPdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
        version = _version_of(request, plan)
        if version is None:
            raise Http404
        pdf = reports.plan_pdf(plan=plan, version=version,
                               signature=selectors.plan_signature(division=plan.division))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-v{version.number}.pdf"'
        return response


# --- the office's wording ---------------------------------------------------------------------------
def _fields(section: str) -> list[tuple[str, str]]:
    return [(name, str(label)) for name, label in {**COMMON_FIELDS, **SECTION_FIELDS[Section(section)]}.items()]


class TemplateListView(LoginRequiredMixin, TemplateView):
    """The wording in force for the user's division, section by section (the office edits it)."""

    template_name = "plans/template_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        division = selectors.template_division(user=user)
        templates = selectors.effective_templates(division=division)
        rows = [(Section(key), templates.get(key)) for key in Section.values]
        return {**super().get_context_data(**kwargs), "rows": rows, "division": division,
                "can_change": access.may_write_model(user, WordingTemplate)}


class TemplateEditView(LoginRequiredMixin, View):
    """One section's wording for the office's division (its own copy; the default stays)."""

    def setup_section(self, request, section):
        if section not in Section.values:
            raise Http404
        if not access.may_write_model(request.user, WordingTemplate):
            raise PermissionDenied(_("只有领导小组办公室才能修改措辞模板。"))
        division = selectors.template_division(user=request.user)
        current = selectors.effective_templates(division=division).get(section)
        return division, current

    def render_form(self, request, section, form, division):
        return render(request, "plans/template_form.html", {
            "form": form, "section": Section(section), "fields": _fields(section), "division": division})

    def get(self, request, section):
        division, current = self.setup_section(request, section)
        initial = {"heading": current.heading, "body": current.body, "missing_text": current.missing_text} \
            if current else {}
        return self.render_form(request, section, TemplateForm(initial=initial), division)

    def post(self, request, section):
        from django.contrib import messages
        from django.db import transaction
        from django.shortcuts import redirect

        from core.generic.errors import DOMAIN_ERRORS, apply_error

        division, _current = self.setup_section(request, section)
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.template_update(division=division, section=section, actor=request.user,
                                             **form.cleaned_data)
            except DOMAIN_ERRORS as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("已保存“%(section)s”的措辞。") % {"section": Section(section).label})
                return redirect("plans:template-list")
        return self.render_form(request, section, form, division)
