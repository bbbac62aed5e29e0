from rest_framework import serializers

from ..models import Department, Division, Membership, PilotDesignation


class DivisionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Division
        fields = ["id", "code", "name", "level", "level_display", "parent", "path"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "division", "is_active", "updated_at"]
        read_only_fields = ["code", "division", "updated_at"]


class PilotDesignationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PilotDesignation
        fields = ["id", "division", "kind", "batch", "designated_on", "designated_by", "document_number", "revoked_on"]


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "division", "department", "role", "is_active"]
