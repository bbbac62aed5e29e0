"""Event subscriptions of superior departments (issue 15 §4): who subscribed which URL to which
events of which jurisdiction, the events that happened, and every attempt to deliver one.

NetBox's event rules and webhooks are the anchor (extras/models: an EventRule names the events
and the Webhook the URL and its secret; deliveries are signed with ``X-Hook-Signature``, an
HMAC-SHA512 of the body). Ours scopes every subscription to a division of its owner's
jurisdiction, signs with HMAC-SHA256 (``X-Kuoquan-Signature: sha256=<hex>``) and keeps each
attempt as a row. Nothing is deleted: a subscription is deactivated, a re-send is a new row.
"""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions import scoping
from regions.choices import Role
from regions.models import Division

from .choices import DeliveryStatus, EventType, delivery_error_text


def new_secret() -> str:
    """256 random bits as hex: the HMAC key the receiver checks the signature with."""
    return secrets.token_hex(32)


# --- the rules of a subscription's own fields (rules.py adds the send-time checks) --------------
# URLs: only http and https, with a host. Addresses inside this machine or its networks
# (loopback, private, link-local — the cloud metadata address 169.254.169.254 —, multicast,
# reserved) are refused unless ``WEBHOOKS_ALLOW_PRIVATE_NETWORKS`` is on. Its default is
# ``DEBUG`` (a developer's receiver on 127.0.0.1); the tests turn it on for their receiver on
# 127.0.0.1. Checked twice: on the literal host when the subscription is saved, and on every
# address the host name resolves to when a delivery is sent (rules.resolved_problem).
SCHEMES = ("http", "https")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def allow_private_networks() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_NETWORKS", settings.DEBUG))


def address_refused(address: str) -> bool:
    """Is ``address`` (an IP) one a delivery may not reach?"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_private_networks():
        return ip.is_multicast or ip.is_unspecified
    return not ip.is_global or ip.is_multicast


def url_problem_code(url: str) -> str | None:
    """The code (choices.DELIVERY_ERRORS) of why ``url`` may not receive events, or None."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "url_malformed"
    if parts.scheme.lower() not in SCHEMES:
        return "url_scheme"
    if not host:
        return "url_no_host"
    if parts.username or parts.password:
        return "url_credentials"
    if host.lower() in LOCAL_NAMES:
        host = "127.0.0.1"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: its addresses are checked when a delivery is sent
    if address_refused(host):
        return "url_internal"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` may not receive events (in the user's words), or None."""
    code = url_problem_code(url)
    return delivery_error_text(code) if code else None


def may_subscribe(owner, division) -> bool:
    """May ``owner`` subscribe to events of ``division``'s subtree? A superior department's
    membership over it (or a superuser)."""
    if getattr(owner, "is_superuser", False) and owner.is_active:
        return True
    return owner.is_active and any(
        g.role == Role.SUPERIOR and division.path.startswith(g.path) for g in scoping.grants(owner))



@track()
class Subscription(AuditedModel):
    """A URL that receives the chosen events of one division's subtree (订阅), owned by an API
    user of a superior department. The division must lie within the owner's jurisdiction; an
    event is sent only while the owner may still see the town it concerns."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("订阅用户"), on_delete=models.PROTECT,
                              related_name="webhook_subscriptions")
    division = models.ForeignKey(Division, verbose_name=_("订阅范围"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500, help_text=_("以 http:// 或 https:// 开头"))
    secret = models.CharField(_("签名密钥"), max_length=128, default=new_secret, editable=False)
    event_types = ArrayField(models.CharField(max_length=32, choices=EventType.choices), verbose_name=_("订阅事件"))
    is_active = models.BooleanField(_("启用"), default=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.SUPERIOR,)

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        ordering = ["-id"]
        indexes = [models.Index(fields=["division"], condition=Q(is_active=True), name="subscription_active_div")]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        problem = url_problem(self.url or "")
        if problem:
            errors["url"] = problem
        wrong = [t for t in (self.event_types or []) if t not in EventType.values]
        if not self.event_types:
            errors["event_types"] = gettext("请至少选择一种事件。")
        elif wrong:
            errors["event_types"] = gettext("未知的事件类型：%(types)s") % {"types": "、".join(wrong)}
        if self.owner_id and self.division_id and not may_subscribe(self.owner, self.division):
            errors["division"] = gettext("订阅范围“%(division)s”不在您的管辖范围内。") % {"division": self.division.name}
        if errors:
            raise ValidationError(errors)


@track()
class Event(models.Model):
    """Something that happened to a record of one division, once (``key`` is unique: the same
    publication, overdue filing or close-out is never emitted twice)."""

    uuid = models.UUIDField(_("事件编号"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("事件类型"), max_length=32, choices=EventType.choices)
    key = models.CharField(_("去重键"), max_length=128, unique=True)
    object_kind = models.CharField(_("对象类型"), max_length=64)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField(_("内容"), default=dict)
    occurred_at = models.DateTimeField(_("发生时间"))
    # set by the dispatch task; an event still without it (the broker was down) is dispatched by the daily scan
    dispatched_at = models.DateTimeField(_("分发时间"), null=True, blank=True, editable=False)

    jurisdiction_field = "division"
    jurisdiction_writers = ()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["occurred_at"], condition=Q(dispatched_at__isnull=True),
                                name="event_undispatched")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.get_type_display()} · {self.division.name}"


@track()
class Delivery(models.Model):
    """One attempt to POST one event to one subscription, with what the receiver answered.
    A retry after a failure and a re-send are new rows (``attempt`` counts them)."""

    subscription = models.ForeignKey(Subscription, verbose_name=_("订阅"), on_delete=models.PROTECT,
                                     related_name="deliveries")
    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField(_("第几次"))
    manual = models.BooleanField(_("人工重发"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("重发人"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    url = models.CharField(_("发送地址"), max_length=500, blank=True)
    signature = models.CharField(_("签名"), max_length=80, blank=True)
    response_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_body = models.TextField(_("响应内容（节选）"), blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)  # as worded at send time, in Chinese
    # what the page and the API word in the reader's language (choices.DELIVERY_ERRORS)
    error_code = models.CharField(_("错误代码"), max_length=32, blank=True)
    error_params = models.JSONField(_("错误参数"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    next_retry_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)

    jurisdiction_field = "subscription__division"
    jurisdiction_writers = (Role.SUPERIOR,)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["-id"]
        constraints = [
            # a retried or redelivered task that runs twice makes no second attempt
            models.UniqueConstraint(fields=["subscription", "event", "attempt"], name="delivery_attempt_once"),
        ]
        indexes = [models.Index(fields=["subscription", "-id"], name="delivery_subscription")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.event.get_type_display()} → {self.subscription.name} #{self.attempt}"

    @property
    def succeeded(self) -> bool:
        return self.status == DeliveryStatus.SUCCEEDED

    @property
    def error_message(self) -> str:
        """The error in the active language; a row from before the codes keeps its stored text."""
        return (delivery_error_text(self.error_code, self.error_params) if self.error_code else "") or self.error
