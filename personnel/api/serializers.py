"""Serializers of the personnel API (read only). A person's ID number, phone and birth date are
answered in full only to the roles that need them (rules_staffing.PII_ROLES: the town's clerks,
the office, the administrator; by the caller's roles in the person's town) and masked for everyone
else, the same as on the pages."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import PlainModelSerializer, PlainSerializer

from .. import rules_staffing, selectors_staffing
from ..models import (
    AdjustmentOpinion,
    EstablishmentApproval,
    HeadConsultation,
    Institution,
    Person,
    Post,
    Secondment,
    StationedUnit,
)


class PersonSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    institution = serializers.IntegerField(source="post.institution_id", read_only=True, allow_null=True)
    id_number = serializers.SerializerMethodField(help_text="公民身份号码（无权查看个人信息的角色为脱敏值）")
    phone = serializers.SerializerMethodField(help_text="联系电话（脱敏规则同上）")
    birth_date = serializers.SerializerMethodField(help_text="出生日期 YYYY-MM-DD（脱敏时为 YYYY-**-**）")

    class Meta:
        model = Person
        fields = ["id", "town", "town_name", "name", "id_number", "birth_date", "phone", "political_status",
                  "education", "status", "post", "institution", "rank", "rank_since", "entry_form", "entry_document",
                  "entry_date", "exit_form", "exit_document", "exit_date"]
        read_only_fields = fields

    def _visible(self, obj) -> bool:
        """Per row, by the caller's roles in the person's town; answered once per town of a page."""
        towns = self.context.setdefault("pii_visible", {})
        if obj.town_id not in towns:
            request = self.context.get("request")
            towns[obj.town_id] = selectors_staffing.sees_personal_data(user=getattr(request, "user", None),
                                                                       town=obj.town)
        return towns[obj.town_id]

    def get_id_number(self, obj) -> str:
        return obj.id_number if self._visible(obj) else rules_staffing.mask_value("id_number", obj.id_number)

    def get_phone(self, obj) -> str:
        return obj.phone if self._visible(obj) else rules_staffing.mask_value("phone", obj.phone)

    def get_birth_date(self, obj) -> str:
        if self._visible(obj):
            return f"{obj.birth_date:%Y-%m-%d}"
        return rules_staffing.mask_value("birth_date", obj.birth_date)


class InstitutionSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "town", "town_name", "name", "nature", "is_key", "founding_document", "founded_on",
                  "abolished_on"]
        read_only_fields = fields


class PostSerializer(PlainModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    town = serializers.IntegerField(source="institution.town_id", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "town", "institution", "institution_name", "title", "kind", "role", "leader_level",
                  "is_active"]
        read_only_fields = fields


class ApprovalSerializer(PlainModelSerializer):
    class Meta:
        model = EstablishmentApproval
        fields = ["id", "town", "quota_kind", "delta", "document_kind", "document_number", "document_date",
                  "issued_by", "funding_form", "note", "plan", "posting"]
        read_only_fields = fields


class SecondmentSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Secondment
        fields = ["id", "town", "town_name", "person_name", "home_unit", "post", "document_number", "start_on",
                  "end_on", "ended_on"]
        read_only_fields = fields


class StationedUnitSerializer(PlainModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = StationedUnit
        fields = ["id", "town", "department", "department_name", "name", "kind"]
        read_only_fields = fields


class ConsultationSerializer(PlainModelSerializer):
    class Meta:
        model = HeadConsultation
        fields = ["id", "unit", "candidate_name", "proposed_post", "request_document", "requested_on", "status",
                  "reply", "replied_on", "coordination", "coordinated_on"]
        read_only_fields = fields


class OpinionSerializer(PlainModelSerializer):
    unit = serializers.IntegerField(source="appointment.unit_id", read_only=True)
    head = serializers.CharField(source="appointment.person_name", read_only=True)

    class Meta:
        model = AdjustmentOpinion
        fields = ["id", "appointment", "unit", "head", "document_number", "opinion", "delivered_on", "due_on",
                  "due_provisional", "handled_on", "handling"]
        read_only_fields = fields


class StaffingRowSerializer(PlainSerializer):
    label = serializers.CharField()
    kind = serializers.CharField()
    approved = serializers.IntegerField()
    filled = serializers.IntegerField()
    free = serializers.IntegerField()


class StaffingTableSerializer(PlainSerializer):
    """机构编制使用情况表 of one town: totals per kind, institutions, leadership posts."""

    id = serializers.IntegerField(source="town.pk", help_text="镇的 id（与 town 相同）")
    town = serializers.IntegerField(source="town.pk")
    town_name = serializers.CharField(source="town.name")
    totals = StaffingRowSerializer(many=True)
    institutions = StaffingRowSerializer(many=True)
    leaders = StaffingRowSerializer(many=True)

