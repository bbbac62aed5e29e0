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
