"""Pages of the yearly appraisal (issue 14 §5), on core.generic: the indicator sets (the office sets
the indicators, weights and grade thresholds as data), the appraisals of the pilot towns (scores
with how each was computed, or who scored it by hand and why, the total and the grade), the
office's steps (compute again, score by hand, finalise, record the use of the result) and one
town's result as a GB/T 9704 PDF. Reads through selectors_appraisal (scoped: 404 outside),
writes through one service each (403 without the office's role)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView
from core.pdf import render_pdf, title_lines

from . import forms_appraisal as f
from . import selectors_appraisal, services_appraisal
from .models import Appraisal, AppraisalState, IndicatorSet

NAV = "oversight/_nav.html"


def _total(a) -> str:
    return "—" if a.total is None else f"{a.total:.2f}"


# --- indicator sets ----------------------------------------------------------------------------

class IndicatorSetListView(ScopedListView):
    title = _("考核指标体系")
    model = IndicatorSet
    nav_template = NAV
    nav_active = "appraisal"
    table_testid = "indicator-set-list"
    create_url = "oversight:indicator-set-create"
    columns = (
        Column(_("名称"), "name", link="oversight:indicator-set-detail"),
        Column(_("考核年度"), "year"),
        Column(_("领导小组"), "group.name"),
        Column(_("印发文号"), "document_number"),
    )

    def get_queryset(self):
        return selectors_appraisal.indicator_set_list(user=self.request.user)


class IndicatorSetDetailView(ScopedDetailView):
    template_name = "oversight/appraisal/indicator_set_detail.html"
    context_object_name = "indicator_set"

    def get_queryset(self):
        return selectors_appraisal.indicator_set_list(user=self.request.user)

    def get_detail_context(self, indicator_set):
        indicators = selectors_appraisal.indicators_of(indicator_set=indicator_set)
        return {"active": "appraisal", "indicators": indicators,
                "weight_total": sum(i.weight for i in indicators),
                "appraisals": selectors_appraisal.set_appraisals(user=self.request.user, indicator_set=indicator_set)}


class IndicatorSetFormView(ServiceFormView):
    """Create or edit a set with its indicators (the weights must sum to 100)."""

    model = IndicatorSet
    form_class = f.IndicatorSetForm
    template_name = "oversight/appraisal/indicator_set_form.html"

    def get_queryset(self):
        return selectors_appraisal.indicator_set_list(user=self.request.user)

    def make_form(self, obj, data=None, files=None):
        kwargs = {"user": self.request.user, "indicator_set": obj}
        if data is None:
            initial = f.IndicatorSetForm.initial_of(obj) if obj is not None else {"year": timezone.localdate().year - 1}
            return self.form_class(initial=initial, **kwargs)
        if obj is not None:  # group and year are disabled: a disabled field takes its initial value
            kwargs["initial"] = {"group": obj.group_id, "year": obj.year}
        return self.form_class(data, **kwargs)

    def form_context(self, form):
        obj = form.indicator_set
        return {"title": gettext("修改考核指标体系") if obj else gettext("新建考核指标体系"), "active": "appraisal",
                "back": reverse("oversight:indicator-set-detail", args=[obj.pk]) if obj
                else reverse("oversight:indicator-set-list")}

    def _fields(self, form) -> dict:
        d = form.cleaned_data
        return {"name": d["name"], "document_number": d.get("document_number") or "", "indicators": form.indicators(),
                "excellent_from": d["excellent_from"], "good_from": d["good_from"], "pass_from": d["pass_from"]}

    def create(self, form):
        d = form.cleaned_data
        return services_appraisal.indicator_set_create(group=d["group"], year=d["year"], actor=self.request.user,
                                                       **self._fields(form))

    def update(self, obj, form):
        return services_appraisal.indicator_set_update(indicator_set=obj, actor=self.request.user, **self._fields(form))

    def success_message(self, obj, *, created):
        return gettext("已保存考核指标体系：%(name)s") % {"name": obj.name}

    def success_url(self, obj):
        return reverse("oversight:indicator-set-detail", args=[obj.pk])


# --- appraisals --------------------------------------------------------------------------------

class AppraisalListView(ScopedListView):
    title = _("年度考核")
    model = Appraisal
    nav_template = NAV
    nav_active = "appraisal"
    table_testid = "appraisal-list"
    create_url = "oversight:appraisal-create"
    create_label = _("开始考核")
    template_name = "oversight/appraisal/list.html"
    columns = (
        Column(_("试点镇"), "town.name", link="oversight:appraisal-detail"),
        Column(_("考核年度"), "year"),
        Column(_("总分"), _total, css="text-end"),
        Column(_("等次"), lambda a: a.get_grade_display() if a.grade else ""),
        Column(_("状态"), badge=("state", "oversight.AppraisalState")),
        Column(_("指标体系"), "indicator_set.name"),
    )

    def get_queryset(self):
        return selectors_appraisal.appraisal_list(user=self.request.user)


class AppraisalDetailView(ScopedDetailView):
    """One town's appraisal: each indicator's weight, score, how it was computed (or who scored it
    and why), what it adds to the total; the total and the grade; the uses of the result; to the
    office the steps its state allows."""

    template_name = "oversight/appraisal/detail.html"
    context_object_name = "appraisal"
    states, state_field = AppraisalState, "state"

    def get_queryset(self):
        return selectors_appraisal.appraisal_list(user=self.request.user)

    def get_detail_context(self, appraisal):
        parts = selectors_appraisal.appraisal_parts(appraisal=appraisal)
        for s in parts["scores"]:
            s.trace_text = selectors_appraisal.trace_text(s.trace)
        context = {**parts, "active": "appraisal"}
        if self.can_change:
            pk = appraisal.pk
            if appraisal.state == AppraisalState.DRAFT:
                context["step_forms"] = [
                    (f.ComputeForm(auto_id="cmp-%s"), reverse("oversight:appraisal-compute", args=[pk]),
                     gettext("重新计算"), "compute-form"),
                    (f.ScoreForm(appraisal=appraisal, auto_id="sc-%s"), reverse("oversight:appraisal-score", args=[pk]),
                     gettext("人工评分"), "score-form"),
                    (f.FinaliseForm(auto_id="fin-%s"), reverse("oversight:appraisal-finalise", args=[pk]),
                     gettext("定档"), "finalise-form"),
                ]
            else:
                context["step_forms"] = [
                    (f.UseForm(auto_id="use-%s"), reverse("oversight:appraisal-use", args=[pk]),
                     gettext("登记结果运用"), "use-form"),
                ]
        return context


class AppraisalStartView(ServiceFormView):
    model = Appraisal
    form_class = f.AppraisalStartForm
    template_name = "oversight/form.html"
    initial_fields = ("indicator_set", "town")

    def form_context(self, form):
        return {"title": gettext("开始年度考核"), "active": "appraisal", "back": reverse("oversight:appraisal-list")}

    def create(self, form):
        return services_appraisal.appraisal_start(actor=self.request.user, **form.cleaned_data)

    def success_message(self, obj, *, created):
        return gettext("已开始%(appraisal)s，系统计算的指标已计算。") % {"appraisal": obj}

    def success_url(self, obj):
        return reverse("oversight:appraisal-detail", args=[obj.pk])


class _AppraisalStep(ServiceActionView):
    queryset = Appraisal.objects.select_related("town", "indicator_set__group__division")
    states, state_field = AppraisalState, "state"
    success_url_name = "oversight:appraisal-detail"
    noun = _("考核")
    object_arg = "appraisal"

    def get_form_kwargs(self, obj):
        return {"appraisal": obj}

    def step_label(self):
        return str(STEP_LABELS[self.transition])


STEP_LABELS = {"compute": _("重新计算"), "score": _("人工评分"), "finalise": _("定档"), "use": _("登记结果运用")}


class AppraisalComputeView(_AppraisalStep):
    transition = "compute"
    form_class = f.ComputeForm
    service = services_appraisal.appraisal_compute

    def success_message(self, appraisal, data):
        return gettext("已重新计算：%(appraisal)s") % {"appraisal": appraisal}


class AppraisalScoreView(_AppraisalStep):
    transition = "score"
    form_class = f.ScoreForm
    service = services_appraisal.appraisal_score

    def success_message(self, appraisal, data):
        return gettext("已评分：%(indicator)s %(score)s分") % {"indicator": data["indicator"].name, "score": data["score"]}


class AppraisalFinaliseView(_AppraisalStep):
    transition = "finalise"
    form_class = f.FinaliseForm
    service = services_appraisal.appraisal_finalise

    def success_message(self, appraisal, data):
        return gettext("已定档：总分%(total)s，%(grade)s") % {"total": _total(appraisal),
                                                        "grade": appraisal.get_grade_display()}


class AppraisalUseView(_AppraisalStep):
    transition = "use"
    form_class = f.UseForm

    def perform(self, appraisal, data):
        services_appraisal.appraisal_use_record(appraisal=appraisal, actor=self.request.user, **data)
        return appraisal

    def success_message(self, appraisal, data):
        return gettext("已登记考核结果运用。")


class AppraisalPdfView(LoginRequiredMixin, View):
    """One town's appraisal result as a GB/T 9704 PDF (whoever sees the appraisal, else 404)."""

    def get(self, request, pk):
        appraisal = selectors_appraisal.appraisal_get(user=request.user, pk=pk)
        pdf = render_pdf("oversight/appraisal/result_pdf.html", result_context(appraisal))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="appraisal-{appraisal.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def result_context(appraisal: Appraisal) -> dict:
    """What the result's PDF says: the town, the year, each indicator's weight, score and basis,
    the total and grade, the office's conclusion, the uses of the result."""
    parts = selectors_appraisal.appraisal_parts(appraisal=appraisal)
    for s in parts["scores"]:
        s.trace_text = selectors_appraisal.trace_text(s.trace)
    group = appraisal.indicator_set.group
    title = gettext("关于%(town)s%(year)s年度扩权强镇试点工作考核结果的通报") % {
        "town": appraisal.town.name, "year": appraisal.year}
    return {
        **parts, "appraisal": appraisal, "title": title,
        "title_lines": title_lines([gettext("关于"), f"{appraisal.town.name}{appraisal.year}" + gettext("年度"),
                                    gettext("扩权强镇试点工作"), gettext("考核结果的通报")]),
        "issuer": gettext("%(group)s文件") % {"group": group.name},
        "total": _total(appraisal), "signature": gettext("%(group)s办公室") % {"group": group.name},
        "date": _date(appraisal.finalised_on) if appraisal.finalised_on else "",
        "final": appraisal.is_final,
    }
