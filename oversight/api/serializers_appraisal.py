"""Serializers of the appraisal API (issue 14 §5): the sets, the appraisals with their scores and
uses as read, and the small inputs of each step (each handed to one service of
oversight.services_appraisal, which decides: the weights' sum, the freeze after 定档)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ServiceRequiredField, StrictDateField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Division

from ..models import (
    Appraisal,
    AppraisalIndicator,
    AppraisalScore,
    AppraisalUse,
    IndicatorSet,
    LeadingGroup,
    Measure,
    UseKind,
)


class AppraisalIndicatorSerializer(PlainModelSerializer):
    class Meta:
        model = AppraisalIndicator
        fields = ["id", "position", "name", "weight", "kind", "measure", "rule"]
        read_only_fields = fields


class IndicatorInput(PlainSerializer):
    name = serializers.CharField(label="指标名称", max_length=128)
    weight = serializers.DecimalField(label="权重", max_digits=5, decimal_places=2)
    measure = serializers.ChoiceField(label="计算口径", choices=[("", "人工评分"), *Measure.choices], required=False,
                                      allow_blank=True, default="")
    rule = serializers.CharField(label="评分标准", max_length=300, required=False, allow_blank=True, default="")


class IndicatorSetSerializer(PlainModelSerializer):
    """A set as read; a create gives ``indicators`` (name, weight, measure or "", rule)."""

    group = ScopedPrimaryKeyRelatedField(label="领导小组", queryset=LeadingGroup.objects.all())
    indicators = IndicatorInput(many=True, write_only=True, label="考核指标")
    indicator_list = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorSet
        fields = ["id", "group", "year", "name", "document_number", "excellent_from", "good_from", "pass_from",
                  "indicators", "indicator_list"]

    def get_indicator_list(self, obj) -> list[dict]:
        rows = [i for i in obj.indicators.all() if i.is_active]
        return AppraisalIndicatorSerializer(sorted(rows, key=lambda i: i.position), many=True).data


class AppraisalScoreSerializer(PlainModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    weight = serializers.DecimalField(source="indicator.weight", max_digits=5, decimal_places=2, read_only=True)
    scored_by = serializers.CharField(source="scored_by.username", read_only=True, default=None)

    class Meta:
        model = AppraisalScore
        fields = ["indicator", "indicator_name", "weight", "score", "computed_score", "trace", "by_hand", "scored_by",
                  "reason"]
        read_only_fields = fields


class AppraisalUseSerializer(PlainModelSerializer):
    class Meta:
        model = AppraisalUse
        fields = ["id", "kind", "text", "document_number", "decided_on"]
        read_only_fields = fields


class AppraisalSerializer(PlainModelSerializer):
    """An appraisal as read; a create (开始考核) gives ``indicator_set`` and ``town``."""

    indicator_set = ScopedPrimaryKeyRelatedField(label="考核指标体系", queryset=IndicatorSet.objects.all())
    town = ScopedPrimaryKeyRelatedField(label="试点镇", queryset=Division.objects.all())
    town_name = serializers.CharField(source="town.name", read_only=True)
    scores = AppraisalScoreSerializer(many=True, read_only=True)
    uses = AppraisalUseSerializer(many=True, read_only=True)

    class Meta:
        model = Appraisal
        fields = ["id", "indicator_set", "town", "town_name", "year", "state", "total", "grade", "computed_at",
                  "finalised_on", "conclusion", "scores", "uses"]
        read_only_fields = ["id", "year", "state", "total", "grade", "computed_at", "finalised_on", "conclusion",
                            "scores", "uses"]


class ScoreInput(PlainSerializer):
    indicator = serializers.PrimaryKeyRelatedField(label="考核指标", queryset=AppraisalIndicator.objects.all())
    score = serializers.DecimalField(label="得分", max_digits=5, decimal_places=2)
    reason = ServiceRequiredField(label="评分理由", max_length=500)


class FinaliseInput(PlainSerializer):
    on = StrictDateField(label="定档日期")
    conclusion = serializers.CharField(label="考核意见", required=False, allow_blank=True, default="")


class UseInput(PlainSerializer):
    kind = serializers.ChoiceField(label="运用类型", choices=UseKind.choices)
    text = serializers.CharField(label="内容")
    document_number = serializers.CharField(label="文号", max_length=64, required=False, allow_blank=True, default="")
    decided_on = StrictDateField(label="决定日期")
