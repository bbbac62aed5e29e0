"""The revenue catalogue and the fiscal arrangements (data the office sets; a new one supersedes the old from a date)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ConflictError
from core.history import actor_context
from core.services import save_validated

from .. import rules as r
from ..choices import Earmark, RuleKind, SettlementMethod, ShortfallRule
from ..models import (
    ArrangementRule,
    FiscalArrangement,
    RevenueCategory,
)
from ..selectors import closed_since
from .base import _refuse

# --- catalogue and arrangements ----------------------------------------------------------------


@transaction.atomic
def revenue_category_create(*, code: str, name: str, kind: str, actor=None) -> RevenueCategory:
    """A revenue category of the shared catalogue (a tax type or a fee)."""
    return save_validated(RevenueCategory(code=code, name=name, kind=kind), actor)


@transaction.atomic
def arrangement_create(
    *, town, name: str, base_year: int, base_amount, term_start: datetime.date, term_end: datetime.date,
    effective_from: datetime.date, rules: Sequence[dict], settlement_method: str = SettlementMethod.YEAR_END,
    shortfall_rule: str = ShortfallRule.OWED_BACK, disbursement_limit: str = "3M", document_number: str = "",
    actor=None,
) -> FiscalArrangement:
    """Set a town's fiscal arrangement, with its rules; it supersedes the town's current one
    from ``effective_from`` (the old one stays readable, ``superseded_by`` points here).

    ``rules``: dicts of ``name``, ``kind``, ``categories`` (RevenueCategory rows or codes),
    ``share_percent`` (default 100), ``per_mu_amount`` (per-mu rules), ``earmark``.
    A category is covered by one rule at most (it would be paid twice); one excess rule at most.
    """
    with actor_context(actor):
        current = (FiscalArrangement.objects.select_for_update()
                   .filter(town=town, superseded_by__isnull=True).order_by("-effective_from").first())
        if current is not None and effective_from <= current.effective_from:
            _refuse(gettext("新的财政体制须在现行体制（%(name)s，%(date)s起施行）之后施行。")
                    % {"name": current.name, "date": f"{current.effective_from:%Y-%m-%d}"},
                    "arrangement_effective_order", "effective_from")
        if current is not None and (closed := closed_since(town=town, month=effective_from)):
            _refuse(gettext("%(month)s已结账，新的财政体制不能从%(date)s起施行；请选择结账月份之后的日期。")
                    % {"month": f"{closed:%Y年%m月}", "date": f"{effective_from:%Y-%m-%d}"},
                    "period_closed", "effective_from")
        arrangement = save_validated(FiscalArrangement(
            town=town, name=name, document_number=document_number, base_year=base_year,
            base_amount=r.parse_money(base_amount, field="base_amount", label=gettext("基数")),
            term_start=term_start, term_end=term_end, effective_from=effective_from,
            settlement_method=settlement_method, shortfall_rule=shortfall_rule, disbursement_limit=disbursement_limit,
        ), actor)
        if not rules:
            _refuse(gettext("财政体制至少要有一条规则。"), "arrangement_no_rules", "rules")
        covered: dict[int, str] = {}
        for position, spec in enumerate(rules, start=1):
            _rule_create(arrangement, position, spec, covered, actor)
        if sum(1 for s in rules if s.get("kind") == RuleKind.EXCESS) > 1:
            _refuse(gettext("一个财政体制只能有一条超收返还规则。"), "arrangement_two_excess", "rules")
        if current is not None:
            current.superseded_by = arrangement
            save_validated(current, actor)
    return arrangement


@transaction.atomic
def arrangement_supersede(*, arrangement: FiscalArrangement, effective_from: datetime.date, name: str,
                          base_year: int, base_amount, term_start: datetime.date, term_end: datetime.date,
                          rules: Sequence[dict], settlement_method: str = SettlementMethod.YEAR_END,
                          shortfall_rule: str = ShortfallRule.OWED_BACK, disbursement_limit: str = "3M",
                          document_number: str = "", actor=None) -> FiscalArrangement:
    """Supersede ``arrangement`` from ``effective_from`` (the first of a month) by a new one of
    the same town, with its own base, term and rules. The old one stays readable and says
    "superseded by … from …"; months from that date are computed under the new one. Only the
    town's current arrangement can be superseded (an older one already was)."""
    current = FiscalArrangement.objects.select_for_update().get(pk=arrangement.pk)
    if current.superseded_by_id is not None:
        raise ConflictError(gettext("“%(name)s”已被“%(other)s”替代，只能替代现行的财政体制。")
                            % {"name": current.name, "other": current.superseded_by.name}, code="already_superseded")
    return arrangement_create(
        town=current.town, name=name, base_year=base_year, base_amount=base_amount, term_start=term_start,
        term_end=term_end, effective_from=effective_from, rules=rules, settlement_method=settlement_method,
        shortfall_rule=shortfall_rule, disbursement_limit=disbursement_limit, document_number=document_number,
        actor=actor)


def _rule_create(arrangement, position: int, spec: dict, covered: dict, actor) -> ArrangementRule:
    kind = spec.get("kind")
    per_mu = spec.get("per_mu_amount")
    tiers = r.parse_tiers(spec.get("tiers"))
    share = spec.get("share_percent") if spec.get("share_percent") not in (None, "") else "100"
    if tiers:  # the share of a tiered rule is its top band's (what every yuan above the last limit gets)
        share = tiers[-1]["share_percent"]
    rule = save_validated(ArrangementRule(
        arrangement=arrangement, position=position, name=spec.get("name", ""), kind=kind,
        share_percent=r.parse_decimal(share, field="share_percent", label=gettext("返还比例"), places=2, unit="%"),
        per_mu_amount=r.parse_money(per_mu, field="per_mu_amount", label=gettext("每亩补助")) if per_mu else None,
        earmark=spec.get("earmark") or Earmark.NONE, tiers=tiers,
    ), actor)
    categories = [c if isinstance(c, RevenueCategory) else RevenueCategory.objects.filter(code=c).first()
                  for c in spec.get("categories", ())]
    if any(c is None for c in categories):
        _refuse(gettext("规则“%(rule)s”中有未登记的收入科目。") % {"rule": rule.name}, "rule_unknown_category", "rules")
    if kind == RuleKind.PER_MU and categories:
        _refuse(gettext("按亩补助规则按复垦面积计算，不对应收入科目。"), "rule_per_mu_categories", "rules")
    if kind != RuleKind.PER_MU and not categories:
        _refuse(gettext("规则“%(rule)s”须指定适用的收入科目。") % {"rule": rule.name}, "rule_no_categories", "rules")
    for category in categories:
        if category.pk in covered:
            _refuse(gettext("收入科目“%(category)s”已由规则“%(other)s”计算，不能重复返还。")
                    % {"category": category.name, "other": covered[category.pk]}, "rule_category_twice", "rules")
        covered[category.pk] = rule.name
    rule.categories.set(categories)
    return rule


