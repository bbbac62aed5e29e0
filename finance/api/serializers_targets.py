"""Serializers of the targets, debt and inspection API. Amounts and percents are taken as text and
read by finance.rules (the services' parser): "12.345", "abc" or a float get the same refusal as
on a page, a stable code and the Chinese message on the field."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Division

from ..choices import CheckResult, DebtKind, Indicator, Severity
from ..models import (
    ChecklistItem,
    DebtEntry,
    GrowthTarget,
    Inspection,
    InspectionFinding,
    InspectionResult,
    YearFigure,
)


def _text(choices, label: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, label=label, help_text=f"{label}：" + "、".join(
        f"{value}（{text}）" for value, text in choices))


class GrowthTargetSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    indicator = _text(Indicator.choices, "指标")
    target_percent = serializers.CharField(label="目标增长率（%）", help_text="如 25.00")
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = GrowthTarget
        fields = ["id", "town", "town_name", "year", "indicator", "target_percent", "document_number", "updated_at"]
        read_only_fields = ["updated_at"]
        validators: list = []

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["target_percent"] = f"{obj.target_percent:.2f}"
        return data


class YearFigureSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    indicator = _text(Indicator.choices, "指标")
    amount = serializers.CharField(label="实际数（元）", help_text="元，最多两位小数")
    reason = serializers.CharField(label="更正理由", required=False, allow_blank=True)
    replaced_by = serializers.SerializerMethodField()

    class Meta:
        model = YearFigure
        fields = ["id", "town", "year", "indicator", "amount", "source", "replaces", "reason", "replaced_by",
                  "created_at"]
        read_only_fields = ["replaces", "created_at"]

    def get_replaced_by(self, obj) -> int | None:
        row = getattr(obj, "replaced_by", None) if hasattr(obj, "replaced_by") else None
        return row.pk if row else None

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["amount"] = f"{obj.amount:.2f}"
        return data


class FigureOut(PlainSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    source = serializers.CharField()
    label = serializers.CharField()


class TargetProgressSerializer(PlainSerializer):
    """One indicator of one town in one year (finance.selectors.IndicatorYear)."""

    town = serializers.IntegerField(source="town_id")
    year = serializers.IntegerField()
    indicator = serializers.CharField()
    target_percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    target_set = serializers.BooleanField(help_text="false：未设定，取实施方案默认目标")
    previous = FigureOut(allow_null=True)
    actual = FigureOut(allow_null=True)
    required = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    growth = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True,
                                      help_text="增长率（%），按0.01向下取整；缺上年数据时为 null")
    met = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()
    provisional = serializers.BooleanField()


class DebtEntrySerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    kind = _text(DebtKind.choices, "类型")
    occurred_on = StrictDateField(label="发生日期")
    amount = serializers.CharField(label="金额（元）", help_text="元，最多两位小数，大于零")
    approved_by = serializers.CharField(label="审批机关", required=False, allow_blank=True,
                                        help_text="举借必填（严控新增债务）")
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = DebtEntry
        fields = ["id", "town", "kind", "lender", "occurred_on", "amount", "document_number", "approved_by",
                  "purpose", "posting", "reverses", "reason", "reversed_by", "created_at"]
        read_only_fields = ["posting", "reverses", "reason", "created_at"]

    def get_reversed_by(self, obj) -> int | None:
        row = getattr(obj, "reversal", None) if hasattr(obj, "reversal") else None
        return row.pk if row else None

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["amount"] = f"{obj.amount:.2f}"
        return data


class DebtReverseInput(PlainSerializer):
    reason = serializers.CharField(label="理由", allow_blank=True)


class LenderDebtSerializer(PlainSerializer):
    town = serializers.IntegerField()
    lender = serializers.CharField()
    borrowed = serializers.DecimalField(max_digits=16, decimal_places=2)
    repaid = serializers.DecimalField(max_digits=16, decimal_places=2)
    balance = serializers.DecimalField(max_digits=16, decimal_places=2)
    borrowed_in_year = serializers.DecimalField(max_digits=16, decimal_places=2)
    repaid_in_year = serializers.DecimalField(max_digits=16, decimal_places=2)


class ChecklistItemSerializer(PlainModelSerializer):
    county = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="县")

    class Meta:
        model = ChecklistItem
        fields = ["id", "county", "code", "text", "position", "is_active"]
        read_only_fields = ["is_active"]
        validators: list = []


class InspectionResultSerializer(PlainModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_text = serializers.CharField(source="item.text", read_only=True)

    class Meta:
        model = InspectionResult
        fields = ["item", "item_code", "item_text", "result", "note"]
        read_only_fields = fields


class InspectionFindingSerializer(PlainModelSerializer):
    town = serializers.IntegerField(source="inspection.town_id", read_only=True)
    severity = serializers.CharField(read_only=True, help_text="严重程度：" + "、".join(
        f"{v}（{t}）" for v, t in Severity.choices))

    class Meta:
        model = InspectionFinding
        fields = ["id", "inspection", "town", "item", "text", "severity", "status", "closed_on", "closure_note",
                  "created_at"]
        read_only_fields = fields


class InspectionSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    inspected_on = StrictDateField(label="检查日期")
    results = InspectionResultSerializer(many=True, read_only=True)
    findings = InspectionFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "town", "year", "quarter", "inspected_on", "inspectors", "summary", "status", "completed_on",
                  "results", "findings", "created_at"]
        read_only_fields = ["summary", "status", "completed_on", "created_at"]
        validators: list = []


class ResultInput(PlainSerializer):
    item = serializers.IntegerField(label="检查项目")
    result = _text(CheckResult.choices, "检查结果")
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")


class ResultsInput(PlainSerializer):
    results = ResultInput(many=True)


class FindingInput(PlainSerializer):
    text = serializers.CharField(label="问题")
    severity = _text(Severity.choices, "严重程度")
    item = serializers.IntegerField(label="检查项目", required=False, allow_null=True, default=None)


class CompleteInput(PlainSerializer):
    summary = serializers.CharField(label="检查结论", allow_blank=True)


class CloseInput(PlainSerializer):
    closure_note = serializers.CharField(label="整改情况", allow_blank=True)


class OpenFindingSerializer(PlainSerializer):
    """finance.selectors.OpenFinding: what oversight reads."""

    finding_id = serializers.IntegerField()
    town_id = serializers.IntegerField()
    town = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    inspected_on = serializers.DateField()
    severity = serializers.CharField()
    text = serializers.CharField()
    item = serializers.CharField()
    url = serializers.CharField()
