"""REST API of webhooks on core.api's ServiceViewSet: a superior department's API user lists,
creates and changes its own subscriptions within its jurisdiction (never deletes: deactivate),
reads their deliveries with the receiver's answers, and re-sends one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.actions import WorkflowAction
from core.api.viewsets import ServiceViewSet

from .. import selectors, services
from ..filtersets import DeliveryFilterSet
from ..models import Delivery, Subscription
from . import serializers as s


@extend_schema_view(list=extend_schema(summary="事件订阅列表"), retrieve=extend_schema(summary="事件订阅"),
                    create=extend_schema(summary="新建事件订阅"), update=extend_schema(summary="修改事件订阅"),
                    partial_update=extend_schema(summary="修改事件订阅"))
class SubscriptionViewSet(ServiceViewSet):
    queryset = Subscription.objects.all()
    selector = selectors.subscription_list
    serializer_class = s.SubscriptionSerializer
    create_service = services.subscription_create
    update_service = services.subscription_update
    actions = [
        WorkflowAction("deactivate", service=services.subscription_deactivate, summary="停用订阅"),
        WorkflowAction("rotate-secret", service=services.subscription_rotate_secret, summary="更换签名密钥"),
    ]

    def get_scoped_queryset(self, user):
        return selectors.subscription_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="投递记录列表"), retrieve=extend_schema(summary="投递记录"))
class DeliveryViewSet(ServiceViewSet):
    queryset = Delivery.objects.all()
    serializer_class = s.DeliverySerializer
    filterset_class = DeliveryFilterSet
    actions = [WorkflowAction("redeliver", service=services.delivery_resend, summary="重发（新建一次投递）",
                              description="以同一事件向同一订阅再发送一次；新的投递出现在投递列表中。")]

    def get_scoped_queryset(self, user):
        return selectors.delivery_list(user=user).order_by("-id")
