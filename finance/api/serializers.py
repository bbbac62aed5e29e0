"""Serializers of the finance API. Amounts are taken as text and read by finance.rules (the
services' parser), so "12.345", "abc" or a float gets the same refusal in the API as on a page:
a stable code and the Chinese message on the field."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Division

from ..choices import EntitlementKind, EntitlementStatus, RuleKind
from ..models import (
    ArrangementRule,
    Disbursement,
    DisbursementLine,
    Entitlement,
    FiscalArrangement,
    RevenueRecord,
)


def _choices_text(choices, label: str) -> serializers.CharField:
    """A choice field documented as text listing its values: "kind" and "status" are enums of
    other apps too, and drf-spectacular would give them colliding component names."""
    return serializers.CharField(read_only=True, help_text=f"{label}：" + "、".join(
        f"{value}（{text}）" for value, text in choices))


class ArrangementRuleSerializer(PlainModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    kind = _choices_text(RuleKind.choices, "规则类型")

    class Meta:
        model = ArrangementRule
        fields = ["id", "position", "name", "kind", "categories", "share_percent", "per_mu_amount", "earmark"]


class ArrangementSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    rules = ArrangementRuleSerializer(many=True, read_only=True)

    class Meta:
        model = FiscalArrangement
        fields = ["id", "town", "town_name", "name", "document_number", "base_year", "base_amount", "term_start",
                  "term_end", "effective_from", "settlement_method", "shortfall_rule", "disbursement_limit",
                  "superseded_by", "rules", "created_at"]
        read_only_fields = fields


class RevenueRecordSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    month = serializers.CharField(label="所属月份", help_text="YYYY-MM")
    category = serializers.SlugRelatedField(slug_field="code", queryset=RevenueRecord._meta.get_field(
        "category").related_model.objects.all(), label="收入科目")
    amount = serializers.CharField(label="金额（元）", help_text="元，最多两位小数，如 1291666.66")
    category_name = serializers.CharField(source="category.name", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = RevenueRecord
        fields = ["id", "town", "town_name", "month", "category", "category_name", "collecting_body", "amount",
                  "reverses", "reason", "reversed_by", "created_at"]
        read_only_fields = ["reverses", "reason", "created_at"]

    def get_reversed_by(self, obj) -> int | None:
        reversal = getattr(obj, "reversal", None) if hasattr(obj, "reversal") else None
        return reversal.pk if reversal else None

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["month"] = f"{obj.month:%Y-%m}"
        data["amount"] = f"{obj.amount:.2f}"
        return data


class RevenueReverseInput(PlainSerializer):
    reason = serializers.CharField(label="理由", allow_blank=True)


class EntitlementSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    kind = _choices_text(EntitlementKind.choices, "类型")
    status = _choices_text(EntitlementStatus.choices, "状态")
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = Entitlement
        fields = ["id", "town", "town_name", "kind", "month", "arrangement", "rule", "rule_name", "earmark", "amount",
                  "carried_forward", "due_on", "due_provisional", "status", "replaced_by", "posting",
                  "reversal_posting", "trace", "created_at"]
        read_only_fields = fields


class OverdueSerializer(EntitlementSerializer):
    paid = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta(EntitlementSerializer.Meta):
        fields = [*EntitlementSerializer.Meta.fields, "paid", "outstanding"]
        read_only_fields = fields


class ReconciliationSerializer(PlainSerializer):
    """One town's row of finance.selectors.reconciliation (对账)."""

    town = serializers.IntegerField(source="town_id", read_only=True)
    town_name = serializers.CharField(source="town", read_only=True)
    owed = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    overdue = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


class DisbursementLineInput(PlainSerializer):
    entitlement = ScopedPrimaryKeyRelatedField(queryset=Entitlement.objects.all(), label="应返款项")
    amount = serializers.CharField(label="本次调拨（元）")


class DisbursementLineSerializer(PlainModelSerializer):
    class Meta:
        model = DisbursementLine
        fields = ["entitlement", "amount"]


class DisbursementSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    paid_on = StrictDateField(label="调拨日期")
    lines = DisbursementLineInput(many=True, write_only=True)
    paid_lines = DisbursementLineSerializer(source="lines", many=True, read_only=True)

    class Meta:
        model = Disbursement
        fields = ["id", "town", "paid_on", "amount", "document_number", "memo", "posting", "lines", "paid_lines",
                  "created_at"]
        read_only_fields = ["amount", "posting", "created_at"]
        validators: list = []
