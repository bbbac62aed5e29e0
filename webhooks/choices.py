"""The events a superior department may subscribe to, and the states of a delivery."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChoices, Transition


class EventType(models.TextChoices):
    """What happened, as the receiver reads it in ``X-Kuoquan-Event`` and the body's ``type``."""

    ITEM_PUBLISHED = "item.published", _("下放事项公布")
    ITEM_WITHDRAWN = "item.withdrawn", _("下放事项收回")
    RECORD_OVERDUE = "record.overdue", _("行权记录备案逾期")
    ENTITLEMENT_OVERDUE = "entitlement.overdue", _("返还款逾期未拨付")
    FINDING_OPENED = "finding.opened", _("督查问题交办")
    FINDING_CLOSED = "finding.closed", _("督查问题销号")
    REPORT_PUBLISHED = "report.published", _("督查报告发布")


class DeliveryStatus(StatusChoices):
    """One attempt to deliver one event to one subscription."""

    PENDING = "pending", _("待发送")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("未发送（超出管辖范围或订阅已停用）")

    colours = nonmember({"pending": "secondary", "succeeded": "success", "failed": "danger", "skipped": "warning"})
    transitions = nonmember({
        # a re-send is a new delivery of the same event; offered once the attempt is over
        "redeliver": Transition(source=("succeeded", "failed", "skipped")),
    })


# What went wrong with a subscription's URL or a delivery, by a stable code. A delivery stores
# the code and its parameters (``Delivery.error_code``, ``error_params``) and the page and the
# API word it in the reader's language (``Delivery.error_message``); ``Delivery.error`` keeps the
# Chinese text as written at send time. The URL rules word their refusals from here too.
DELIVERY_ERRORS = {
    "url_malformed": _("接收地址格式不正确。"),
    "url_scheme": _("接收地址只能以 http:// 或 https:// 开头。"),
    "url_no_host": _("接收地址缺少主机名。"),
    "url_credentials": _("接收地址不能包含用户名或密码。"),
    "url_internal": _("接收地址不能指向本机或内部网络地址。"),
    "host_unresolved": _("接收地址的主机名无法解析。"),
    "host_internal": _("接收地址解析到本机或内部网络地址，已拒绝发送。"),
    "timeout": _("超时（%(seconds)s 秒）"),
    "connect_failed": _("连接失败：%(reason)s"),
    "tls_failed": _("TLS 握手或证书校验失败：%(reason)s"),
    "http_status": _("接收方返回 HTTP %(code)s"),
    "skipped": _("订阅已停用或事件不在订阅人的管辖范围内，未发送。"),
}


def delivery_error_text(code: str, params: dict | None = None) -> str:
    """The message of ``code`` in the active language (``""`` for an unknown code)."""
    message = DELIVERY_ERRORS.get(code)
    if message is None:
        return ""
    text = str(message)
    return text % params if params else text
