"""REST API of oversight, on core.api's ServiceViewSet: every list and row through the scoped
selectors (404 outside the jurisdiction), history on every row, and every write a declared
workflow step calling one service (403 without the role, structured JSON errors).

Meetings (the office): POST to the list opens an ad-hoc meeting (``group``, ``held_on``, ``title``);
``minutes-pdf`` (GET: the minutes as the page's GB/T 9704 PDF, 404 before it was held); ``record`` (held on, venue, minutes), ``attendance``, ``decisions``,
``action-items`` (an action item), ``action-done`` (an action item done: the day and how); ``agenda``
(GET, ``?as_of=YYYY-MM-DD``: what the agenda would hold if compiled that day; the stored lines
are the meeting's ``agenda``).
Findings: POST to the list opens one (the office); ``reply`` (the clerk of the finding's town
alone, multipart with the evidence files), ``accept``, ``return`` (with a reason), ``close`` (the
office)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.schema import error_response
from core.api.viewsets import ServiceViewSet
from core.errors import ApplicationError
from regions import scoping
from regions.choices import Role
from regions.permissions import JurisdictionPermission

from .. import reports, rules, selectors, selectors_appraisal, selectors_dashboard, services
from ..models import AgendaLine, Evidence, Finding, FindingReply, LeadingGroup, Meeting
from . import serializers as s
from .views_groups import GroupWriteMixin


@extend_schema_view(list=extend_schema(summary="领导小组列表"), retrieve=extend_schema(summary="领导小组"))
class LeadingGroupViewSet(GroupWriteMixin, ServiceViewSet):
    queryset = LeadingGroup.objects.all()
    serializer_class = s.LeadingGroupSerializer

    def get_scoped_queryset(self, user):
        return selectors.group_list(user=user).order_by("-id")

    @extend_schema(summary="督查考核首页：本月调度会及议题、分镇未销号问题、各领域逾期数、考核排名",
                   responses={200: s.DashboardSerializer})
    @action(detail=False, methods=["get"], url_path="dashboard", url_name="dashboard")
    def dashboard(self, request):
        """What the dashboard page shows, each figure with the link of the page behind it."""
        user, today = request.user, timezone.localdate()
        return Response(s.DashboardSerializer({
            "as_of": today, "meetings": selectors.meetings_of_month(user=user, month=today),
            "findings_by_town": selectors.findings_by_town(user=user, today=today),
            "overdue": selectors_dashboard.overdue_counts(user=user, today=today),
            "standings": selectors_appraisal.appraisal_standings(user=user)}).data)


def _action_done(*, meeting, item, done_on, note, actor):
    """The action item (of this meeting: the input's field allows no other) marked done."""
    return services.action_item_done(item=item, done_on=done_on, note=note, actor=actor)


@extend_schema_view(list=extend_schema(summary="工作调度会列表（含议题）"), retrieve=extend_schema(summary="工作调度会"))
class MeetingViewSet(ServiceViewSet):
    queryset = Meeting.objects.all()
    serializer_class = s.MeetingDetailSerializer
    list_serializer_class = s.MeetingSerializer
    actions = [
        WorkflowAction("record", service=services.meeting_record, input=s.MeetingRecordInput,
                       summary="登记会议召开情况与纪要"),
        WorkflowAction("attendance", service=services.attendance_record, input=s.AttendanceInput,
                       summary="登记出席情况"),
        WorkflowAction("decisions", service=services.decision_add, input=s.DecisionInput, summary="添加议定事项"),
        WorkflowAction("action-items", service=services.action_item_add, input=s.ActionItemInput,
                       summary="布置督办任务（会议召开后）"),
        WorkflowAction("action-done", service=_action_done, input=s.ActionDoneInput, summary="督办任务办结"),
    ]

    @extend_schema(summary="新建临时会议（专题协调会）", request=s.MeetingAdHocInput,
                   responses={201: s.MeetingDetailSerializer})
    def create(self, request, *args, **kwargs):
        """An ad-hoc meeting (专题协调会) of a leading or coordination group: 400 for a group the caller
        does not see, 403 without the office role there; it then takes the monthly meeting's steps."""
        data = self.parse_input(s.MeetingAdHocInput)
        self.check_candidate(data)  # 403 outside the caller's write scope
        meeting = services.meeting_create_ad_hoc(actor=request.user, **data)
        return self.detail_response(meeting, status=201)

    @extend_schema(summary="会议纪要 PDF（GB/T 9704）",
                   responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                                        description="application/pdf"),
                              404: error_response("404")})
    @action(detail=True, methods=["get"], url_path="minutes-pdf", url_name="minutes-pdf")
    def minutes_pdf(self, request, pk=None):
        """The same PDF as the page's (reports.minutes_pdf); a meeting not yet held has none (404)."""
        meeting = self.get_object()
        if meeting.held_on is None:
            raise NotFound(gettext("会议尚未召开，还没有会议纪要。"))
        response = HttpResponse(reports.minutes_pdf(meeting=meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    def get_scoped_queryset(self, user):
        qs = selectors.meeting_list(user=user).prefetch_related(
            Prefetch("agenda", queryset=AgendaLine.objects.order_by("position"))).order_by("-month", "-id")
        if self.action != "list":
            qs = qs.prefetch_related("attendance__member", "decisions", "actions")
        return qs

    @extend_schema(summary="按日期查看议题（计算，不保存）", responses={200: s.AgendaItemSerializer(many=True)},
                   parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD，默认今天")])
    @action(detail=True, methods=["get"], url_path="agenda", url_name="agenda")
    def agenda(self, request, pk=None):
        meeting = self.get_object()
        raw = (request.query_params.get("as_of") or "").strip()
        if raw:
            try:
                as_of = rules.parse_iso_date(raw)
            except ValueError:
                message = gettext("日期“%(value)s”无效，请按YYYY-MM-DD填写，例如2026-03-01。") % {"value": raw[:20]}
                raise ApplicationError(message, code="invalid_date", extra={"as_of": [message]}) from None
        else:
            as_of = timezone.localdate()
        items = selectors.agenda_as_of(meeting=meeting, as_of=as_of)
        return Response({"as_of": as_of.isoformat(), "compiled_at": meeting.agenda_compiled_at,
                         "lines": s.AgendaItemSerializer(items, many=True).data})


class TownClerkPermission(permissions.BasePermission):
    """The rectification report is the town's: a clerk (经办人) of the finding's own town (or an
    administrator). 403 for every other role, before the row is looked up; 404 outside the scope
    (the scoped queryset); 403 for a clerk who sees the finding but is not of its town."""

    message = "只有该镇的经办人才能报送整改情况。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_superuser or any(g.role == Role.CLERK for g in scoping.grants(user))

    def has_object_permission(self, request, view, obj):
        return request.user.is_superuser or rules.is_town_clerk(request.user, obj)


def _today_if_none(view, row, data) -> dict:
    return {**data, "on": data.get("on") or timezone.localdate()}


@extend_schema_view(list=extend_schema(summary="督查问题列表（含整改报告）"), retrieve=extend_schema(summary="督查问题"),
                    create=extend_schema(summary="登记督查发现的问题"))
class FindingViewSet(ServiceViewSet):
    queryset = Finding.objects.all()
    serializer_class = s.FindingSerializer
    create_service = services.finding_create
    actions = [
        WorkflowAction("reply", service=services.finding_reply, input=s.FindingReplyInput,
                       summary="报送整改情况（本镇经办人；multipart，附佐证材料）"),
        WorkflowAction("accept", service=services.finding_accept, input=s.DecideInput, arguments=_today_if_none,
                       summary="整改通过"),
        WorkflowAction("return", service=services.finding_return, input=s.ReturnInput, arguments=_today_if_none,
                       summary="退回重新整改（附理由）"),
        WorkflowAction("close", service=services.finding_close, input=s.DecideInput, arguments=_today_if_none,
                       summary="销号"),
    ]

    def get_permissions(self):
        if self.action == "reply":
            return [TownClerkPermission()]
        if self.action is None:  # a method no route has (DELETE): 405 for whoever is signed in
            return [permissions.IsAuthenticated()]
        return [JurisdictionPermission()]

    def get_scoped_queryset(self, user):
        replies = FindingReply.objects.order_by("submitted_on", "id").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        return selectors.finding_list(user=user).prefetch_related(Prefetch("replies", queryset=replies)).order_by(
            "due_on", "id")
