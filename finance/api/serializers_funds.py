"""Serializers of the funds and incentives API (read only: every grant, spend, incentive and
reversal is written through the pages' services, the ledger holds the money)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import PlainModelSerializer

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
        return str(fund.granted - fund.balance)


class FundEntrySerializer(PlainModelSerializer):
    balance_after = serializers.DecimalField(label="本笔后余额（元）", **MONEY)

    class Meta:
        model = FundEntry
        fields = ["id", "fund", "kind", "amount", "booked_on", "document_number", "purpose", "project", "department",
                  "posting", "reverses", "reason", "balance_after", "created_at"]
        read_only_fields = fields


class IncentivePolicySerializer(PlainModelSerializer):
    class Meta:
        model = IncentivePolicy
        fields = ["id", "county", "kind", "name", "document_number", "investment_threshold", "effective_from",
                  "effective_to", "created_at"]
        read_only_fields = fields


class IncentiveSerializer(PlainModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Incentive
        fields = ["id", "town", "town_name", "policy", "kind", "enterprise", "project", "investment", "amount",
                  "booked_on", "document_number", "fund", "posting", "reverses", "reason", "created_at"]
        read_only_fields = fields
