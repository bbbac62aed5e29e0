"""Serializers of the oversight API: the rows as read, and the small inputs of each workflow step
(each handed to one service of oversight.services, which decides)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import (
    ScopedPrimaryKeyRelatedField,
    ServiceRequiredField,
    StrictDateField,
    StrictPrimaryKeyRelatedField,
)
from core.api.serializers import PlainModelSerializer, PlainSerializer

from ..forms import MEETING_GROUP_KINDS
from ..models import (
    ActionItem,
    AgendaLine,
    Attendance,
    Decision,
    Evidence,
    Finding,
    FindingReply,
    GroupMember,
    LeadingGroup,
    Meeting,
)


class LeadingGroupSerializer(PlainModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = LeadingGroup
        fields = ["id", "division", "division_name", "kind", "name", "parent", "host_department", "set_up_on",
                  "document_number", "is_active"]
        read_only_fields = fields


class AgendaLineSerializer(PlainModelSerializer):
    class Meta:
        model = AgendaLine
        fields = ["position", "source", "kind", "count", "summary", "by_town", "url_name", "url_query"]
        read_only_fields = fields


class AgendaItemSerializer(PlainSerializer):
    """A line the agenda would hold if compiled on the day asked (computed, not stored)."""

    source = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    summary = serializers.CharField(read_only=True)
    by_town = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    url_name = serializers.CharField(read_only=True)
    url_query = serializers.CharField(read_only=True)


class AttendanceSerializer(PlainModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "member", "member_name", "present", "substitute", "note"]
        read_only_fields = fields


class DecisionSerializer(PlainModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "position", "text"]
        read_only_fields = fields


class ActionItemSerializer(PlainModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "decision", "text", "owner", "owner_unit", "within_days", "due_on", "due_provisional",
                  "done_on", "done_by", "done_note"]
        read_only_fields = fields


class MeetingSerializer(PlainModelSerializer):
    """A meeting in the list: with its stored agenda lines."""

    agenda = AgendaLineSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "group", "kind", "month", "title", "held_on", "venue", "minutes", "agenda_compiled_at",
                  "agenda"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    """One meeting: also what the office recorded after it (attendance, decisions, action items)."""

    attendance = AttendanceSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    actions = ActionItemSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendance", "decisions", "actions"]
        read_only_fields = fields


class EvidenceSerializer(PlainModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（经权限检查）")

    class Meta:
        model = Evidence
        fields = ["id", "description", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.file.url


class FindingReplySerializer(PlainModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = FindingReply
        fields = ["id", "submitted_on", "text", "decision", "decided_on", "return_reason", "evidence"]
        read_only_fields = fields


class FindingSerializer(PlainModelSerializer):
    """A finding with the town's replies. POST to the list opens one (services.finding_create):
    the group and the town must be rows the caller sees; the deadline is computed."""

    group = ScopedPrimaryKeyRelatedField(queryset=LeadingGroup.objects.all(), label="督查单位")
    town = ScopedPrimaryKeyRelatedField(queryset=Finding._meta.get_field("town").related_model.objects.all(),
                                        label="镇")
    found_on = StrictDateField(label="发现日期")
    town_name = serializers.CharField(source="town.name", read_only=True)
    replies = FindingReplySerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "group", "town", "town_name", "occasion", "category", "severity", "description",
                  "rule_breached", "found_on", "rectify_months", "due_on", "due_provisional", "state",
                  "accepted_on", "closed_on", "replies"]
        read_only_fields = ["id", "town_name", "due_on", "due_provisional", "state", "accepted_on", "closed_on",
                            "replies"]
        extra_kwargs = {"rectify_months": {"min_value": None, "max_value": None}}  # the service's word (1-12)


# --- inputs of the workflow steps --------------------------------------------------------------

class _OfMeeting(StrictPrimaryKeyRelatedField):
    """A row of the meeting's own group (``attr``: ``"group"``) or of the meeting itself."""

    def __init__(self, *, model, attr, **kwargs):
        self.model, self.attr = model, attr
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        meeting = self.context.get("object")
        if meeting is None:
            return self.model.objects.none()
        if self.attr == "group":
            return self.model.objects.filter(group_id=meeting.group_id)
        return self.model.objects.filter(meeting_id=meeting.pk)


