"""Every write of funds and incentives (issue 11 §5, §7). Keyword-only, one transaction each,
attributed.

- ``fund_create``: a fund held for a town (the start-up fund, a year's development fund, a
  department's special fund), with its own account on the ledger ``finance_funds``;
- ``fund_grant`` / ``fund_spend``: money into a fund from the county budget or a department,
  and spending from it, each with its basis (document number, purpose, project); a spend beyond
  the balance is refused with the numbers and writes nothing (the ledger's non-negative
  invariant holds it under concurrency too);
- ``fund_entry_reverse``: the correction, a reversal of the entry's posting plus a row of the
  opposite amount linked to it (a grant already spent cannot be reversed: the balance would
  go negative);
- ``incentive_policy_create``: a county's fee-preference or 以奖代补 policy, the investment
  threshold as data;
- ``incentive_grant`` / ``incentive_reverse``: one incentive under a policy; a project below
  the threshold is refused with the numbers. A fee preference is booked from the county's fee
  relief account, a 以奖代补 subsidy is paid from one of the town's funds.

Accounts of ``finance_funds``: the county's ``source`` (what it and its departments put into the
towns' funds) and ``relief`` (county fees waived), a town's ``fund:<n>`` per fund (never below
zero), ``spent`` (what its funds paid out) and ``incentive:<kind>`` (incentives granted).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.ledger.models import Balance
from core.ledger.services import account_open, posting_create, posting_reverse
from core.services import require_reason, save_validated
from regions.choices import Level
from regions.models import Department, Division

from .. import rules as r
from ..choices import FundEntryKind, FundKind, IncentiveKind
from ..models import ZERO, Fund, FundEntry, Incentive, IncentivePolicy

FUNDS_LEDGER = "finance_funds"


def _today() -> datetime.date:
    return timezone.localdate()


def _refuse(message: str, code: str, field: str | None = None):
    raise ApplicationError(message, code=code, extra={field: [message]} if field else None)


def _day(value, field: str) -> datetime.date:
    """A booking date: a date or "YYYY-MM-DD", not in the future (default today)."""
    if value in (None, ""):
        return _today()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            _refuse(gettext("日期“%(value)s”无效，应为 YYYY-MM-DD。") % {"value": value}, "invalid_date", field)
    if value > _today():
        _refuse(gettext("记账日期不能晚于今天。"), "future_date", field)
    return value


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        _refuse(gettext("请填写%(label)s。") % {"label": label}, "required", field)
    return value


def _positive(value, field: str, label: str) -> Decimal:
    amount = r.parse_money(value, field=field, label=label)
    if amount <= 0:
        _refuse(gettext("%(label)s须大于零；更正已记的金额请冲销原记录。") % {"label": label}, "amount_not_positive", field)
    return amount


def _county_accounts(county, actor):
    return (
        account_open(ledger=FUNDS_LEDGER, kind="source", owner=county, code="source",
                     name=f"{county.name}财政及部门资金来源", actor=actor),
        account_open(ledger=FUNDS_LEDGER, kind="relief", owner=county, code="relief",
                     name=f"{county.name}县级规费减免", actor=actor),
    )


def _spent_account(town, actor):
    return account_open(ledger=FUNDS_LEDGER, kind="spent", owner=town, code="spent", name=f"{town.name}资金支出",
                        actor=actor)


def _incentive_account(town, kind: str, actor):
    return account_open(ledger=FUNDS_LEDGER, kind="incentive", owner=town, code=f"incentive:{kind}",
                        name=f"{town.name}{IncentiveKind(kind).label}", actor=actor)


def _locked_fund(fund) -> Fund:
    """The fund's row locked: entries of one fund are numbered one after another."""
    return Fund.objects.select_for_update().select_related("town", "account").get(pk=getattr(fund, "pk", fund))


def fund_balance(fund: Fund) -> Decimal:
    """The fund's balance as the ledger holds it (posted minus what is reserved)."""
    balance = Balance.objects.get(account_id=fund.account_id)
    return (balance.posted - balance.pending_debits).quantize(r.FEN)


def _key(prefix: str, fund: Fund) -> str:
    return f"{prefix}:{fund.pk}:{FundEntry.objects.filter(fund=fund).count() + Incentive.objects.filter(fund=fund).count() + 1}"


# --- funds -------------------------------------------------------------------------------------


