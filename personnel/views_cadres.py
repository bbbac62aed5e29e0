"""Pages of secondments, stationed units (with the consultation of their heads, the adjustment
opinions and their deadlines, the appraisals), enforcement certificates and training, on
core.generic: reads through personnel.selectors_cadres (scoped), each write one service."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.deadlines import DeadlineStatus, deadline_status
from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import forms_cadres as forms
from . import rules_cadres as rules
from . import selectors_cadres as selectors
from . import services, services_cadres
from .models import (
    AdjustmentOpinion,
    ConsultationStatus,
    EnforcementCertificate,
    HeadAppointment,
    HeadAppraisal,
    HeadConsultation,
    Secondment,
    StationedUnit,
    TrainingRecord,
)

NAV = "personnel/cadres/_nav.html"


def _today():
    return timezone.localdate()


def _badge(label, colour: str):
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)


# --- secondments -----------------------------------------------------------------------------

class SecondmentListView(ScopedListView):
    """Secondees: current ones by default (``?all=1``: every term), ending soon marked."""

    title = _("挂职干部")
    nav_template, nav_active = NAV, "secondments"
    model = Secondment  # the create button for those who write it
    create_url, create_label = "personnel:secondment-create", _("登记挂职")
    table_testid = "secondment-list"
    ordering = "id"

    def get_queryset(self):
        if self.request.GET.get("all"):
            return selectors.secondment_list(user=self.request.user)
        return selectors.secondment_current_list(user=self.request.user, on=_today())

    def decorate(self, rows):
        today = _today()
        for s in rows:
            if s.ended_on:
                s.standing = _badge(gettext("提前结束"), "secondary")
            elif s.end_on < today:
                s.standing = _badge(gettext("期满"), "secondary")
            elif (s.end_on - today).days <= rules.SECONDMENT_REMINDER_DAYS:
                s.standing = _badge(gettext("%(days)s日内期满") % {"days": (s.end_on - today).days}, "warning")
            elif s.start_on > today:
                s.standing = _badge(gettext("未到任"), "info")
            else:
                s.standing = _badge(gettext("在岗"), "success")
        return rows

    columns = (
        Column(_("姓名"), "person_name", link="personnel:secondment-detail"),
        Column(_("挂职镇"), "town.name"),
        Column(_("派出单位"), "home_unit"),
        Column(_("挂任职务"), "post"),
        Column(_("挂职文号"), "document_number"),
        Column(_("起始"), "start_on"),
        Column(_("期满"), "end_on"),
        Column(_("状态"), "standing"),
    )

    def get_extra_context(self):
        return {"show_all": bool(self.request.GET.get("all"))}


class SecondmentCreateView(ServiceFormView):
    model = Secondment
    form_class = forms.SecondmentForm
    template_name = "personnel/cadres/form.html"

    def form_context(self, form):
        return {"title": gettext("登记挂职"), "cancel": reverse("personnel:secondment-list"), "active": "secondments"}

    def create(self, form):
        return services_cadres.secondment_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, secondment):
        return reverse("personnel:secondment-detail", args=[secondment.pk])


class SecondmentDetailView(ScopedDetailView):
    template_name = "personnel/cadres/secondment_detail.html"
    context_object_name = "secondment"

    def get_queryset(self):
        return selectors.secondment_list(user=self.request.user)

    def get_detail_context(self, secondment):
        return {"today": _today(), "end_form": forms.SecondmentEndForm()}


class SecondmentEndView(ServiceActionView):
    queryset = Secondment.objects.all()
    form_class = forms.SecondmentEndForm
    require_reason = True
    service = services_cadres.secondment_end
    success_url_name = "personnel:secondment-detail"


# --- stationed units -------------------------------------------------------------------------

class StationedUnitListView(ScopedListView):
    title = _("派驻机构")
    nav_template, nav_active = NAV, "units"
    model = StationedUnit  # the create button for those who write it
    create_url, create_label = "personnel:unit-create", _("登记派驻机构")
    table_testid = "unit-list"
    ordering = "id"
    columns = (
        Column(_("机构名称"), "name", link="personnel:unit-detail"),
        Column(_("类别"), "get_kind_display"),
        Column(_("所在镇"), "town.name"),
        Column(_("主管部门"), lambda u: f"{u.department.division.name}{u.department.name}"),
    )

    def get_queryset(self):
        return selectors.stationed_unit_list(user=self.request.user).select_related("department__division")

    def decorate(self, rows):
        for u in rows:
            u.get_kind_display = u.get_kind_display()
        return rows


class StationedUnitCreateView(ServiceFormView):
    model = StationedUnit
    form_class = forms.StationedUnitForm
    template_name = "personnel/cadres/form.html"

    def form_context(self, form):
        return {"title": gettext("登记派驻机构"), "cancel": reverse("personnel:unit-list"), "active": "units"}

    def create(self, form):
        return services_cadres.stationed_unit_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, unit):
        return reverse("personnel:unit-detail", args=[unit.pk])


class StationedUnitDetailView(ScopedDetailView):
    """A unit: its head, the consultations on heads with their steps, the adjustment opinions and
    their one-month deadlines, the appraisals; the forms of each side's next step."""

    template_name = "personnel/cadres/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return selectors.stationed_unit_list(user=self.request.user).select_related("department__division")

    def get_detail_context(self, unit):
        today = _today()
        user = self.request.user
        appointments = list(unit.appointments.order_by("-appointed_on", "-id"))
        opinions = list(AdjustmentOpinion.objects.filter(appointment__unit=unit).select_related("appointment"))
        for o in opinions:
            o.status = deadline_status(o.due_on, o.handled_on, today)
        return {
            "today": today,
            "head": next((a for a in appointments if a.ended_on is None), None),
            "appointments": appointments,
            "consultations": list(unit.consultations.all()),
            "opinions": opinions,
            "appraisals": list(HeadAppraisal.objects.filter(appointment__unit=unit).select_related("appointment")),
            "town_side": rules.may_act(user, unit.town, rules.TOWN) and user.is_authenticated,
            "county_side": rules.may_act(user, unit.town, rules.COUNTY) and user.is_authenticated,
            "request_form": forms.ConsultationRequestForm(),
            "reply_form": forms.ReplyForm(), "coordinate_form": forms.CoordinateForm(),
            "appoint_form": forms.AppointForm(), "opinion_form": forms.OpinionForm(),
            "handle_form": forms.OpinionHandleForm(), "propose_form": forms.AppraisalProposeForm(),
            "confirm_form": forms.AppraisalConfirmForm(), "Status": ConsultationStatus,
            "OVERDUE": DeadlineStatus.OVERDUE,
        }


