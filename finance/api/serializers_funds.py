"""Serializers of the funds and incentives API: the rows as read, and the inputs of the writes
(fund create, grant, spend, entry reverse, incentive policy create, incentive grant and
reverse), each handed to the one service the pages use; the ledger holds the money. Amounts are
taken as text and read by finance.rules, so "12.345" or "abc" get the pages' refusal and code."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField, StrictPrimaryKeyRelatedField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Department, Division

from ..choices import FundKind, IncentiveKind
from ..models import Fund, FundEntry, Incentive, IncentivePolicy

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


class FundSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    granted = serializers.DecimalField(label="拨入（元）", **MONEY)
    spent = serializers.SerializerMethodField(label="已用（元）")
    balance = serializers.DecimalField(label="余额（元，台账）", **MONEY)

    class Meta:
        model = Fund
        fields = ["id", "town", "town_name", "kind", "name", "year", "department", "document_number", "purpose",
                  "account", "granted", "spent", "balance", "created_at"]
        read_only_fields = fields

    def get_spent(self, fund) -> str:
        return f"{fund.granted - fund.balance:.2f}"  # the ledger's balance has more places than the fen


class FundEntrySerializer(PlainModelSerializer):
    balance_after = serializers.DecimalField(label="本笔后余额（元）", **MONEY)

    class Meta:
        model = FundEntry
        fields = ["id", "fund", "kind", "amount", "booked_on", "document_number", "purpose", "project", "department",
                  "posting", "reverses", "reason", "balance_after", "created_at"]
        read_only_fields = fields


class FundEntryRowSerializer(PlainModelSerializer):
    """One entry read on its own (fund-entries/): which reversal, if any, corrected it."""

    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = FundEntry
        fields = ["id", "fund", "kind", "amount", "booked_on", "document_number", "purpose", "project", "department",
                  "posting", "reverses", "reason", "reversed_by", "created_at"]
        read_only_fields = fields

    def get_reversed_by(self, obj) -> int | None:
        row = getattr(obj, "reversal", None) if hasattr(obj, "reversal") else None
        return row.pk if row else None


class IncentivePolicySerializer(PlainModelSerializer):
    class Meta:
        model = IncentivePolicy
        fields = ["id", "county", "kind", "name", "document_number", "investment_threshold", "effective_from",
                  "effective_to", "created_at"]
        read_only_fields = fields


class IncentiveSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = Incentive
        fields = ["id", "town", "town_name", "policy", "kind", "enterprise", "project", "investment", "amount",
                  "booked_on", "document_number", "fund", "posting", "reverses", "reason", "reversed_by", "created_at"]
        read_only_fields = fields

    def get_reversed_by(self, obj) -> int | None:
        row = getattr(obj, "reversal", None) if hasattr(obj, "reversal") else None
        return row.pk if row else None


# --- inputs of the writes ---------------------------------------------------------------------

def _money(label: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(label=label, max_length=32, help_text="元，最多两位小数，如 1291666.66", **kwargs)


def _optional(field_class, **kwargs):
    return field_class(required=False, allow_null=True, default=None, **kwargs)


def _department(label: str):
    return _optional(StrictPrimaryKeyRelatedField, queryset=Department.objects.all(), label=label)


class FundInput(PlainSerializer):
    """A new fund of a town (its ledger account opened at once, balance 0.00)."""

    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    kind = serializers.ChoiceField(label="资金类型", choices=FundKind.choices)
    name = serializers.CharField(label="资金名称", max_length=128)
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2199)
    department = _department("来源部门")
    document_number = serializers.CharField(label="设立文号", max_length=64, required=False, default="",
                                            allow_blank=True)
    purpose = serializers.CharField(label="用途", max_length=200, required=False, default="", allow_blank=True)


class _EntryInput(PlainSerializer):
    amount = _money("金额（元）")
    booked_on = _optional(StrictDateField, label="记账日期", help_text="YYYY-MM-DD，不晚于今天；默认今天")
    document_number = serializers.CharField(label="文号或凭证号", max_length=64)
    purpose = serializers.CharField(label="用途", max_length=200)


class FundGrantInput(_EntryInput):
    """Money into the fund (拨入), from the county budget or a department."""

    project = serializers.CharField(label="项目", max_length=200, required=False, default="", allow_blank=True)
    department = _department("拨款部门")


class FundSpendInput(_EntryInput):
    """Spending from the fund (支出) on a project; beyond the balance refused (fund_insufficient)."""

    project = serializers.CharField(label="项目", max_length=200)


class ReverseInput(PlainSerializer):
    reason = serializers.CharField(label="理由", max_length=500, allow_blank=True)


class IncentivePolicyInput(PlainSerializer):
    county = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="制定区划")
    kind = serializers.ChoiceField(label="政策类型", choices=IncentiveKind.choices)
    name = serializers.CharField(label="政策名称", max_length=128)
    document_number = serializers.CharField(label="文号", max_length=64)
    investment_threshold = _money("项目投资额门槛（元）")
    effective_from = StrictDateField(label="施行日期")
    effective_to = _optional(StrictDateField, label="截止日期")


class IncentiveInput(PlainSerializer):
    """One incentive under a policy: a 以奖代补 subsidy names the town's fund it is paid from."""

    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    policy = ScopedPrimaryKeyRelatedField(queryset=IncentivePolicy.objects.all(), label="激励政策")
    enterprise = serializers.CharField(label="企业", max_length=128)
    project = serializers.CharField(label="项目", max_length=200)
    investment = _money("项目投资额（元）")
    amount = _money("优惠或补助金额（元）")
    document_number = serializers.CharField(label="批准文号", max_length=64)
    booked_on = _optional(StrictDateField, label="记账日期", help_text="YYYY-MM-DD，不晚于今天；默认今天")
    fund = _optional(ScopedPrimaryKeyRelatedField, queryset=Fund.objects.all(), label="支出资金",
                     help_text="以奖代补必填；县级规费优惠不填")