@transaction.atomic
def fund_create(*, town, kind: str, name: str, year: int, department=None, document_number: str = "",
                purpose: str = "", actor=None) -> Fund:
    """Set up a fund for a town (its ledger account opened at once, balance 0.00)."""
    town = Division.objects.select_for_update().get(pk=getattr(town, "pk", town))
    if town.level != Level.TOWN:
        _refuse(gettext("资金按试点镇设立，“%(name)s”不是镇。") % {"name": town.name}, "not_a_town", "town")
    if kind not in FundKind.values:
        _refuse(gettext("资金类型“%(kind)s”不存在。") % {"kind": kind}, "invalid_kind", "kind")
    name = _text(name, "name", gettext("资金名称"))
    if department is not None and not isinstance(department, Department):
        department = Department.objects.get(pk=department)
    if kind == FundKind.SPECIAL and department in (None, ""):
        _refuse(gettext("专项资金须写明整合资金的来源部门。"), "department_required", "department")
    if kind == FundKind.STARTUP and Fund.objects.filter(town=town, kind=kind).exists():
        raise ConflictError(gettext("%(town)s已设立发展启动资金。") % {"town": town.name}, code="fund_exists")
    if kind == FundKind.DEVELOPMENT and Fund.objects.filter(town=town, kind=kind, year=year).exists():
        raise ConflictError(gettext("%(town)s已设立%(year)s年度发展资金；追加预算请在该资金中拨入。")
                            % {"town": town.name, "year": year}, code="fund_exists")
    if Fund.objects.filter(town=town, name=name).exists():
        raise ConflictError(gettext("%(town)s已有名为“%(name)s”的资金。") % {"town": town.name, "name": name},
                            code="fund_exists")
    number = Fund.objects.filter(town=town).count() + 1
    account = account_open(ledger=FUNDS_LEDGER, kind="fund", owner=town, code=f"fund:{number}", name=name,
                           actor=actor)
    return save_validated(Fund(
        town=town, kind=kind, name=name, year=year, department=department, document_number=document_number.strip(),
        purpose=purpose.strip(), account=account,
    ), actor)


def _entry(fund: Fund, kind: str, amount: Decimal, legs, *, booked_on, document_number, purpose, project,
           department, actor) -> FundEntry:
    posting = posting_create(
        ledger=FUNDS_LEDGER, kind=f"fund_{kind}", legs=legs, idempotency_key=_key(f"fund:{kind}", fund),
        booked_on=booked_on, memo=f"{fund.name}：{purpose}（{document_number}）", actor=actor,
    )
    return save_validated(FundEntry(
        fund=fund, kind=kind, amount=amount, booked_on=booked_on, document_number=document_number, purpose=purpose,
        project=project, department=department, posting=posting,
    ), actor)


@transaction.atomic
def fund_grant(*, fund, amount, document_number: str, purpose: str, booked_on=None, project: str = "",
               department=None, actor=None) -> FundEntry:
    """Money into a fund (拨入): from the county budget, or for a special fund from the department
    that pools it. Posted source (county) → the fund's account."""
    with actor_context(actor):
        fund = _locked_fund(fund)
        amount = _positive(amount, "amount", gettext("拨入金额"))
        document_number = _text(document_number, "document_number", gettext("文号或凭证号"))
        purpose = _text(purpose, "purpose", gettext("用途"))
        booked_on = _day(booked_on, "booked_on")
        if department is not None and not isinstance(department, Department):
            department = Department.objects.get(pk=department)
        department = department or fund.department
        source, _relief = _county_accounts(fund.town.parent, actor)
        return _entry(fund, FundEntryKind.GRANT, amount, [(source, -amount), (fund.account, amount)],
                      booked_on=booked_on, document_number=document_number, purpose=purpose,
                      project=(project or "").strip(), department=department, actor=actor)


def _check_cover(fund: Fund, amount: Decimal, what: str, field: str = "amount") -> None:
    """Refuse, with the numbers, taking more from a fund than it holds (the ledger refuses it
    too, under its lock; this says it in the clerk's words and on the field)."""
    balance = fund_balance(fund)
    if amount > balance:
        message = gettext("资金“%(fund)s”余额 %(balance)s 元，本次%(what)s %(amount)s 元，超出 %(over)s 元，不能%(what)s。") % {
            "fund": fund.name, "balance": r.fmt(balance), "what": what, "amount": r.fmt(amount),
            "over": r.fmt(amount - balance)}
        # the figures beside the field's message ("amount" would overwrite the message on the amount field)
        raise ApplicationError(message, code="fund_insufficient", extra={
            field: [message], "balance": str(balance), "requested": str(amount), "shortfall": str(amount - balance)})


