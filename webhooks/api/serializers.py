"""Serializers of the webhooks API. The secret is in the answer for the subscription's owner only
(read it after creating, or after a new secret); everyone else who may see the row (an
administrator) reads it as null."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.serializers import PlainModelSerializer
from regions.models import Division

from ..choices import DELIVERY_ERRORS, DeliveryStatus, EventType
from ..models import Delivery, Subscription


class SubscriptionSerializer(PlainModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="订阅范围（区划 id）")
    division_name = serializers.CharField(source="division.name", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False, label="订阅事件",
        help_text="、".join(f"{value}（{label}）" for value, label in EventType.choices))
    secret = serializers.SerializerMethodField(help_text="签名密钥（HMAC-SHA256），仅订阅用户本人可见")

    class Meta:
        model = Subscription
        fields = ["id", "name", "url", "division", "division_name", "event_types", "is_active", "owner", "secret",
                  "created_at", "deactivated_at"]
        read_only_fields = ["is_active", "created_at", "deactivated_at"]

    def get_secret(self, obj) -> str | None:
        request = self.context.get("request")
        return obj.secret if request is not None and request.user.pk == obj.owner_id else None


class DeliverySerializer(PlainModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)
    event_id = serializers.UUIDField(source="event.uuid", read_only=True)
    division = serializers.CharField(source="event.division.code", read_only=True)
    status = serializers.CharField(read_only=True, help_text="、".join(
        f"{value}（{label}）" for value, label in DeliveryStatus.choices))
    error = serializers.CharField(source="error_message", read_only=True,
                                  help_text="错误说明（按请求的语言；无错误为空）")
    error_code = serializers.CharField(read_only=True, help_text="错误代码：" + "、".join(DELIVERY_ERRORS))

    class Meta:
        model = Delivery
        fields = ["id", "subscription", "event_id", "event_type", "division", "attempt", "manual", "status", "url",
                  "signature", "response_code", "response_body", "error", "error_code", "duration_ms", "created_at", "sent_at",
                  "next_retry_at"]
        read_only_fields = fields
