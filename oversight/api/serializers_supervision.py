"""Serializers of the supervision API: read-only rows, small inputs of the office's steps."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core import files
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.serializers import PlainModelSerializer
from regions.models import Department, Division

from ..choices import FindingCategory, ParticipantRole, ReportState, Severity
from ..models import (
    ItemInspection,
    LeadingGroup,
    Supervision,
    SupervisionParticipant,
    SupervisionReport,
)


class ParticipantSerializer(PlainModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = SupervisionParticipant
        fields = ["id", "department", "department_name", "role"]
        read_only_fields = fields


class ReportSerializer(PlainModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（经权限检查；生成后才有）")

    class Meta:
        model = SupervisionReport
        fields = ["id", "version", "state", "as_of", "requested_by", "generated_at", "pages", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return files.url_for(obj, "pdf") if obj.state == ReportState.DONE else ""


class SupervisionSerializer(PlainModelSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    reports = ReportSerializer(many=True, read_only=True)
    findings = serializers.SerializerMethodField(help_text="本次督查登记的问题编号")

    class Meta:
        model = Supervision
        fields = ["id", "group", "year", "half", "title", "state", "opened_on", "reported_on", "closed_on",
                  "participants", "reports", "findings"]
        read_only_fields = fields

    def get_findings(self, obj) -> list[int]:
        return [s.finding_id for s in obj.sources.all()]


@extend_schema_serializer(component_name="ItemInspection")  # finance.api has one of the same name
class InspectionSerializer(PlainModelSerializer):
    """An item inspection as read, and the input of its create (POST to the list: the office of
    the group; inspection_create checks the participants are the group's government's departments)."""

    group = ScopedPrimaryKeyRelatedField(label="领导小组", queryset=LeadingGroup.objects.all())
    participants = serializers.PrimaryKeyRelatedField(label="参加单位", queryset=Department.objects.all(), many=True,
                                                      required=False)
    findings = serializers.SerializerMethodField(help_text="本次检查登记的问题编号")

    class Meta:
        model = ItemInspection
        fields = ["id", "group", "subject", "inspected_on", "participants", "note", "findings"]

    def get_findings(self, obj) -> list[int]:
        return [s.finding_id for s in obj.sources.all()]


class ParticipantInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    role = serializers.ChoiceField(choices=ParticipantRole.choices)


@extend_schema_serializer(component_name="SupervisionFindingInput")  # finance.api has one of the same name
class FindingInput(serializers.Serializer):
    town = serializers.PrimaryKeyRelatedField(queryset=Division.objects.filter(level="town"))
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField()
    rule_breached = serializers.CharField(max_length=300)
    found_on = serializers.DateField()
    rectify_months = serializers.IntegerField(min_value=1, max_value=12)


class ReportInput(serializers.Serializer):
    as_of = serializers.DateField(required=False)


@extend_schema_serializer(component_name="SupervisionCloseInput")  # finance.api has one of the same name
class CloseInput(serializers.Serializer):
    on = serializers.DateField()
