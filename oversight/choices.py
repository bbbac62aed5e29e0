"""The choices of oversight (DOMAIN.md §6): groups, members, meetings, agenda lines, findings,
the half-yearly supervision and its report.

States and their allowed steps live here, next to the states (core.states)."""

import datetime
from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChoices, Transition


class GroupKind(models.TextChoices):
    LEADING = "leading", _("领导小组")
    OFFICE = "office", _("领导小组办公室")
    COORDINATION = "coordination", _("协调小组")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    DIRECTOR = "director", _("办公室主任")
    LIAISON = "liaison", _("联络员")


class MeetingKind(models.TextChoices):
    MONTHLY = "monthly", _("月度工作调度会")
    AD_HOC = "ad_hoc", _("专题协调会")


class AgendaSource(models.TextChoices):
    DELEGATION = "delegation", _("事权下放")
    FINANCE = "finance", _("财政分成与返还")
    PERSONNEL = "personnel", _("编制与干部")
    LANDUSE = "landuse", _("建设用地指标")
    OVERSIGHT = "oversight", _("督查考核")


class AgendaKind(models.TextChoices):
    """What a line of the monthly agenda reports (one line per kind, the towns behind it)."""

    FILING_OVERDUE = "filing_overdue", _("办件逾期未备案")
    TAKEOVER_PENDING = "takeover_pending", _("事项尚未承接")
    DEADLINE_PROVISIONAL = "deadline_provisional", _("备案期限暂定")
    ENTITLEMENT_OVERDUE = "entitlement_overdue", _("应返款项超过一个季度未拨")
    OVER_ESTABLISHMENT = "over_establishment", _("超编")
    OPINION_OVERDUE = "opinion_overdue", _("调整意见逾期未办理")
    SECONDMENT_ENDING = "secondment_ending", _("挂职即将期满")
    FARMLAND_UNBALANCED = "farmland_unbalanced", _("耕地占补不平衡")
    RESERVATION_EXPIRING = "reservation_expiring", _("指标预留即将到期")
    QUOTA_EXHAUSTED = "quota_exhausted", _("用地指标用尽")
    RECTIFICATION_DUE = "rectification_due", _("整改即将到期")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("整改逾期")


# Which app each kind comes from, in the order the agenda lists them.
AGENDA_SOURCES = {
    AgendaKind.FILING_OVERDUE: AgendaSource.DELEGATION,
    AgendaKind.TAKEOVER_PENDING: AgendaSource.DELEGATION,
    AgendaKind.DEADLINE_PROVISIONAL: AgendaSource.DELEGATION,
    AgendaKind.ENTITLEMENT_OVERDUE: AgendaSource.FINANCE,
    AgendaKind.OVER_ESTABLISHMENT: AgendaSource.PERSONNEL,
    AgendaKind.OPINION_OVERDUE: AgendaSource.PERSONNEL,
    AgendaKind.SECONDMENT_ENDING: AgendaSource.PERSONNEL,
    AgendaKind.FARMLAND_UNBALANCED: AgendaSource.LANDUSE,
    AgendaKind.RESERVATION_EXPIRING: AgendaSource.LANDUSE,
    AgendaKind.QUOTA_EXHAUSTED: AgendaSource.LANDUSE,
    AgendaKind.RECTIFICATION_DUE: AgendaSource.OVERSIGHT,
    AgendaKind.RECTIFICATION_OVERDUE: AgendaSource.OVERSIGHT,
}


class FindingOccasion(models.TextChoices):
    SUPERVISION = "supervision", _("半年综合督查")
    ITEM_INSPECTION = "item_inspection", _("有关事项检查")
    FINANCE_INSPECTION = "finance_inspection", _("财政季度检查")


class FindingCategory(models.TextChoices):
    EXERCISE = "exercise", _("行权不规范")
    FILING = "filing", _("备案不及时")
    FUNDS = "funds", _("资金管理")
    STAFFING = "staffing", _("编制和干部管理")
    LAND = "land", _("土地和用地指标")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class FindingState(StatusChoices):
    """A finding's rectification (整改): the town replies, the office accepts or returns the
    reply, an accepted finding is closed out (销号)."""

    OPEN = "open", _("待整改")
    REPLIED = "replied", _("已报整改情况")
    RETURNED = "returned", _("退回重新整改")
    ACCEPTED = "accepted", _("整改通过")
    CLOSED = "closed", _("已销号")

    colours = nonmember({"open": "warning", "replied": "info", "returned": "danger", "accepted": "primary",
                         "closed": "success"})
    transitions = nonmember({
        "reply": Transition(source=("open", "returned"), target="replied"),
        "accept": Transition(source=("replied",), target="accepted"),
        "return": Transition(source=("replied",), target="returned"),
        "close": Transition(source=("accepted",), target="closed"),
    })
    # still to be rectified by the town (the deadline runs)
    PENDING = nonmember(("open", "returned"))
    UNFINISHED = nonmember(("open", "replied", "returned", "accepted"))


class ReplyDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("通过")
    RETURNED = "returned", _("退回")


# --- the half-yearly supervision (models/supervision.py) ----------------------------------------

class Half(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")

    @staticmethod
    def of(day: datetime.date) -> int:
        return 1 if day.month <= 6 else 2

    @staticmethod
    def bounds(year: int, half: int) -> tuple[datetime.date, datetime.date]:
        """The first and last day of the half year."""
        if half == 1:
            return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


class SupervisionState(StatusChoices):
    """A supervision: open while the bodies inspect (findings are recorded), reported once its
    written report has been generated (a revised version may follow), closed by the office."""

    OPEN = "open", _("督查中")
    REPORTED = "reported", _("已报告")
    CLOSED = "closed", _("已结束")

    colours = nonmember({"open": "warning", "reported": "primary", "closed": "success"})
    transitions = nonmember({
        "report": Transition(source=("open", "reported"), target="reported"),
        "close": Transition(source=("reported",), target="closed"),
    })
    WRITABLE = nonmember(("open", "reported"))  # findings, participants, reports may still be added


class ParticipantRole(models.TextChoices):
    """Who takes part (DOMAIN.md §6: the office with the granting departments, the legal office,
    audit and finance)."""

    OFFICE = "office", _("领导小组办公室")
    GRANTING = "granting", _("放权部门")
    LEGAL = "legal", _("法制部门")
    AUDIT = "audit", _("审计部门")
    FINANCE = "finance", _("财政部门")


class ReportState(StatusChoices):
    PENDING = "pending", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")

    colours = nonmember({"pending": "info", "done": "success", "failed": "danger"})
