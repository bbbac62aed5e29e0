"""The choices of fiscal revenue sharing (DOMAIN.md §3): kinds of revenue category, of
arrangement rule, settlement methods, earmarks, and the states of an entitlement."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChoices, Transition


class CategoryKind(models.TextChoices):
    """What a revenue category (收入科目) is."""

    TAX = "tax", _("税收")
    FEE = "fee", _("规费")
    LAND = "land", _("土地出让收入")
    OTHER = "other", _("其他收入")


class RuleKind(models.TextChoices):
    """How a rule of an arrangement turns revenue into what the county owes the town.

    ``excess``: the part of the year's revenue of the covered categories above the base (超收返还),
    times the share; yearly, with optional monthly advances on a pro-rated base.
    ``share``: the share of the month's revenue of the covered categories (全额返还 at 100 %,
    规费留成, 土地出让净收益).
    ``per_mu``: a fixed amount per mu of land reclaimed in the month (复垦补助, 5,000 元/亩).
    """

    EXCESS = "excess", _("超收返还")
    SHARE = "share", _("分成返还")
    PER_MU = "per_mu", _("按亩补助")


class SettlementMethod(models.TextChoices):
    """How the yearly excess rebate is paid (年终结算 only, or monthly advances and a true-up)."""

    YEAR_END = "year_end", _("年终结算")
    MONTHLY_ADVANCE = "monthly_advance", _("按月预拨、年终清算")


class ShortfallRule(models.TextChoices):
    """What happens when the advances of a year exceed its final excess rebate."""

    OWED_BACK = "owed_back", _("多拨部分由镇退回")
    CARRIED = "carried", _("多拨部分结转下年抵扣")


class Earmark(models.TextChoices):
    """What a rule's money must be spent on ("" = the town's general budget)."""

    NONE = "", _("不限用途")
    INDUSTRIAL_ZONE = "industrial_zone", _("工业集中区基础设施建设")
    INFRASTRUCTURE_FARMLAND = "infrastructure_farmland", _("城镇基础设施建设和耕地保护")


class EntitlementKind(models.TextChoices):
    MONTHLY = "monthly", _("月度应返")
    SETTLEMENT = "settlement", _("年终结算")


class EntitlementStatus(StatusChoices):
    """An entitlement in force, or replaced by a recompute (its posting reversed)."""

    ACTIVE = "active", _("有效")
    REPLACED = "replaced", _("已重算冲销")

    colours = nonmember({"active": "success", "replaced": "secondary"})


# --- funds and incentives (issue 11 §5, §7; engineer f2) -------------------------------------------


class FundKind(models.TextChoices):
    """What a fund (资金) held for a town is: the county's start-up fund (临溪 2009: 3,000,000 元),
    the yearly development fund in the budget, or special funds departments pool for the town."""

    STARTUP = "startup", _("发展启动资金")
    DEVELOPMENT = "development", _("年度发展资金")
    SPECIAL = "special", _("专项资金")


class FundEntryKind(models.TextChoices):
    """A grant into a fund (拨入) or spending from it (支出)."""

    GRANT = "grant", _("拨入")
    SPEND = "spend", _("支出")


class IncentiveKind(models.TextChoices):
    """County-level fee preferences for projects above an investment threshold (规费减免), and
    subsidies paid to enterprises as rewards (以奖代补)."""

    FEE_PREFERENCE = "fee_preference", _("县级规费优惠")
    AWARD_SUBSIDY = "award_subsidy", _("以奖代补")


# --- f3: targets, debt, quarterly inspection (issue 11 §6, §8) ----------------------------------


class Indicator(models.TextChoices):
    """The yearly growth targets of the plan (试点镇发展目标): fiscal revenue and above-scale
    industrial output ≥ 25 % a year, infrastructure investment ≥ 20 % a year."""

    FISCAL_REVENUE = "fiscal_revenue", _("财政总收入")
    INDUSTRIAL_OUTPUT = "industrial_output", _("规模以上工业总产值")
    INFRASTRUCTURE_INVESTMENT = "infrastructure_investment", _("基础设施建设投资")


class DebtKind(models.TextChoices):
    BORROWING = "borrowing", _("举借")
    REPAYMENT = "repayment", _("偿还")


class InspectionStatus(StatusChoices):
    """A quarterly inspection (按季检查) being carried out, or done (its results frozen)."""

    OPEN = "open", _("检查中")
    COMPLETED = "completed", _("已完成")

    colours = nonmember({"open": "warning", "completed": "success"})
    transitions = nonmember({
        "record": Transition(source=("open",)),
        "complete": Transition(source=("open",), target="completed"),
    })


class CheckResult(models.TextChoices):
    PENDING = "pending", _("未检查")
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class Severity(models.TextChoices):
    """How grave a finding is; ordered from the least to the gravest."""

    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    SERIOUS = "serious", _("严重")


class FindingStatus(StatusChoices):
    OPEN = "open", _("待整改")
    CLOSED = "closed", _("已整改")

    colours = nonmember({"open": "danger", "closed": "success"})
    transitions = nonmember({"close": Transition(source=("open",), target="closed")})
