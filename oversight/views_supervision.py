"""Pages of the half-yearly supervision (issue 14 §3), on core.generic: the supervisions of the
user's jurisdiction, one supervision with its participants, findings per town (each to its
rectification page) and the versions of its written report (downloaded through core.files'
checked view); the office's steps (add a participant, record a finding, take over the finance
bureau's open findings, ask for a new version of the report, close). Item inspections: list, page,
the office's create page and the page that records a finding of one. Reads through selectors_supervision (scoped: 404 outside), writes through one service each
(403 without the role)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import files
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import forms_supervision as f
from . import selectors_supervision as sel
from . import services_supervision as services
from .choices import ReportState, SupervisionState
from .models import ItemInspection, Supervision

NAV = "oversight/_nav.html"


class SupervisionListView(ScopedListView):
    title = _("综合督查")
    model = Supervision
    nav_template = NAV
    nav_active = "supervision"
    table_testid = "supervision-list"
    columns = (
        Column(_("名称"), "title", link="oversight:supervision-detail"),
        Column(_("领导小组"), "group.name"),
        Column(_("开始日期"), "opened_on"),
        Column(_("问题数"), "finding_count"),
        Column(_("状态"), badge=("state", "oversight.SupervisionState")),
    )

    def get_queryset(self):
        return sel.supervision_list(user=self.request.user)


class SupervisionDetailView(ScopedDetailView):
    """A supervision: participants, findings by town, the report's versions; the office's steps."""

    template_name = "oversight/supervision/detail.html"
    context_object_name = "supervision"
    states, state_field = SupervisionState, "state"

    def get_queryset(self):
        return sel.supervision_list(user=self.request.user)

    def get_detail_context(self, supervision):
        parts = sel.supervision_parts(supervision=supervision)
        for report in parts["reports"]:
            report.link = files.url_for(report, "pdf") if report.state == ReportState.DONE else ""
        context = {**parts, "active": "supervision"}
        if self.can_change and supervision.state in SupervisionState.WRITABLE:
            pk = supervision.pk
            context["step_forms"] = [
                (f.SupervisionFindingForm(supervision=supervision, auto_id="fnd-%s"),
                 reverse("oversight:supervision-finding", args=[pk]), gettext("登记督查问题"), "finding-form"),
                (f.ParticipantForm(supervision=supervision, auto_id="par-%s"),
                 reverse("oversight:supervision-participant", args=[pk]), gettext("添加参加单位"), "participant-form"),
                (f.ReportRequestForm(auto_id="rep-%s"), reverse("oversight:supervision-report", args=[pk]),
                 gettext("生成书面报告"), "report-form"),
                (f.FinanceTakeForm(), reverse("oversight:supervision-finance", args=[pk]),
                 gettext("纳入财政季度检查问题"), "finance-form"),
            ]
            if SupervisionState.allows("close", supervision.state):
                context["step_forms"].append((f.CloseForm(auto_id="cls-%s"),
                                              reverse("oversight:supervision-close", args=[pk]),
                                              gettext("结束督查"), "close-form"))
        return context


class _SupervisionStep(ServiceActionView):
    queryset = Supervision.objects.select_related("group__division")
    success_url_name = "oversight:supervision-detail"
    noun = _("综合督查")

    def get_form_kwargs(self, obj):
        return {"supervision": obj}


class SupervisionParticipantView(_SupervisionStep):
    form_class = f.ParticipantForm

    def perform(self, supervision, data):
        return services.participant_add(supervision=supervision, actor=self.request.user, **data)

    def success_message(self, row, data):
        return gettext("已添加参加单位：%(name)s") % {"name": row.department.name}


class SupervisionFindingView(_SupervisionStep):
    form_class = f.SupervisionFindingForm

    def perform(self, supervision, data):
        return services.supervision_finding_add(supervision=supervision, actor=self.request.user, **data)

    def success_message(self, finding, data):
        return gettext("已登记问题，整改期限%(due)s。") % {"due": finding.due_on.isoformat()}


class SupervisionReportView(_SupervisionStep):
    """Ask for a new version of the written report (generated in the background)."""

    form_class = f.ReportRequestForm

    def get_form_kwargs(self, obj):
        return {}

    def perform(self, supervision, data):
        return services.report_request(supervision=supervision, actor=self.request.user, as_of=data["as_of"])

    def success_message(self, report, data):
        return gettext("已开始生成第%(v)s版书面报告，生成后可下载。") % {"v": report.version}


class SupervisionFinanceView(_SupervisionStep):
    form_class = f.FinanceTakeForm

    def get_form_kwargs(self, obj):
        return {}

    def perform(self, supervision, data):
        self.taken = services.finance_findings_take(group=supervision.group, actor=self.request.user)
        return supervision

    def success_message(self, supervision, data):
        return gettext("已纳入财政季度检查问题%(n)s个。") % {"n": len(self.taken)}


class SupervisionCloseView(_SupervisionStep):
    form_class = f.CloseForm
    states, state_field, transition = SupervisionState, "state", "close"

    def get_form_kwargs(self, obj):
        return {}

    def step_label(self):
        return gettext("结束")

    def perform(self, supervision, data):
        return services.supervision_close(supervision=supervision, actor=self.request.user, **data)

    def success_message(self, supervision, data):
        return gettext("已结束：%(s)s") % {"s": supervision}


# --- item inspections --------------------------------------------------------------------------

class InspectionListView(ScopedListView):
    title = _("有关事项检查")
    model = ItemInspection
    nav_template = NAV
    nav_active = "supervision"
    table_testid = "inspection-list"
    create_url = "oversight:inspection-create"
    create_label = _("新建有关事项检查")
    columns = (
        Column(_("检查事项"), "subject", link="oversight:inspection-detail"),
        Column(_("领导小组"), "group.name"),
        Column(_("检查日期"), "inspected_on"),
        Column(_("问题数"), "finding_count"),
    )

    def get_queryset(self):
        return sel.inspection_list(user=self.request.user)


class InspectionDetailView(ScopedDetailView):
    template_name = "oversight/supervision/inspection_detail.html"
    context_object_name = "inspection"

    def get_queryset(self):
        return sel.inspection_list(user=self.request.user)

    def get_detail_context(self, inspection):
        return {"active": "supervision", "participants": list(inspection.participants.order_by("code")),
                "findings": list(sel.inspection_findings(inspection=inspection)),
                "finding_url": reverse("oversight:inspection-finding", args=[inspection.pk]) if self.can_change else ""}


class InspectionCreateView(ServiceFormView):
    """The office records an item inspection (of a leading group it keeps)."""

    model = ItemInspection
    form_class = f.InspectionForm
    template_name = "oversight/form.html"
    initial_fields = ("group",)

    def form_context(self, form):
        return {"title": gettext("新建有关事项检查"), "active": "supervision",
                "back": reverse("oversight:inspection-list")}

    def create(self, form):
        return services.inspection_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, inspection, *, created):
        return gettext("已登记有关事项检查：%(subject)s") % {"subject": inspection.subject}

    def success_url(self, inspection):
        return reverse("oversight:inspection-detail", args=[inspection.pk])


class InspectionFindingView(ServiceFormView):
    """A finding of the inspection, on a page of its own (GET the form, POST it): the office over
    the inspection (404 outside, 403 without the role); a refusal keeps the input on the form."""

    model = ItemInspection
    form_class = f.InspectionFindingForm
    template_name = "oversight/form.html"

    def get_queryset(self):
        return sel.inspection_list(user=self.request.user)

    def get_object(self):
        self.inspection = super().get_object()
        return self.inspection

    def get_form_kwargs(self):
        return {"group": self.inspection.group}

    def form_context(self, form):
        back = reverse("oversight:inspection-detail", args=[self.inspection.pk])
        return {"title": gettext("登记检查问题：%(subject)s") % {"subject": self.inspection.subject},
                "active": "supervision", "back": back}

    def update(self, inspection, form):
        return services.inspection_finding_add(inspection=inspection, actor=self.request.user, **form.cleaned_data)

    def success_message(self, finding, *, created):
        return gettext("已登记问题，整改期限%(due)s。") % {"due": finding.due_on.isoformat()}

    def success_url(self, finding):
        return reverse("oversight:inspection-detail", args=[self.inspection.pk])