@transaction.atomic
def fund_spend(*, fund, amount, document_number: str, purpose: str, project: str, booked_on=None,
               actor=None) -> FundEntry:
    """Spending from a fund (支出) on a project, with its basis. More than the balance is refused
    with the numbers and writes nothing. Posted the fund's account → the town's spending."""
    with actor_context(actor):
        fund = _locked_fund(fund)
        amount = _positive(amount, "amount", gettext("支出金额"))
        document_number = _text(document_number, "document_number", gettext("文号或凭证号"))
        purpose = _text(purpose, "purpose", gettext("用途"))
        project = _text(project, "project", gettext("项目"))
        booked_on = _day(booked_on, "booked_on")
        _check_cover(fund, amount, gettext("支出"))
        spent = _spent_account(fund.town, actor)
        return _entry(fund, FundEntryKind.SPEND, amount, [(fund.account, -amount), (spent, amount)],
                      booked_on=booked_on, document_number=document_number, purpose=purpose, project=project,
                      department=None, actor=actor)


def _reversal_checks(row, model) -> None:
    if row.reverses_id is not None:
        raise ConflictError(gettext("这是一条冲销记录，不能再冲销；请重新登记正确的数据。"), code="reverse_a_reversal")
    if model.objects.filter(reverses=row).exists():
        raise ConflictError(gettext("该记录已被冲销。"), code="already_reversed")


@transaction.atomic
def fund_entry_reverse(*, entry: FundEntry, reason: str, actor=None) -> FundEntry:
    """Reverse a grant or a spend (红字冲销): its posting reversed on the ledger (booked today) and
    a row of the opposite amount linked to it. Reversing a grant whose money is already spent
    is refused with the numbers: the fund would go below zero."""
    reason = require_reason(reason)
    with actor_context(actor, reason=reason):
        fund = _locked_fund(entry.fund_id)
        entry = FundEntry.objects.select_for_update().get(pk=entry.pk)
        _reversal_checks(entry, FundEntry)
        if entry.kind == FundEntryKind.GRANT:
            _check_cover(fund, entry.amount, gettext("冲销拨入"), field="reason")
        posting = posting_reverse(posting=entry.posting, reason=reason, actor=actor)
        return save_validated(FundEntry(
            fund=fund, kind=entry.kind, amount=-entry.amount, booked_on=posting.booked_on,
            document_number=entry.document_number, purpose=entry.purpose, project=entry.project,
            department=entry.department, posting=posting, reverses=entry, reason=reason,
        ), actor)


# --- incentives ----------------------------------------------------------------------------------


@transaction.atomic
def incentive_policy_create(*, county, kind: str, name: str, document_number: str, investment_threshold,
                            effective_from, effective_to=None, actor=None) -> IncentivePolicy:
    """A county's incentive policy: fee preferences for projects whose investment reaches the
    threshold, or 以奖代补 subsidies (threshold 0.00 = any project)."""
    threshold = r.parse_money(investment_threshold, field="investment_threshold", label=gettext("投资额门槛"))
    if threshold < 0:
        _refuse(gettext("投资额门槛不能为负数。"), "negative_threshold", "investment_threshold")
    return save_validated(IncentivePolicy(
        county=county, kind=kind, name=_text(name, "name", gettext("政策名称")),
        document_number=_text(document_number, "document_number", gettext("文号")), investment_threshold=threshold,
        effective_from=effective_from, effective_to=effective_to,
    ), actor)


