"""Inputs and answers of the office's writes on a leading group (api/views_groups.py): a member
added, a pilot town steered. Each input checks what the page's form checks (forms_groups)."""

from __future__ import annotations

from django.utils.translation import gettext
from rest_framework import serializers

from core.api.fields import StrictPrimaryKeyRelatedField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.choices import Level
from regions.models import Department, Division

from ..choices import MemberRole
from ..forms_groups import member_departments, town_problem
from ..models import GroupMember, SteeredTown


class GroupMemberSerializer(PlainModelSerializer):
    department_name = serializers.CharField(source="department.name", default="", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "group", "name", "post", "department", "department_name", "role", "is_active"]
        read_only_fields = fields


class SteeredTownSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = SteeredTown
        fields = ["id", "group", "town", "town_name", "is_active"]
        read_only_fields = fields


class MemberAddInput(PlainSerializer):
    name = serializers.CharField(max_length=64)
    post = serializers.CharField(max_length=128)
    department = StrictPrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    role = serializers.ChoiceField(choices=MemberRole.choices)

    def validate_department(self, department):
        group = self.context["object"]
        if department is not None and not member_departments(group).filter(pk=department.pk).exists():
            raise serializers.ValidationError(gettext("请选择本级政府的部门。"))
        return department


class TownSteerInput(PlainSerializer):
    town = StrictPrimaryKeyRelatedField(queryset=Division.objects.filter(level=Level.TOWN))

    def validate_town(self, town):
        problem = town_problem(self.context["object"], town)
        if problem:
            raise serializers.ValidationError(problem)
        return town