class _UnitStep(ServiceActionView):
    """A step whose page is the unit's."""

    def get_success_url(self, obj):
        unit_id = getattr(obj, "unit_id", None) or obj.appointment.unit_id
        return reverse("personnel:unit-detail", args=[unit_id])


class ConsultationRequestView(ServiceActionView):
    queryset = StationedUnit.objects.all()
    form_class = forms.ConsultationRequestForm
    success_url_name = "personnel:unit-detail"

    def perform(self, unit, data):
        services_cadres.consultation_request(unit=unit, actor=self.request.user, **data)
        return unit


class ConsultationReplyView(_UnitStep):
    queryset = HeadConsultation.objects.select_related("unit__town")
    form_class = forms.ReplyForm
    states, transition = ConsultationStatus, "reply"
    service = services_cadres.consultation_reply


class ConsultationCoordinateView(_UnitStep):
    queryset = HeadConsultation.objects.select_related("unit__town")
    form_class = forms.CoordinateForm
    states, transition = ConsultationStatus, "coordinate"
    service = services_cadres.consultation_coordinate


class ConsultationAppointView(_UnitStep):
    queryset = HeadConsultation.objects.select_related("unit__town")
    form_class = forms.AppointForm
    states, transition = ConsultationStatus, "appoint"

    def perform(self, consultation, data):
        services_cadres.consultation_appoint(consultation=consultation, actor=self.request.user, **data)
        return consultation


