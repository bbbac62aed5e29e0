"""Pages of oversight (issue 14 §2, §4, §8), on core.generic: the 督查考核 home (this month's
dispatch meetings of the user's groups with their agenda, open findings by town), the leading
groups, the meetings with what the office records after them (attendance, minutes, decisions,
action items) and their minutes as a PDF, and the findings with the town's replies and the
office's review. Reads through oversight.selectors (scoped: 404 outside), writes through one
service each (403 without the role)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import forms as f
from . import reports, rules, selectors, services
from .choices import AgendaSource, FindingState
from .filtersets import FindingFilterSet
from .models import Finding, LeadingGroup, Meeting

NAV = "oversight/_nav.html"


def agenda_link(line) -> str:
    """The list behind an agenda line (its URL name and the target page's own filters)."""
    try:
        url = reverse(line.url_name)
    except NoReverseMatch:
        return ""
    return f"{url}?{line.url_query}" if line.url_query else url


def with_links(lines):
    for line in lines:
        line.link = agenda_link(line)
    return lines


# --- leading groups ----------------------------------------------------------------------------

class GroupListView(ScopedListView):
    title = _("领导小组")
    model = LeadingGroup
    nav_template = NAV
    nav_active = "groups"
    table_testid = "group-list"
    ordering = "id"
    columns = (
        Column(_("名称"), "name", link="oversight:group-detail"),
        Column(_("类型"), lambda g: g.get_kind_display()),
        Column(_("所属区划"), "division.name"),
        Column(_("成立日期"), "set_up_on"),
        Column(_("成立文号"), "document_number"),
        Column(_("在用"), "is_active"),
    )

    def get_queryset(self):
        return selectors.group_list(user=self.request.user)


class GroupDetailView(ScopedDetailView):
    """A group: its members (name, post, unit, role) and the pilot towns it steers, its bodies."""

    template_name = "oversight/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return selectors.group_list(user=self.request.user).select_related("parent", "host_department")

    def get_detail_context(self, group):
        return {"members": selectors.group_members(group=group), "steered": selectors.group_steered(group=group),
                "bodies": group.bodies.order_by("kind", "id"), "active": "groups",
                "meetings": selectors.meeting_list(user=self.request.user).filter(group=group)[:12]}


# --- meetings ----------------------------------------------------------------------------------

class MeetingListView(ScopedListView):
    title = _("工作调度会")
    model = Meeting
    nav_template = NAV
    nav_active = "meetings"
    table_testid = "meeting-list"
    create_url = "oversight:meeting-create"
    create_label = _("新建临时会议")
    columns = (
        Column(_("会议名称"), "title", link="oversight:meeting-detail"),
        Column(_("会议类型"), lambda m: m.get_kind_display()),
        Column(_("所属月份"), lambda m: f"{m.month:%Y-%m}"),
        Column(_("召开日期"), "held_on", empty=gettext("未召开")),
        Column(_("地点"), "venue"),
    )

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)


class MeetingAdHocCreateView(ServiceFormView):
    """The office opens an ad-hoc meeting (专题协调会) of a leading or coordination group of its
    jurisdiction; it then has the monthly meeting's pages (attendance, minutes, decisions, actions)."""

    model = Meeting
    form_class = f.MeetingAdHocForm
    template_name = "oversight/form.html"
    initial_fields = ("group",)

    def form_context(self, form):
        return {"title": gettext("新建临时会议"), "active": "meetings", "back": reverse("oversight:meeting-list")}

    def create(self, form):
        return services.meeting_create_ad_hoc(actor=self.request.user, **form.cleaned_data)

    def success_message(self, meeting, *, created):
        return gettext("已新建临时会议：%(title)s") % {"title": meeting.title}

    def success_url(self, meeting):
        return reverse("oversight:meeting-detail", args=[meeting.pk])


class MeetingDetailView(ScopedDetailView):
    """A meeting: agenda (each line to its records), attendance, minutes, decisions, action items;
    to the office the forms that record them; the minutes' PDF once it has been held."""

    template_name = "oversight/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def render_to_response(self, context, **kwargs):
        if context.get("as_of_error"):
            kwargs["status"] = 400  # the page, with the error said, for a date that is none
        return super().render_to_response(context, **kwargs)

    def get_detail_context(self, meeting):
        parts = selectors.meeting_parts(meeting=meeting)
        with_links(parts["agenda"])
        today = timezone.localdate()
        for item in parts["actions"]:
            item.overdue = item.is_overdue(today)
            item.done_url = _done_url(item) if self.can_change and meeting.held_on and not item.is_done else ""
        context = {**parts, "active": "meetings", "today": today,
                   "carried": selectors.action_items_overdue(group=meeting.group, today=today,
                                                             exclude_meeting=meeting),
                   **_as_of_context(self.request, meeting)}
        if self.can_change:
            context["step_forms"] = [
                (f.AttendanceForm(meeting=meeting, auto_id="att-%s"), reverse("oversight:meeting-attendance",
                                                                               args=[meeting.pk]),
                 gettext("登记出席"), "attendance-form"),
                (f.DecisionForm(meeting=meeting, auto_id="dec-%s"), reverse("oversight:meeting-decision",
                                                                             args=[meeting.pk]),
                 gettext("添加议定事项"), "decision-form"),
            ]
            if meeting.held_on:
                context["step_forms"].append(
                    (f.ActionItemForm(meeting=meeting, auto_id="act-%s"), reverse("oversight:meeting-action",
                                                                                   args=[meeting.pk]),
                     gettext("布置督办任务"), "action-form"))
        return context


