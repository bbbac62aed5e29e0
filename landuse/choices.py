"""The choices of construction-land quotas (DOMAIN.md §5): the pools a division's quota is kept
in, the kinds of quota movement and gain, the kinds of project and a project's states."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChoices, Transition

# The landuse ledger's code on the core ledger engine (core.ledger).
LEDGER = "landuse"


class Pool(models.TextChoices):
    """Which part of a division's quota of a year an account holds.

    ``general``: the quota a division received and may hand down or use;
    ``pilot``: the share a county (or city) sets aside for its pilot towns (试点镇切块), handed
    down only to pilot towns; ``commercial``: the part reserved for commercial land sold by
    tender, auction or listing (招拍挂), drawn only by commercial projects.
    """

    GENERAL = "general", _("一般指标")
    PILOT = "pilot", _("试点镇专项")
    COMMERCIAL = "commercial", _("招拍挂经营性用地")


class MovementKind(models.TextChoices):
    """How quota moved between two accounts (each is one ledger posting)."""

    ISSUE = "issue", _("国家下达")  # into a province's account, from the plan (the source account)
    ALLOCATE = "allocate", _("逐级下达")  # parent → child
    SET_ASIDE = "set_aside", _("切块安排")  # within one division: general → pilot / commercial
    TRANSFER = "transfer", _("跨县调剂")  # county → county (cross-county farmland balancing)


class GainKind(models.TextChoices):
    """Quota a town gains, kept by the town (DOMAIN.md §5)."""

    CONSOLIDATION = "consolidation", _("土地整理")
    RECLAMATION = "reclamation", _("复垦")
    LINKAGE = "linkage", _("增减挂钩")


class ProjectKind(models.TextChoices):
    INDUSTRIAL = "industrial", _("工业园区项目")
    COMMERCIAL = "commercial", _("经营性用地")
    INFRASTRUCTURE = "infrastructure", _("公共基础设施")
    OTHER = "other", _("其他")


class ProjectStatus(StatusChoices):
    """A project's way through approval. Under review its quota is reserved (a pending posting);
    approval posts it, rejection or withdrawal voids it, expiry lapses it (the daily job)."""

    DRAFT = "draft", _("登记")
    UNDER_REVIEW = "under_review", _("报批中（已预留）")
    APPROVED = "approved", _("已批准（已用指标）")
    REJECTED = "rejected", _("未获批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    LAPSED = "lapsed", _("预留已过期")

    colours = nonmember({
        "draft": "secondary", "under_review": "info", "approved": "success", "rejected": "danger",
        "withdrawn": "dark", "lapsed": "warning",
    })
    transitions = nonmember({
        "submit": Transition(source=("draft", "lapsed"), target="under_review"),
        "approve": Transition(source=("under_review",), target="approved"),
        "reject": Transition(source=("under_review",), target="rejected"),
        "withdraw": Transition(source=("draft", "under_review"), target="withdrawn"),
        "draw": Transition(source=("draft",), target="approved"),
    })


# Postings of the landuse ledger, with their labels (core.ledger.registry).
POSTING_KINDS = {
    "issue": "国家下达",
    "allocate": "逐级下达",
    "set_aside": "切块安排",
    "transfer": "跨县调剂",
    "gain": "新增指标",
    "reserve": "项目预留",
    "draw": "项目用地",
}


# --- farmland balance and reclamation (l2) --------------------------------------------------------
class ReclamationKind(models.TextChoices):
    """Where the new farmland comes from (DOMAIN.md §3, §5): the per-mu subsidy is for farmland
    made from unused land or reclaimed from abandoned land; land consolidation also adds farmland."""

    UNUSED = "unused", _("开发未利用地")
    ABANDONED = "abandoned", _("复垦废弃地")
    CONSOLIDATION = "consolidation", _("土地整理")


class ReclamationStatus(StatusChoices):
    """A reclamation project's acceptance (验收): accepted, it adds quota to the town and earns the
    subsidy, once; a failed acceptance is final (a new application is a new reclamation)."""

    PENDING = "pending", _("待验收")
    ACCEPTED = "accepted", _("已验收")
    REJECTED = "rejected", _("验收未通过")

    colours = nonmember({"pending": "info", "accepted": "success", "rejected": "danger"})
    transitions = nonmember({
        "accept": Transition(source=("pending",), target="accepted"),
        "reject": Transition(source=("pending",), target="rejected"),
    })


class BalancingSource(models.TextChoices):
    """Where the county finds the farmland that balances a town (占补平衡县级统筹)."""

    COUNTY_RESERVE = "county_reserve", _("县级储备耕地")
    OTHER_TOWN = "other_town", _("县内他镇调剂")
    CROSS_COUNTY = "cross_county", _("跨县调剂")
