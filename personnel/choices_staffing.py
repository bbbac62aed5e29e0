"""Choices of the establishment (编制), institutions, people and posts (DOMAIN.md §4, issue 12 §1–4).

Kept apart from the certificates' and secondments' choices so that two blocks of the app can grow
side by side; the English names follow the glossary (establishment, institution, rank-up).
"""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChoices, Transition


class EstablishmentKind(models.TextChoices):
    """The kind of an establishment post (编制类型)."""

    ADMIN = "admin", _("行政编制")
    PUBLIC = "public", _("事业编制")


class LeaderLevel(models.TextChoices):
    """Leadership posts (领导职数) by level."""

    SECTION_CHIEF = "zk", _("正科级")
    DEPUTY_CHIEF = "fk", _("副科级")


class QuotaKind(models.TextChoices):
    """What an approval changes: one of the two kinds of establishment or a level of leadership posts."""

    ADMIN = "admin", _("行政编制")
    PUBLIC = "public", _("事业编制")
    LEADER_ZK = "leader_zk", _("领导职数（正科级）")
    LEADER_FK = "leader_fk", _("领导职数（副科级）")


LEADER_QUOTA = {LeaderLevel.SECTION_CHIEF: QuotaKind.LEADER_ZK, LeaderLevel.DEPUTY_CHIEF: QuotaKind.LEADER_FK}


class ApprovalDocumentKind(models.TextChoices):
    """Which document an establishment change rests on (批准文件类别)."""

    OFFICE_DECISION = "office_decision", _("县机构编制委员会办公室批复")
    PLAN = "plan", _("批准的机构调整设置方案")
    COUNTY_ADDITION = "county_addition", _("县编委在编制总额内增加编制")
    RECRUITMENT = "recruitment", _("年度公务员招录专项计划")


class FundingForm(models.TextChoices):
    """How a post is funded (经费形式)."""

    FULL = "full", _("财政全额拨款")
    PARTIAL = "partial", _("财政差额拨款")
    SELF = "self", _("经费自理")


class InstitutionNature(models.TextChoices):
    """What an internal institution is (机构性质)."""

    PARTY_GOVERNMENT = "party_government", _("党政内设机构")
    PUBLIC_SERVICE = "public_service", _("事业站所")


class PostRole(models.TextChoices):
    """What a post is in the town (岗位类别); decides which rank-up rules apply."""

    PARTY_SECRETARY = "party_secretary", _("镇党委书记")
    MAYOR = "mayor", _("镇长")
    TEAM_MEMBER = "team_member", _("其他班子成员")
    HEAD = "head", _("内设机构主要负责人")
    DEPUTY_HEAD = "deputy_head", _("内设机构副职")
    STAFF = "staff", _("工作人员")


class Rank(models.TextChoices):
    """Ranks (职级), low to high; ``RANK_ORDER`` compares them."""

    CLERK = "clerk", _("科员")
    DEPUTY_SECTION = "deputy_section", _("副科级")
    SECTION = "section", _("正科级")
    DEPUTY_COUNTY = "deputy_county", _("副县级")


RANK_ORDER = {Rank.CLERK: 0, Rank.DEPUTY_SECTION: 1, Rank.SECTION: 2, Rank.DEPUTY_COUNTY: 3}


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    NONE = "none", _("群众")


class Education(models.TextChoices):
    """Highest education (学历), low to high; ``EDUCATION_ORDER`` compares them."""

    SECONDARY = "secondary", _("高中（中专）及以下")
    COLLEGE = "college", _("大学专科")
    BACHELOR = "bachelor", _("大学本科")
    POSTGRADUATE = "postgraduate", _("研究生")


EDUCATION_ORDER = {Education.SECONDARY: 0, Education.COLLEGE: 1, Education.BACHELOR: 2, Education.POSTGRADUATE: 3}


class EntryForm(models.TextChoices):
    """How a person enters establishment (入编方式)."""

    RECRUITMENT = "recruitment", _("考试录用（招聘）")
    TRANSFER_IN = "transfer_in", _("调入")


class ExitForm(models.TextChoices):
    """How a person leaves establishment (出编方式)."""

    TRANSFER_OUT = "transfer_out", _("调出")
    RETIREMENT = "retirement", _("退休")
    RESIGNATION = "resignation", _("辞职")
    DISMISSAL = "dismissal", _("辞退（开除）")


class PersonStatus(models.TextChoices):
    IN = "in", _("在编")
    OUT = "out", _("已出编")


class MovementKind(models.TextChoices):
    """One line of a person's record (人员变动)."""

    ENTRY = "entry", _("入编")
    EXIT = "exit", _("出编")
    MOVE = "move", _("岗位调整")
    RANK_UP = "rank_up", _("高配")


class PlanStatus(StatusChoices):
    """A proposal to adjust institutions (机构调整设置方案): the town drafts and submits, the county decides."""

    DRAFT = "draft", _("草拟")
    SUBMITTED = "submitted", _("已报批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")

    colours = nonmember({"draft": "secondary", "submitted": "primary", "approved": "success", "rejected": "danger"})
    transitions = nonmember({
        "submit": Transition(source=("draft",), target="submitted"),
        "approve": Transition(source=("submitted",), target="approved"),
        "reject": Transition(source=("submitted",), target="rejected"),
    })


class PlanLineAction(models.TextChoices):
    CREATE = "create", _("新设机构")
    CHANGE = "change", _("调整编制")
    ABOLISH = "abolish", _("撤销机构")