def _done_url(item) -> str:
    """Where an action item is marked done ("" while the route is not mounted)."""
    try:
        return reverse("oversight:action-done", args=[item.pk])
    except NoReverseMatch:
        return ""


def _as_of_context(request, meeting) -> dict:
    """``?as_of=YYYY-MM-DD``: what the agenda would hold if compiled on that day (computed, not
    stored; the stored lines above stay as compiled); a bad date is said plainly, nothing computed."""
    raw = (request.GET.get("as_of") or "").strip()
    if not raw:
        return {"as_of_raw": ""}
    try:
        as_of = rules.parse_iso_date(raw)
    except ValueError:
        return {"as_of_raw": raw, "as_of_error": gettext(
            "日期“%(value)s”无效，请按YYYY-MM-DD填写，例如2026-03-01。") % {"value": raw[:20]}}
    items = selectors.agenda_as_of(meeting=meeting, as_of=as_of)
    for item in items:
        item.link = agenda_link(item)
        item.source_label = AgendaSource(item.source).label
    return {"as_of_raw": raw, "as_of": as_of, "as_of_items": items}


class MeetingRecordView(ServiceFormView):
    """The office records when and where the meeting was held and its minutes."""

    model = Meeting
    form_class = f.MeetingRecordForm
    template_name = "oversight/form.html"

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def make_form(self, obj, data=None, files=None):
        if data is None:
            return self.form_class(user=self.request.user, initial={
                "held_on": obj.held_on or timezone.localdate(), "venue": obj.venue, "minutes": obj.minutes})
        return self.form_class(data, user=self.request.user)

    def form_context(self, form):
        return {"title": gettext("登记会议情况与纪要"), "active": "meetings",
                "back": reverse("oversight:meeting-detail", args=[self.kwargs["pk"]])}

    def update(self, meeting, form):
        return services.meeting_record(meeting=meeting, actor=self.request.user, **form.cleaned_data)

    def success_url(self, meeting):
        return reverse("oversight:meeting-detail", args=[meeting.pk])


class _MeetingStep(ServiceActionView):
    queryset = Meeting.objects.select_related("group__division")
    success_url_name = "oversight:meeting-detail"

    def get_form_kwargs(self, obj):
        return {"meeting": obj}

    def get_success_url(self, obj):
        return reverse("oversight:meeting-detail", args=[self.kwargs["pk"]])


class MeetingAttendanceView(_MeetingStep):
    form_class = f.AttendanceForm

    def perform(self, meeting, data):
        return services.attendance_record(meeting=meeting, actor=self.request.user, **data)

    def success_message(self, row, data):
        return gettext("已登记%(member)s的出席情况。") % {"member": row.member.name}


class MeetingDecisionView(_MeetingStep):
    form_class = f.DecisionForm

    def perform(self, meeting, data):
        return services.decision_add(meeting=meeting, actor=self.request.user, **data)

    def success_message(self, decision, data):
        return gettext("已添加第%(n)s项议定事项。") % {"n": decision.position}


class MeetingActionView(_MeetingStep):
    form_class = f.ActionItemForm

    def perform(self, meeting, data):
        return services.action_item_add(meeting=meeting, actor=self.request.user, **data)

    def success_message(self, item, data):
        return gettext("已布置督办任务，完成期限%(due)s。") % {"due": item.due_on.isoformat()}


class ActionItemDoneView(ServiceActionView):
    """The office marks an action item done: the day, and how it was done (完成情况)."""

    form_class = f.ActionDoneForm
    object_arg = "item"
    service = services.action_item_done

    def get_queryset(self):
        return selectors.action_item_list(user=self.request.user)

    def get_success_url(self, item):
        return reverse("oversight:meeting-detail", args=[item.meeting_id])

    def success_message(self, item, data):
        return gettext("督办任务已办结（%(day)s）。") % {"day": item.done_on.isoformat()}