class MeetingAdHocInput(PlainSerializer):
    """An ad-hoc meeting (专题协调会): a leading or coordination group the caller sees (else 400),
    and writes for (else 403)."""

    group = ScopedPrimaryKeyRelatedField(
        queryset=LeadingGroup.objects.filter(kind__in=MEETING_GROUP_KINDS, is_active=True), label="小组",
        help_text="领导小组或协调小组的 id")
    held_on = StrictDateField(label="召开日期")
    title = serializers.CharField(max_length=200, label="会议名称")


class MeetingRecordInput(PlainSerializer):
    held_on = StrictDateField(label="召开日期")
    venue = serializers.CharField(required=False, allow_blank=True, default="", max_length=128, label="地点")
    minutes = serializers.CharField(required=False, allow_blank=True, default="", label="会议纪要")


class AttendanceInput(PlainSerializer):
    member = _OfMeeting(model=GroupMember, attr="group", label="成员")
    present = serializers.BooleanField(label="出席")
    substitute = serializers.CharField(required=False, allow_blank=True, default="", max_length=64, label="代为出席")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label="说明")


class DecisionInput(PlainSerializer):
    text = serializers.CharField(label="议定事项")


class ActionItemInput(PlainSerializer):
    text = serializers.CharField(label="任务")
    owner_unit = serializers.CharField(max_length=128, label="责任单位")
    owner = _OfMeeting(model=GroupMember, attr="group", required=False, allow_null=True, default=None, label="责任人")
    decision = _OfMeeting(model=Decision, attr="meeting", required=False, allow_null=True, default=None,
                          label="议定事项")
    within_days = serializers.IntegerField(required=False, default=30, min_value=1, max_value=365,
                                           label="完成时限（日）")


class ActionDoneInput(PlainSerializer):
    item = _OfMeeting(model=ActionItem, attr="meeting", label="督办任务")
    done_on = StrictDateField(label="完成日期")
    note = ServiceRequiredField(max_length=2000, label="完成情况", help_text="如何完成的")


class FindingReplyInput(PlainSerializer):
    """multipart/form-data: the text, the day and one or more evidence files (PDF, PNG, JPEG)."""

    text = ServiceRequiredField(label="整改情况")
    submitted_on = StrictDateField(label="报送日期")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list, label="佐证材料")


class DecideInput(PlainSerializer):
    on = StrictDateField(required=False, allow_null=True, default=None, label="日期", help_text="留空为今天")


class ReturnInput(DecideInput):
    reason = ServiceRequiredField(max_length=500, label="退回理由")


# --- the office's dashboard (issue 14 §8) ------------------------------------------------------

def _list_link(url_name: str, url_query: str) -> str:
    """The page behind a figure (its URL name and that page's own filters), "" when not mounted."""
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return ""
    return f"{url}?{url_query}" if url_query else url


class DashboardTownSerializer(PlainSerializer):
    """Findings of one town not closed out: of which overdue and waiting for review."""

    town = serializers.IntegerField(source="town_id", read_only=True)
    town_name = serializers.CharField(source="town__name", read_only=True)
    open = serializers.IntegerField(read_only=True)
    overdue = serializers.IntegerField(read_only=True)
    replied = serializers.IntegerField(read_only=True)
    link = serializers.SerializerMethodField(help_text="该镇未销号问题列表")

    def get_link(self, row) -> str:
        return _list_link("oversight:finding-list", f"town={row['town_id']}&closed=no")


class DashboardOverdueSerializer(PlainSerializer):
    """One app's overdue figure and the list behind it."""

    key = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    link = serializers.SerializerMethodField(help_text="该数字背后的列表页面")

    def get_link(self, count) -> str:
        return _list_link(count.url_name, count.url_query)


class DashboardStandingSerializer(PlainSerializer):
    """One town's appraisal in the year's standings."""

    appraisal = serializers.IntegerField(source="appraisal_id", read_only=True)
    town = serializers.IntegerField(source="town_id", read_only=True)
    town_name = serializers.CharField(source="town", read_only=True)
    year = serializers.IntegerField(read_only=True)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    grade = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    rank = serializers.IntegerField(read_only=True, allow_null=True)


class DashboardSerializer(PlainSerializer):
    """The office's home for oversight, as the page shows it, scoped to the caller."""

    as_of = serializers.DateField(read_only=True)
    meetings = MeetingSerializer(many=True, read_only=True, help_text="本月工作调度会及其议题")
    findings_by_town = DashboardTownSerializer(many=True, read_only=True)
    overdue = DashboardOverdueSerializer(many=True, read_only=True)
    standings = DashboardStandingSerializer(many=True, read_only=True)
