"""Serializers of the plans API: a plan with its versions (the latest one's text and its length
against the minimum), the create input, and the save-version input."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ServiceRequiredField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Division

from .. import rules
from ..models import DEFAULT_MIN_CHARS, Plan, PlanVersion


class VersionSerializer(PlainModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = PlanVersion
        fields = ["number", "kind", "char_count", "note", "created_by", "created_at"]
        read_only_fields = fields


class PlanSerializer(PlainModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="试点镇（县）")
    division_name = serializers.CharField(source="division.name", read_only=True)
    min_chars = serializers.IntegerField(label="最低字数", min_value=1, max_value=100000, default=DEFAULT_MIN_CHARS)
    versions = serializers.SerializerMethodField()
    markdown = serializers.SerializerMethodField(help_text="最新版本的正文（Markdown）")
    length = serializers.SerializerMethodField(help_text="最新版本的字数（只计汉字）与最低字数的比较")

    class Meta:
        model = Plan
        fields = ["id", "division", "division_name", "title", "min_chars", "versions", "markdown", "length",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "versions", "markdown", "length", "created_at", "updated_at"]

    def _versions(self, plan) -> list:
        cached = getattr(plan, "_sorted_versions", None)
        if cached is None:
            cached = plan._sorted_versions = sorted(plan.versions.all(), key=lambda v: -v.number)
        return cached

    def get_versions(self, plan) -> list[dict]:
        return VersionSerializer(self._versions(plan), many=True).data

    def get_markdown(self, plan) -> str:
        versions = self._versions(plan)
        return versions[0].markdown if versions else ""

    def get_length(self, plan) -> dict | None:
        versions = self._versions(plan)
        if not versions:
            return None
        length = rules.Length(versions[0].char_count, plan.min_chars)
        return {"chars": length.chars, "minimum": length.minimum, "short_by": length.short_by,
                "reached": length.reached, "verdict": length.verdict}


class SaveVersionInput(PlainSerializer):
    markdown = ServiceRequiredField(label="正文（Markdown）", trim_whitespace=False)
    note = serializers.CharField(label="修改说明", max_length=200, required=False, default="", allow_blank=True)