class MeetingMinutesView(LoginRequiredMixin, TemplateView):
    """The minutes (会议纪要) as a GB/T 9704 PDF, inline: whoever sees the meeting (else 404); a
    meeting not yet held has no minutes (404)."""

    def get(self, request, pk):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        if meeting.held_on is None:
            raise Http404(gettext("会议尚未召开，还没有会议纪要。"))
        response = HttpResponse(reports.minutes_pdf(meeting=meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- findings ----------------------------------------------------------------------------------

def _due(finding) -> str:
    text = finding.due_on.isoformat()
    return text + gettext("（暂定）") if finding.due_provisional else text


class FindingListView(ScopedListView):
    title = _("督查问题与整改")
    model = Finding
    filterset_class = FindingFilterSet
    nav_template = NAV
    nav_active = "findings"
    table_testid = "finding-list"
    ordering = "id"
    columns = (
        Column(_("镇"), "town.name"),
        Column(_("问题描述"), lambda x: x.description[:40], link="oversight:finding-detail"),
        Column(_("问题类别"), lambda x: x.get_category_display()),
        Column(_("严重程度"), lambda x: x.get_severity_display()),
        Column(_("发现日期"), "found_on"),
        Column(_("整改期限"), _due, css="text-nowrap"),
        Column(_("状态"), badge=("state", "oversight.FindingState")),
    )

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user)

    def row_attrs(self, row):
        today = self.today
        overdue = row.state in FindingState.PENDING and row.due_on < today
        return {"class": "table-danger"} if overdue else {}

    def get_context_data(self, **kwargs):
        self.today = timezone.localdate()
        return super().get_context_data(**kwargs)


class FindingDetailView(ScopedDetailView):
    """A finding: what, where, the rule breached, the deadline; the town's replies with their
    evidence (through core.files' checking view) and the office's decisions; the clerk's reply
    form and the office's accept / return / close-out steps where the state allows them."""

    template_name = "oversight/finding_detail.html"
    context_object_name = "finding"
    states, state_field = FindingState, "state"

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user).select_related("group")

    def get_detail_context(self, finding):
        may_reply = FindingState.allows("reply", finding.state) and _town_side(self.request.user, finding)
        today = timezone.localdate()
        return {"replies": selectors.finding_replies(finding=finding), "active": "findings",
                "may_reply": may_reply, "decide_form": f.DecideForm(auto_id="dec-%s"),
                "return_form": f.ReturnForm(auto_id="ret-%s"),
                "overdue": finding.state in FindingState.PENDING and finding.due_on < today}


def _town_side(user, finding) -> bool:
    try:
        rules.require_town_side(user, finding)
    except PermissionDenied:  # not a clerk of the finding's town
        return False
    return True


class FindingReplyView(ServiceFormView):
    """The town's clerk reports the rectification with evidence files (the clerk of that town
    alone: the office over it, and every other reader, get 403)."""

    model = Finding
    form_class = f.FindingReplyForm
    template_name = "oversight/form.html"

    def get_object(self):
        finding = selectors.finding_get(user=self.request.user, pk=self.kwargs["pk"])  # 404 outside
        rules.require_town_side(self.request.user, finding)  # 403 for readers
        return finding

    def make_form(self, obj, data=None, files=None):
        if data is None:
            return self.form_class(user=self.request.user)
        return self.form_class(data, files, user=self.request.user)

    def form_context(self, form):
        finding = selectors.finding_get(user=self.request.user, pk=self.kwargs["pk"])
        return {"title": gettext("报送整改情况"), "active": "findings", "finding": finding, "multipart": True,
                "back": reverse("oversight:finding-detail", args=[finding.pk])}

    def update(self, finding, form):
        return services.finding_reply(finding=finding, actor=self.request.user, **form.cleaned_data)

    def success_message(self, reply, *, created):
        return gettext("已报送整改情况，等待领导小组办公室审核。")

    def success_url(self, reply):
        return reverse("oversight:finding-detail", args=[reply.finding_id])


class _FindingStep(ServiceActionView):
    queryset = Finding.objects.select_related("town", "group")
    states, state_field = FindingState, "state"
    success_url_name = "oversight:finding-detail"
    noun = _("问题")
    object_arg = "finding"

    def step_label(self):
        return str(services.STEP_LABELS[self.transition])


class FindingAcceptView(_FindingStep):
    transition = "accept"
    form_class = f.DecideForm
    service = services.finding_accept

    def success_message(self, finding, data):
        return gettext("整改通过：%(finding)s") % {"finding": finding}


class FindingReturnView(_FindingStep):
    transition = "return"
    form_class = f.ReturnForm
    require_reason = True
    service = services.finding_return

    def success_message(self, finding, data):
        return gettext("已退回重新整改：%(finding)s") % {"finding": finding}


class FindingCloseView(_FindingStep):
    transition = "close"
    form_class = f.DecideForm
    service = services.finding_close

    def success_message(self, finding, data):
        return gettext("已销号：%(finding)s") % {"finding": finding}