class OpinionDeliverView(_UnitStep):
    queryset = HeadAppointment.objects.select_related("unit__town")
    form_class = forms.OpinionForm

    def perform(self, appointment, data):
        services_cadres.opinion_deliver(appointment=appointment, actor=self.request.user, **data)
        return appointment


class AppraisalProposeView(_UnitStep):
    queryset = HeadAppointment.objects.select_related("unit__town")
    form_class = forms.AppraisalProposeForm

    def perform(self, appointment, data):
        services_cadres.appraisal_propose(appointment=appointment, actor=self.request.user, **data)
        return appointment


class AppraisalConfirmView(_UnitStep):
    queryset = HeadAppraisal.objects.select_related("appointment__unit__town")
    form_class = forms.AppraisalConfirmForm
    service = services_cadres.appraisal_confirm


# --- adjustment opinions ---------------------------------------------------------------------

class OpinionListView(ScopedListView):
    """Written adjustment opinions and their one-month deadlines; ``?status=overdue`` etc."""

    title = _("书面调整意见")
    nav_template, nav_active = NAV, "opinions"
    table_testid = "opinion-list"
    ordering = "id"
    template_name = "personnel/cadres/opinion_list.html"
    columns = (
        Column(_("意见文号"), "document_number", link="personnel:opinion-detail"),
        Column(_("镇"), "appointment.unit.town.name"),
        Column(_("派驻机构"), "appointment.unit.name"),
        Column(_("负责人"), "appointment.person_name"),
        Column(_("送达日期"), "delivered_on"),
        Column(_("办理期限"), "due_text"),
        Column(_("办结日期"), "handled_on"),
        Column(_("状态"), "status_badge"),
    )

    def get_queryset(self):
        qs = selectors.opinion_list(user=self.request.user)
        status = self.request.GET.get("status")
        if status in DeadlineStatus.values:
            qs = qs.filter(selectors.opinion_status_q(status, _today()))
        return qs

    def decorate(self, rows):
        today = _today()
        colours = {"overdue": "danger", "pending": "warning", "on_time": "success", "late": "secondary"}
        for o in rows:
            status = deadline_status(o.due_on, o.handled_on, today)
            o.status_badge = _badge(DeadlineStatus(status).label, colours[status])
            o.due_text = format_html("{} {}", o.due_on.isoformat(),
                                     _badge(gettext("暂定"), "warning") if o.due_provisional else "")
        return rows

    def get_extra_context(self):
        return {"statuses": DeadlineStatus.choices, "status": self.request.GET.get("status", "")}


class OpinionDetailView(ScopedDetailView):
    template_name = "personnel/cadres/opinion_detail.html"
    context_object_name = "opinion"

    def get_queryset(self):
        return selectors.opinion_list(user=self.request.user)

    def get_detail_context(self, opinion):
        today = _today()
        return {"status": deadline_status(opinion.due_on, opinion.handled_on, today), "today": today,
                "handle_form": forms.OpinionHandleForm(),
                "county_side": rules.may_act(self.request.user, opinion.appointment.unit.town, rules.COUNTY)}


class OpinionHandleView(_UnitStep):
    queryset = AdjustmentOpinion.objects.select_related("appointment__unit__town")
    form_class = forms.OpinionHandleForm
    service = services_cadres.opinion_handle
    success_url_name = "personnel:opinion-detail"

    def get_success_url(self, obj):
        return reverse("personnel:opinion-detail", args=[obj.pk])


# --- certificates and training ---------------------------------------------------------------

