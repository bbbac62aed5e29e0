"""The states and choices of the catalogue. Status choices declare, beside the states, the colour
each is shown in and the steps allowed from each (core/states.py): the views offer the buttons
and the templates draw the badges from these declarations; the services check again under lock."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChoices, Transition


class Category(models.TextChoices):
    """Kinds of administrative power (DOMAIN.md §2)."""

    LICENSING = "licensing", _("行政许可")
    APPROVAL = "approval", _("行政审批")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    INSPECTION = "inspection", _("行政检查")
    CONFIRMATION = "confirmation", _("行政确认")
    LEVY = "levy", _("行政征收")
    BENEFIT = "benefit", _("行政给付")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class ItemStatus(StatusChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布")
    IN_FORCE = "in_force", _("施行中")
    SUSPENDED = "suspended", _("暂停")
    WITHDRAWN = "withdrawn", _("已收回")

    colours = nonmember({
        "draft": "secondary", "published": "info", "in_force": "success", "suspended": "warning", "withdrawn": "dark",
    })
    transitions = nonmember({
        # publishing into a batch that has taken effect goes on to in force (services.item_publish)
        "publish": Transition(source=("draft",), target="published"),
        "suspend": Transition(source=("in_force",), target="suspended"),
        "resume": Transition(source=("suspended",), target="in_force"),
        "withdraw": Transition(source=("published", "in_force", "suspended"), target="withdrawn"),
        "edit": Transition(source=("draft", "published", "in_force", "suspended")),
    })


class BatchState(StatusChoices):
    """A batch's stage, derived from its publication and effective dates (Batch.state)."""

    OPEN = "open", _("待公布")
    PUBLISHED = "published", _("已公布")
    IN_FORCE = "in_force", _("已施行")

    colours = nonmember({"open": "warning", "published": "info", "in_force": "success"})
    transitions = nonmember({
        "add-items": Transition(source=("open",)),
        "publish": Transition(source=("open",), target="published"),
    })


class Mode(models.TextChoices):
    """How a power reaches the receiving body (DOMAIN.md §2)."""

    DEVOLVE = "devolve", _("下放")
    AUTHORISE = "authorise", _("授权")
    ENTRUST = "entrust", _("委托")
    FRONT_DESK = "front_desk", _("窗口前移")


class TakeOverStatus(StatusChoices):
    ASSIGNED = "assigned", _("待承接")
    TAKEN_OVER = "taken_over", _("已承接")
    REVOKED = "revoked", _("已收回")

    colours = nonmember({"assigned": "warning", "taken_over": "success", "revoked": "secondary"})
    transitions = nonmember({
        "take-over": Transition(source=("assigned",), target="taken_over"),
        "revoke": Transition(source=("assigned", "taken_over"), target="revoked"),
        "attach-agreement": Transition(source=("assigned", "taken_over")),
    })


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    DAYS = "days", _("自然日")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("准予")
    REFUSED = "refused", _("不予")
    PENALISED = "penalised", _("处罚")
    OTHER = "other", _("其他办结")


class TrainingKind(models.TextChoices):
    HAND_OVER = "hand_over", _("放权培训")
    TAKE_OVER = "take_over", _("接权培训")
    TOPIC = "topic", _("行权事项专题培训")


class FilingState(StatusChoices):
    """Derived from due date, filing date and today (core.deadlines.deadline_status)."""

    PENDING = "pending", _("待备案")
    ON_TIME = "on_time", _("按时备案")
    LATE = "late", _("逾期备案")
    OVERDUE = "overdue", _("已逾期未备案")

    colours = nonmember({"pending": "secondary", "on_time": "success", "late": "warning", "overdue": "danger"})
    # the list's coloured text (static/css/kuoquan.css) rather than badges
    css_classes = nonmember({
        "pending": "status-pending", "on_time": "status-ontime", "late": "status-late", "overdue": "status-overdue",
    })
    transitions = nonmember({"file": Transition(source=("pending", "overdue"))})
