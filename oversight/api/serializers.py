"""Serializers of the oversight API (read only)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import PlainModelSerializer

from ..models import AgendaLine, Evidence, Finding, FindingReply, LeadingGroup, Meeting


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


class MeetingSerializer(PlainModelSerializer):
    agenda = AgendaLineSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "group", "kind", "month", "title", "held_on", "venue", "minutes", "agenda_compiled_at",
                  "agenda"]
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
    town_name = serializers.CharField(source="town.name", read_only=True)
    replies = FindingReplySerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "group", "town", "town_name", "occasion", "category", "severity", "description",
                  "rule_breached", "found_on", "rectify_months", "due_on", "due_provisional", "state",
                  "accepted_on", "closed_on", "replies"]
        read_only_fields = fields