class CertificateListView(ScopedListView):
    """Enforcement certificates; ``?state=expiring`` (within 60 days) or ``expired``."""

    title = _("行政执法证")
    nav_template, nav_active = NAV, "certificates"
    model = EnforcementCertificate  # the create button for those who write it
    create_url, create_label = "personnel:certificate-create", _("登记执法证")
    table_testid = "certificate-list"
    template_name = "personnel/cadres/certificate_list.html"
    columns = (
        Column(_("证号"), "number", link="personnel:certificate-detail"),
        Column(_("持证人"), "officer.name"),
        Column(_("所在区划"), "officer.division.name"),
        Column(_("发证部门"), "department.name"),
        Column(_("有效期起"), "valid_from"),
        Column(_("有效期止"), "valid_until"),
        Column(_("状态"), "state_badge"),
    )

    def get_queryset(self):
        state, user, today = self.request.GET.get("state"), self.request.user, _today()
        if state == rules.CertificateState.EXPIRING:
            return selectors.certificate_expiring_list(user=user, on=today)
        if state == rules.CertificateState.EXPIRED:
            return selectors.certificate_expired_list(user=user, on=today)
        return selectors.certificate_list(user=user)

    def decorate(self, rows):
        today = _today()
        for c in rows:
            state = rules.certificate_state(c, today)
            c.state_badge = _badge(rules.CertificateState.LABELS[state], rules.CertificateState.COLOURS[state])
        return rows

    def get_extra_context(self):
        return {"state": self.request.GET.get("state", "")}


class CertificateCreateView(ServiceFormView):
    model = EnforcementCertificate
    form_class = forms.CertificateForm
    template_name = "personnel/cadres/form.html"

    def form_context(self, form):
        return {"title": gettext("登记行政执法证"), "cancel": reverse("personnel:certificate-list"),
                "active": "certificates"}

    def create(self, form):
        return services.certificate_issue(actor=self.request.user, **form.cleaned_data)

    def success_url(self, certificate):
        return reverse("personnel:certificate-detail", args=[certificate.pk])


class CertificateDetailView(ScopedDetailView):
    template_name = "personnel/cadres/certificate_detail.html"
    context_object_name = "certificate"

    def get_queryset(self):
        return selectors.certificate_list(user=self.request.user)

    def get_detail_context(self, certificate):
        today = _today()
        state = rules.certificate_state(certificate, today)
        return {"state_label": rules.CertificateState.LABELS[state], "state_colour": rules.CertificateState.COLOURS[state],
                "training": list(TrainingRecord.objects.filter(officer_id=certificate.officer_id)
                                 .select_related("department")),
                "revoke_form": forms.RevokeForm()}


class CertificateRevokeView(ServiceActionView):
    queryset = EnforcementCertificate.objects.all()
    form_class = forms.RevokeForm
    require_reason = True
    service = services.certificate_revoke
    object_arg = "certificate"
    success_url_name = "personnel:certificate-detail"


class TrainingListView(ScopedListView):
    title = _("培训考试记录")
    nav_template, nav_active = NAV, "training"
    model = TrainingRecord  # the create button for those who write it
    create_url, create_label = "personnel:training-create", _("登记培训考试")
    table_testid = "training-list"
    columns = (
        Column(_("日期"), "held_on"),
        Column(_("执法人员"), "officer.name"),
        Column(_("所在区划"), "officer.division.name"),
        Column(_("类型"), "kind_label"),
        Column(_("名称"), "title"),
        Column(_("组织部门"), "department.name"),
        Column(_("学时"), "hours"),
        Column(_("成绩"), "score"),
        Column(_("合格"), "passed"),
    )

    def get_queryset(self):
        return selectors.training_list(user=self.request.user)

    def decorate(self, rows):
        for t in rows:
            t.kind_label = t.get_kind_display()
        return rows


class TrainingCreateView(ServiceFormView):
    model = TrainingRecord
    form_class = forms.TrainingForm
    template_name = "personnel/cadres/form.html"

    def form_context(self, form):
        return {"title": gettext("登记培训考试"), "cancel": reverse("personnel:training-list"), "active": "training"}

    def create(self, form):
        return services_cadres.training_record_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, record):
        return reverse("personnel:training-list")
