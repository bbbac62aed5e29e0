"""Serializers of the ledger API (read only: writes belong to the apps' services)."""

from rest_framework import serializers

from ..models import Account


class AccountSerializer(serializers.ModelSerializer):
    posted = serializers.DecimalField(source="balance.posted", max_digits=24, decimal_places=4, read_only=True)
    pending_debits = serializers.DecimalField(
        source="balance.pending_debits", max_digits=24, decimal_places=4, read_only=True
    )
    available = serializers.DecimalField(source="balance.available", max_digits=24, decimal_places=4, read_only=True)
    entries = serializers.IntegerField(source="balance.last_seq", read_only=True)

    class Meta:
        model = Account
        fields = ["id", "ledger", "kind", "code", "name", "unit", "invariant", "owner", "created_at",
                  "posted", "pending_debits", "available", "entries"]
        read_only_fields = fields


class StatementLineSerializer(serializers.Serializer):
    entry_id = serializers.IntegerField()
    posting_id = serializers.IntegerField()
    booked_on = serializers.DateField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    memo = serializers.CharField()
    amount = serializers.DecimalField(max_digits=24, decimal_places=4)
    balance = serializers.DecimalField(max_digits=24, decimal_places=4)
    reverses_id = serializers.IntegerField(allow_null=True)
    actor = serializers.CharField(allow_null=True)


class StatementSerializer(serializers.Serializer):
    account = AccountSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    opening = serializers.DecimalField(max_digits=24, decimal_places=4)
    debits = serializers.DecimalField(max_digits=24, decimal_places=4)
    credits = serializers.DecimalField(max_digits=24, decimal_places=4)
    closing = serializers.DecimalField(max_digits=24, decimal_places=4)
    pending_debits = serializers.DecimalField(max_digits=24, decimal_places=4)
    lines = StatementLineSerializer(many=True)
