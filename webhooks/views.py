"""Pages of webhooks (issue 15 §4), on core.generic: the user's subscriptions in scope, a
subscription with its deliveries (the receiver's answers, a re-send button), create / edit /
deactivate / a new secret. Every row is read through the selectors (404 outside scope)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.generic.actions import ServiceActionView
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import selectors, services
from .choices import DeliveryStatus, EventType
from .forms import SubscriptionForm
from .models import Delivery, Subscription

EVENT_LABELS = dict(EventType.choices)


def _events_text(row) -> str:
    return gettext("、").join(str(EVENT_LABELS.get(t, t)) for t in row.event_types)


class SubscriptionListView(ScopedListView):
    title = _("事件订阅")
    template_name = "webhooks/subscription_list.html"
    create_url = "webhooks:subscription-create"
    create_label = _("新建订阅")
    model = Subscription
    table_testid = "subscription-list"
    empty_text = _("暂无订阅。上级部门可订阅其管辖范围内的事项公布、收回、备案逾期等事件。")
    columns = (
        Column(_("名称"), "name", link="webhooks:subscription-detail"),
        Column(_("订阅范围"), "division.name"),
        Column(_("接收地址"), "url", css="text-break small"),
        Column(_("订阅事件"), _events_text, css="small"),
        Column(_("启用"), "is_active"),
        Column(_("订阅用户"), "owner.username"),
    )

    def get_queryset(self):
        return selectors.subscription_list(user=self.request.user)


class SubscriptionDetailView(ScopedDetailView):
    template_name = "webhooks/subscription_detail.html"
    context_object_name = "subscription"
    tabs = (("deliveries", _("投递记录")),)

    def get_queryset(self):
        return selectors.subscription_list(user=self.request.user)

    def get_detail_context(self, subscription):
        context = {"is_owner": self.request.user.pk == subscription.owner_id,
                   "event_labels": [EVENT_LABELS.get(t, t) for t in subscription.event_types]}
        if self.tab_asked() == "deliveries":
            context["deliveries"] = list(selectors.delivery_list(user=self.request.user, subscription=subscription)
                                         .order_by("-id")[:100])
            context["redeliverable"] = set(DeliveryStatus.transition("redeliver").source)
        return context

    def tab_asked(self) -> str:
        return self.request.GET.get("tab") or "details"


class SubscriptionCreateView(ServiceFormView):
    model = Subscription
    form_class = SubscriptionForm
    template_name = "webhooks/subscription_form.html"

    def create(self, form):
        return services.subscription_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, subscription):
        return reverse("webhooks:subscription-detail", args=[subscription.pk])

    def success_message(self, obj, *, created):
        if created:
            return gettext("已新建订阅“%(name)s”。签名密钥见本页，请妥善保存。") % {"name": obj.name}
        return super().success_message(obj, created=created)


class SubscriptionEditView(SubscriptionCreateView):
    def get_queryset(self):
        return selectors.subscription_list(user=self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        pk = self.kwargs.get(self.lookup_url_kwarg)
        if pk is not None:
            kwargs["subscription"] = self.get_queryset().get(pk=pk)
        return kwargs

    def update(self, subscription, form):
        return services.subscription_update(subscription=subscription, actor=self.request.user, **form.cleaned_data)


class _SubscriptionStep(ServiceActionView):
    success_url_name = "webhooks:subscription-detail"

    def get_queryset(self):
        return selectors.subscription_list(user=self.request.user)


class SubscriptionDeactivateView(_SubscriptionStep):
    service = services.subscription_deactivate

    def success_message(self, obj, data):
        return gettext("已停用订阅“%(name)s”，不再向其发送事件。") % {"name": obj.name}


class SubscriptionRotateSecretView(_SubscriptionStep):
    service = services.subscription_rotate_secret

    def success_message(self, obj, data):
        return gettext("已为“%(name)s”生成新的签名密钥，原密钥即时失效。") % {"name": obj.name}


class DeliveryRedeliverView(ServiceActionView):
    model = Delivery
    service = services.delivery_resend
    states, state_field, transition = DeliveryStatus, "status", "redeliver"
    noun = _("投递")

    def get_queryset(self):
        return selectors.delivery_list(user=self.request.user)

    def get_success_url(self, delivery):
        return reverse("webhooks:subscription-detail", args=[delivery.subscription_id]) + "?tab=deliveries"

    def step_label(self) -> str:
        return gettext("重发")

    def success_message(self, obj, data):
        return gettext("已安排重发（第%(attempt)s次投递）。") % {"attempt": obj.attempt}
