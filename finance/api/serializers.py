"""Serializers of the finance API. Amounts are taken as text and read by finance.rules (the
services' parser), so "12.345", "abc" or a float gets the same refusal in the API as on a page:
a stable code and the Chinese message on the field."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Division

from ..choices import Earmark, EntitlementKind, EntitlementStatus, RuleKind, SettlementMethod, ShortfallRule
from ..models import (
    ArrangementRule,
    Disbursement,
    DisbursementLine,
    Entitlement,
    FiscalArrangement,
    RevenueCategory,
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
        fields = ["id", "position", "name", "kind", "categories", "share_percent", "tiers", "per_mu_amount", "earmark"]


class ArrangementSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    rules = ArrangementRuleSerializer(many=True, read_only=True)

    class Meta:
        model = FiscalArrangement
        fields = ["id", "town", "town_name", "name", "document_number", "base_year", "base_amount", "term_start",
                  "term_end", "effective_from", "settlement_method", "shortfall_rule", "disbursement_limit",
                  "superseded_by", "rules", "created_at"]
        read_only_fields = fields


class CodeField(serializers.SlugRelatedField):
    """A category by its code; a code with a NUL character is "no such code" (400), not a database
    error (PostgreSQL refuses NUL in text: a 500, found by schemathesis)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class RuleInput(PlainSerializer):
    """One rule of a new arrangement; amounts and shares as text (read by finance.rules)."""

    name = serializers.CharField(label="规则名称", max_length=128)
    kind = serializers.ChoiceField(label="规则类型", choices=RuleKind.choices)
    categories = CodeField(slug_field="code", many=True, required=False, queryset=RevenueCategory.objects.all(),
                           label="适用收入科目（代码）")
    share_percent = serializers.CharField(label="返还比例（%）", required=False, default="100")
    tiers = serializers.ListField(child=serializers.DictField(), required=False, default=list, label="分档返还",
                                  help_text='超收返还分档：[{"up_to": "3000000.00", "share_percent": "100"}, '
                                            '{"up_to": null, "share_percent": "50"}]')
    per_mu_amount = serializers.CharField(label="每亩补助（元）", required=False, allow_null=True, default=None)
    earmark = serializers.ChoiceField(label="指定用途", choices=Earmark.choices, required=False, default="")


class _ArrangementFields(PlainSerializer):
    name = serializers.CharField(label="名称", max_length=128)
    document_number = serializers.CharField(label="文号", max_length=64, required=False, default="", allow_blank=True)
    base_year = serializers.IntegerField(label="基数年度", min_value=2000, max_value=2199)
    base_amount = serializers.CharField(label="基数（元）", help_text="元，最多两位小数")
    term_start = StrictDateField(label="体制期限起")
    term_end = StrictDateField(label="体制期限止")
    effective_from = StrictDateField(label="施行日期", help_text="某月1日")
    settlement_method = serializers.ChoiceField(label="结算方式", choices=SettlementMethod.choices,
                                                default=SettlementMethod.YEAR_END)
    shortfall_rule = serializers.ChoiceField(label="多拨处理", choices=ShortfallRule.choices,
                                             default=ShortfallRule.OWED_BACK)
    disbursement_limit = serializers.CharField(label="调拨期限", max_length=8, default="3M")
    rules = RuleInput(many=True, label="体制规则")


class ArrangementInput(_ArrangementFields):
    """A new arrangement of a town (it supersedes the town's current one from ``effective_from``)."""

    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="试点镇")


class ArrangementSupersedeInput(_ArrangementFields):
    """The arrangement that supersedes this one from ``effective_from`` (same town)."""


class RevenueRecordSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    month = serializers.CharField(label="所属月份", help_text="YYYY-MM")
    category = CodeField(slug_field="code", queryset=RevenueRecord._meta.get_field(
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