@transaction.atomic
def incentive_grant(*, town, policy, enterprise: str, project: str, investment, amount, document_number: str,
                    booked_on=None, fund=None, actor=None) -> Incentive:
    """One incentive to an enterprise's project under a policy, a ledger entry with its basis.

    Refused, writing nothing: a project whose investment is below the policy's threshold (with
    both figures), a policy not in force on the day or of another county, a 以奖代补 subsidy
    without a fund of the town or beyond the fund's balance."""
    with actor_context(actor):
        town = Division.objects.select_for_update().get(pk=getattr(town, "pk", town))
        policy = policy if isinstance(policy, IncentivePolicy) else IncentivePolicy.objects.get(pk=policy)
        if town.level != Level.TOWN:
            _refuse(gettext("激励按试点镇登记，“%(name)s”不是镇。") % {"name": town.name}, "not_a_town", "town")
        if not town.path.startswith(policy.county.path):
            _refuse(gettext("政策“%(policy)s”由%(county)s制定，不适用于%(town)s。")
                    % {"policy": policy.name, "county": policy.county.name, "town": town.name}, "policy_elsewhere",
                    "policy")
        enterprise = _text(enterprise, "enterprise", gettext("企业"))
        project = _text(project, "project", gettext("项目"))
        document_number = _text(document_number, "document_number", gettext("批准文号"))
        investment = r.parse_money(investment, field="investment", label=gettext("项目投资额"))
        if investment < 0:
            _refuse(gettext("项目投资额不能为负数。"), "negative_investment", "investment")
        amount = _positive(amount, "amount", gettext("优惠或补助金额"))
        booked_on = _day(booked_on, "booked_on")
        if not policy.in_force(booked_on):
            _refuse(gettext("政策“%(policy)s”在 %(day)s 不在施行期内。") % {"policy": policy.name, "day": booked_on},
                    "policy_not_in_force", "booked_on")
        if investment < policy.investment_threshold:
            message = gettext("项目“%(project)s”投资额 %(investment)s 元，低于政策“%(policy)s”的门槛 %(threshold)s 元"
                              "（差 %(gap)s 元），不能享受。") % {
                "project": project, "investment": r.fmt(investment), "policy": policy.name,
                "threshold": r.fmt(policy.investment_threshold), "gap": r.fmt(policy.investment_threshold - investment)}
            raise ApplicationError(message, code="below_threshold", extra={
                "investment": [message], "threshold": str(policy.investment_threshold), "shortfall":
                str(policy.investment_threshold - investment)})
        target = _incentive_account(town, policy.kind, actor)
        if policy.kind == IncentiveKind.AWARD_SUBSIDY:
            if fund in (None, ""):
                _refuse(gettext("以奖代补须选择支出的资金。"), "fund_required", "fund")
            fund = _locked_fund(fund)
            if fund.town_id != town.pk:
                _refuse(gettext("资金“%(fund)s”不属于%(town)s。") % {"fund": fund.name, "town": town.name}, "wrong_town",
                        "fund")
            _check_cover(fund, amount, gettext("补助"))
            legs, key = [(fund.account, -amount), (target, amount)], _key("incentive", fund)
        else:
            if fund not in (None, ""):
                _refuse(gettext("县级规费优惠由县财政减免，不从镇的资金支出。"), "fund_not_allowed", "fund")
            fund = None
            _source, relief = _county_accounts(policy.county if policy.county.level == Level.COUNTY else town.parent,
                                               actor)
            count = Incentive.objects.filter(town=town, fund__isnull=True).count()
            legs, key = [(relief, -amount), (target, amount)], f"incentive:{town.code}:{count + 1}"
        posting = posting_create(
            ledger=FUNDS_LEDGER, kind=policy.kind, legs=legs, idempotency_key=key, booked_on=booked_on,
            memo=f"{policy.get_kind_display()}：{enterprise}{project}（{document_number}）", actor=actor,
        )
        return save_validated(Incentive(
            town=town, policy=policy, kind=policy.kind, enterprise=enterprise, project=project, investment=investment,
            amount=amount, booked_on=booked_on, document_number=document_number, fund=fund, posting=posting,
        ), actor)


@transaction.atomic
def incentive_reverse(*, incentive: Incentive, reason: str, actor=None) -> Incentive:
    """Reverse an incentive (红字冲销): its posting reversed, a row of the opposite amount linked."""
    reason = require_reason(reason)
    with actor_context(actor, reason=reason):
        if incentive.fund_id:
            _locked_fund(incentive.fund_id)
        row = Incentive.objects.select_for_update().get(pk=incentive.pk)
        _reversal_checks(row, Incentive)
        posting = posting_reverse(posting=row.posting, reason=reason, actor=actor)
        return save_validated(Incentive(
            town=row.town, policy=row.policy, kind=row.kind, enterprise=row.enterprise, project=row.project,
            investment=row.investment, amount=-row.amount, booked_on=posting.booked_on,
            document_number=row.document_number, fund=row.fund, posting=posting, reverses=row, reason=reason,
        ), actor)


__all__ = [
    "FUNDS_LEDGER", "ZERO", "fund_balance", "fund_create", "fund_entry_reverse", "fund_grant", "fund_spend",
    "incentive_grant", "incentive_policy_create", "incentive_reverse",
]
