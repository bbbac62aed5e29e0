"""Every write of targets, debt and quarterly inspection (issue 11 §6, §8). Keyword-only, one
transaction each, attributed.

- ``growth_target_set``: the office sets a town's target percent for an indicator and year;
- ``year_figure_enter``: an actual yearly figure (industrial output, investment; fiscal revenue
  only where the revenue records do not hold the year); a second entry replaces the first,
  with its reason (written once, never edited);
- ``debt_borrow`` / ``debt_repay`` / ``debt_entry_reverse``: the debt register on the ledger
  ``finance_debt`` (an account per town and lender, never below zero); a repayment larger than
  the balance is refused with the numbers; every borrowing warns the office (严控新增债务);
- ``checklist_item_create``, ``inspection_open``, ``inspection_results_record``,
  ``inspection_finding_add``, ``inspection_complete``, ``inspection_finding_close``: the county
  finance bureau's quarterly inspection (按季检查).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.ledger.models import Balance
from core.ledger.services import account_open, posting_create, posting_reverse
from core.notifications import registry as notices
from core.notifications.registry import Draft, NoticeKind
from core.notifications.services import notifications_create
from core.services import require_reason, save_validated
from regions.choices import Level, Role
from regions.models import Division, Membership
from regions.selectors import town_addressees

from .. import rules as r
from ..choices import CheckResult, DebtKind, FindingStatus, Indicator, InspectionStatus, Severity
from ..models import (
    ChecklistItem,
    DebtEntry,
    GrowthTarget,
    Inspection,
    InspectionFinding,
    InspectionResult,
    YearFigure,
)

DEBT_LEDGER = "finance_debt"

NEW_DEBT = notices.register_kind(NoticeKind(
    "finance.new_debt", _("新增债务预警"), recipients=_("县领导小组办公室"),
    title=_("严控新增债务：%(town)s 于 %(day)s 向 %(lender)s 新增举借 %(amount)s 元（%(document)s），债务余额 %(balance)s 元"),
))


def _today() -> datetime.date:
    return timezone.localdate()


def _refuse(message: str, code: str, field: str | None = None):
    raise ApplicationError(message, code=code, extra={field: [message]} if field else None)


def _town(town) -> Division:
    town = town if isinstance(town, Division) else Division.objects.get(pk=town)
    if town.level != Level.TOWN:
        _refuse(gettext("“%(name)s”不是镇。") % {"name": town.name}, "not_a_town", "town")
    return town


def _year(value, field: str = "year") -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        _refuse(gettext("年度“%(value)s”无效，应为如 2010 的四位年份。") % {"value": value}, "invalid_year", field)
    if not 2000 <= year <= 2199:
        _refuse(gettext("年度 %(year)s 超出范围（2000—2199）。") % {"year": year}, "invalid_year", field)
    return year


def _indicator(value) -> str:
    if value not in Indicator.values:
        _refuse(gettext("指标“%(value)s”不存在。") % {"value": value}, "unknown_indicator", "indicator")
    return value


# --- targets and actual figures ---------------------------------------------------------------


@transaction.atomic
def growth_target_set(*, town, year, indicator: str, target_percent, document_number: str = "",
                      actor=None) -> GrowthTarget:
    """Set the growth target (percent over the previous year) of ``town`` for ``indicator`` in
    ``year``; setting it again changes the row (its history keeps the old percent)."""
    town, year, indicator = _town(town), _year(year), _indicator(indicator)
    percent = r.parse_decimal(target_percent, field="target_percent", label=gettext("目标增长率"), places=2, unit="%")
    with actor_context(actor):
        target = GrowthTarget.objects.select_for_update().filter(town=town, year=year, indicator=indicator).first()
        if target is None:
            target = GrowthTarget(town=town, year=year, indicator=indicator)
        target.target_percent = percent
        target.document_number = document_number.strip()
        return save_validated(target, actor)


@transaction.atomic
def year_figure_enter(*, town, year, indicator: str, amount, source: str, reason: str = "",
                      actor=None) -> YearFigure:
    """Enter a town's actual figure of ``indicator`` for ``year`` (yuan, two decimals, not
    negative). A figure already entered is replaced by a new row linked to it; the reason of
    the correction is then required. Nothing is edited."""
    town, year, indicator = _town(town), _year(year), _indicator(indicator)
    value = r.parse_money(amount, label=gettext("实际数"))
    if value < 0:
        _refuse(gettext("实际数不能为负数。"), "negative_figure", "amount")
    if not (source or "").strip():
        _refuse(gettext("请填写数据来源（如统计年报）。"), "required", "source")
    if year > _today().year:
        _refuse(gettext("%(year)s年尚未到来，不能登记实际数。") % {"year": year}, "future_year", "year")
    with actor_context(actor):
        current = (YearFigure.objects.select_for_update(of=("self",))
                   .filter(town=town, year=year, indicator=indicator, replaced_by__isnull=True).first())
        if current is not None:
            reason = require_reason(reason)
            if current.amount == value:
                raise ConflictError(gettext("%(year)s年%(indicator)s已登记为 %(amount)s 元，与本次相同。")
                                    % {"year": year, "indicator": current.get_indicator_display(),
                                       "amount": r.fmt(value)}, code="figure_unchanged")
        return save_validated(YearFigure(town=town, year=year, indicator=indicator, amount=value,
                                         source=source.strip(), replaces=current,
                                         reason=(reason or "").strip() if current else ""), actor)


# --- the debt register ------------------------------------------------------------------------


def _lender(value) -> str:
    lender = " ".join(str(value or "").split())
    if not lender:
        _refuse(gettext("请填写债权人。"), "required", "lender")
    if len(lender) > 50:
        _refuse(gettext("债权人名称最多50个字。"), "too_long", "lender")
    return lender


def _debt_accounts(town: Division, lender: str, actor):
    return (
        account_open(ledger=DEBT_LEDGER, kind="debt", owner=town, code=f"debt:{lender}",
                     name=f"{town.name}债务（{lender}）", actor=actor),
        account_open(ledger=DEBT_LEDGER, kind="lender", owner=town, code=f"lender:{lender}",
                     name=f"{lender}（{town.name}）", actor=actor),
    )


def debt_balance(*, town, lender: str) -> Decimal:
    """The town's outstanding debt to ``lender`` (the ledger account's posted balance)."""
    posted = Balance.objects.filter(account__ledger=DEBT_LEDGER, account__owner=town,
                                    account__code=f"debt:{lender}").values_list("posted", flat=True).first()
    return r.money(posted or 0)


def _entry_checks(town, occurred_on, document_number: str) -> None:
    if not isinstance(occurred_on, datetime.date):
        _refuse(gettext("请填写发生日期。"), "required", "occurred_on")
    if occurred_on > _today():
        _refuse(gettext("发生日期不能晚于今天。"), "future_date", "occurred_on")
    if not (document_number or "").strip():
        _refuse(gettext("请填写批准文号或合同号。"), "required", "document_number")


def _debt_amount(amount):
    value = r.parse_money(amount)
    if value <= 0:
        _refuse(gettext("金额须大于零；更正已登记的记录请冲销原记录。"), "amount_not_positive", "amount")
    return value


def _lock(town) -> Division:
    return Division.objects.select_for_update().get(pk=town.pk)


@transaction.atomic
def debt_borrow(*, town, lender: str, occurred_on: datetime.date, amount, document_number: str,
                approved_by: str, purpose: str = "", actor=None) -> DebtEntry:
    """Record new borrowing (举借) of ``town`` from ``lender``, with its approval (document and
    approving body). Posted to the ledger; every new borrowing is a warning (严控新增债务): a
    notice to the offices above the town, once per borrowing."""
    town = _lock(_town(town))
    lender, value = _lender(lender), _debt_amount(amount)
    _entry_checks(town, occurred_on, document_number)
    if not (approved_by or "").strip():
        _refuse(gettext("新增债务须写明审批机关（严控新增债务）。"), "required", "approved_by")
    with actor_context(actor):
        debt, source = _debt_accounts(town, lender, actor)
        number = DebtEntry.objects.filter(town=town).count() + 1
        posting = posting_create(ledger=DEBT_LEDGER, kind="borrowing", legs=[(debt, value), (source, -value)],
                                 idempotency_key=f"finance_debt:{town.code}:{number}", booked_on=occurred_on,
                                 memo=f"{town.name}向{lender}举借 {document_number}", actor=actor)
        entry = save_validated(DebtEntry(
            town=town, kind=DebtKind.BORROWING, lender=lender, occurred_on=occurred_on, amount=value,
            document_number=document_number.strip(), approved_by=approved_by.strip(), purpose=purpose.strip(),
            posting=posting,
        ), actor)
        _warn_new_debt(entry, actor)
    return entry


def _warn_new_debt(entry: DebtEntry, actor) -> list[int]:
    """The notice of a new borrowing to the offices above the town (not its clerks: the office
    controls new debt). Subject = the entry, day = its date: a second call writes nothing."""
    office_ids = {m for m in town_addressees([entry.town_id]).get(entry.town_id, ())}
    offices = set(Membership.objects.filter(user_id__in=office_ids, role=Role.OFFICE, is_active=True)
                  .values_list("user_id", flat=True))
    params = {"town": entry.town.name, "day": entry.occurred_on.isoformat(), "lender": entry.lender,
              "amount": r.fmt(entry.amount), "document": entry.document_number,
              "balance": r.fmt(debt_balance(town=entry.town, lender=entry.lender))}
    url = reverse("finance:targets", args=[entry.town_id]) + f"?year={entry.occurred_on.year}#debt"
    return notifications_create(drafts=[
        Draft(addressee_id=user_id, kind=NEW_DEBT.code, subject_key=f"finance.debtentry:{entry.pk}",
              day=entry.occurred_on, url=url, params=params) for user_id in sorted(offices)
    ], actor=actor)


@transaction.atomic
def debt_repay(*, town, lender: str, occurred_on: datetime.date, amount, document_number: str,
               purpose: str = "", actor=None) -> DebtEntry:
    """Record a repayment (偿还) to ``lender``; refused, with the numbers, when it is larger than
    the town's balance owed to that lender."""
    town = _lock(_town(town))
    lender, value = _lender(lender), _debt_amount(amount)
    _entry_checks(town, occurred_on, document_number)
    with actor_context(actor):
        balance = debt_balance(town=town, lender=lender)
        if value > balance:
            _refuse(gettext("偿还 %(amount)s 元超过%(town)s欠%(lender)s的债务余额 %(balance)s 元，不能登记。")
                    % {"amount": r.fmt(value), "town": town.name, "lender": lender, "balance": r.fmt(balance)},
                    "repayment_over_balance", "amount")
        debt, source = _debt_accounts(town, lender, actor)
        number = DebtEntry.objects.filter(town=town).count() + 1
        posting = posting_create(ledger=DEBT_LEDGER, kind="repayment", legs=[(debt, -value), (source, value)],
                                 idempotency_key=f"finance_debt:{town.code}:{number}", booked_on=occurred_on,
                                 memo=f"{town.name}偿还{lender} {document_number}", actor=actor)
        return save_validated(DebtEntry(
            town=town, kind=DebtKind.REPAYMENT, lender=lender, occurred_on=occurred_on, amount=value,
            document_number=document_number.strip(), purpose=purpose.strip(), posting=posting,
        ), actor)


@transaction.atomic
def debt_entry_reverse(*, entry: DebtEntry, reason: str, actor=None) -> DebtEntry:
    """Reverse a wrong entry (红字冲销): its posting reversed on the ledger, a row of the opposite
    amount linked to it. A borrowing whose reversal would leave the balance below zero (it was
    repaid since) is refused with the numbers."""
    reason = require_reason(reason)
    entry = DebtEntry.objects.select_for_update().select_related("town", "posting").get(pk=entry.pk)
    _lock(entry.town)
    if entry.reverses_id is not None:
        raise ConflictError(gettext("这是一条冲销记录，不能再冲销；请重新登记正确的数据。"), code="reverse_a_reversal")
    if DebtEntry.objects.filter(reverses=entry).exists():
        raise ConflictError(gettext("该记录已被冲销。"), code="already_reversed")
    with actor_context(actor):
        if entry.kind == DebtKind.BORROWING:
            balance = debt_balance(town=entry.town, lender=entry.lender)
            if entry.amount > balance:
                _refuse(gettext("冲销该笔举借 %(amount)s 元后，欠%(lender)s的债务余额（现为 %(balance)s 元）将为负："
                                "请先冲销其后登记的偿还。")
                        % {"amount": r.fmt(entry.amount), "lender": entry.lender, "balance": r.fmt(balance)},
                        "reversal_over_balance")
        reversal = posting_reverse(posting=entry.posting, actor=actor, reason=reason)
        return save_validated(DebtEntry(
            town=entry.town, kind=entry.kind, lender=entry.lender, occurred_on=_today(), amount=-entry.amount,
            document_number=entry.document_number, approved_by=entry.approved_by, purpose=entry.purpose,
            posting=reversal, reverses=entry, reason=reason,
        ), actor)


def debt_totals(*, town, lender: str) -> tuple[Decimal, Decimal]:
    """(borrowed, repaid) of ``town`` from ``lender``, net of reversals."""
    rows = dict(DebtEntry.objects.filter(town=town, lender=lender).values_list("kind").annotate(s=Sum("amount"))
                .order_by())
    return rows.get(DebtKind.BORROWING) or Decimal("0.00"), rows.get(DebtKind.REPAYMENT) or Decimal("0.00")


# --- quarterly inspection ---------------------------------------------------------------------


@transaction.atomic
def checklist_item_create(*, county, code: str, text: str, position: int = 1, actor=None) -> ChecklistItem:
    """An item of a county finance bureau's quarterly checklist."""
    county = county if isinstance(county, Division) else Division.objects.get(pk=county)
    if county.level not in (Level.COUNTY, Level.CITY):  # a city without counties (东莞) inspects its towns itself
        _refuse(gettext("检查清单由县财政局制定，“%(name)s”不是县。") % {"name": county.name}, "not_a_county", "county")
    return save_validated(ChecklistItem(county=county, code=code.strip(), text=text.strip(), position=position), actor)


def _quarter(value) -> int:
    try:
        quarter = int(str(value).strip())
    except (TypeError, ValueError):
        quarter = 0
    if quarter not in (1, 2, 3, 4):
        _refuse(gettext("季度应为 1 至 4。"), "invalid_quarter", "quarter")
    return quarter


@transaction.atomic
def inspection_open(*, town, year, quarter, inspected_on: datetime.date, inspectors: str,
                    actor=None) -> Inspection:
    """Open the inspection of ``town`` for a quarter: one result row (未检查) per item of the
    county's checklist in use. One inspection per town and quarter."""
    town, year, quarter = _town(town), _year(year), _quarter(quarter)
    if not isinstance(inspected_on, datetime.date):
        _refuse(gettext("请填写检查日期。"), "required", "inspected_on")
    if inspected_on > _today():
        _refuse(gettext("检查日期不能晚于今天。"), "future_date", "inspected_on")
    if not (inspectors or "").strip():
        _refuse(gettext("请填写检查人员。"), "required", "inspectors")
    items = list(ChecklistItem.objects.filter(county_id=town.parent_id, is_active=True))
    if not items:
        _refuse(gettext("%(county)s财政局尚未制定检查清单，请先添加检查项目。") % {"county": town.parent.name},
                "no_checklist", "town")
    if Inspection.objects.filter(town=town, year=year, quarter=quarter).exists():
        raise ConflictError(gettext("%(town)s %(year)s年第%(q)s季度的检查已登记。")
                            % {"town": town.name, "year": year, "q": quarter}, code="inspection_duplicate")
    with actor_context(actor):
        inspection = save_validated(Inspection(town=town, year=year, quarter=quarter, inspected_on=inspected_on,
                                               inspectors=inspectors.strip()), actor)
        for item in items:
            save_validated(InspectionResult(inspection=inspection, item=item), actor)
    return inspection


def _open_inspection(inspection: Inspection) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != InspectionStatus.OPEN:
        raise ConflictError(gettext("该检查已完成，结果不能再修改。"), code="inspection_completed")
    return inspection


@transaction.atomic
def inspection_results_record(*, inspection: Inspection, results: Sequence[dict], actor=None) -> Inspection:
    """Record results of checklist items: ``results`` of ``{"item": id or ChecklistItem,
    "result": CheckResult, "note": str}``. A 不符合 needs its note (what is wrong)."""
    inspection = _open_inspection(inspection)
    rows = {row.item_id: row for row in InspectionResult.objects.select_for_update().filter(inspection=inspection)
            .select_related("item")}
    with actor_context(actor):
        for spec in results:
            item_id = getattr(spec.get("item"), "pk", spec.get("item"))
            row = rows.get(int(item_id)) if str(item_id).isdigit() else None
            if row is None:
                _refuse(gettext("检查项目不在本次检查的清单中。"), "unknown_item", "results")
            result = spec.get("result")
            if result not in CheckResult.values:
                _refuse(gettext("检查结果“%(value)s”无效。") % {"value": result}, "invalid_result", "results")
            note = (spec.get("note") or "").strip()
            if result == CheckResult.FAIL and not note:
                _refuse(gettext("“%(item)s”不符合，请写明问题。") % {"item": row.item.text}, "fail_needs_note", "results")
            if (row.result, row.note) != (result, note):
                row.result, row.note = result, note
                save_validated(row, actor)
    return inspection


@transaction.atomic
def inspection_finding_add(*, inspection: Inspection, text: str, severity: str, item=None,
                           actor=None) -> InspectionFinding:
    """A finding of an inspection still open: its text and severity (open until rectified)."""
    inspection = _open_inspection(inspection)
    if not (text or "").strip():
        _refuse(gettext("请填写发现的问题。"), "required", "text")
    if severity not in Severity.values:
        _refuse(gettext("请选择严重程度。"), "invalid_severity", "severity")
    if item is not None:
        item_id = getattr(item, "pk", item)
        if not inspection.results.filter(item_id=item_id).exists():
            _refuse(gettext("检查项目不在本次检查的清单中。"), "unknown_item", "item")
        item = ChecklistItem.objects.get(pk=item_id)
    return save_validated(InspectionFinding(inspection=inspection, text=text.strip(), severity=severity, item=item),
                          actor)


@transaction.atomic
def inspection_complete(*, inspection: Inspection, summary: str, actor=None) -> Inspection:
    """Complete an inspection: every item has a result; its results are frozen from now on."""
    inspection = _open_inspection(inspection)
    pending = list(inspection.results.filter(result=CheckResult.PENDING).select_related("item"))
    if pending:
        _refuse(gettext("还有 %(n)s 个项目未检查：%(items)s。") % {
            "n": len(pending), "items": "、".join(p.item.code for p in pending)}, "items_pending", "summary")
    if not (summary or "").strip():
        _refuse(gettext("请填写检查结论。"), "required", "summary")
    with actor_context(actor):
        inspection.summary = summary.strip()
        inspection.status = InspectionStatus.COMPLETED
        inspection.completed_on = _today()
        return save_validated(inspection, actor)


@transaction.atomic
def inspection_finding_close(*, finding: InspectionFinding, closure_note: str, closed_on: datetime.date | None = None,
                             actor=None) -> InspectionFinding:
    """Close a finding once rectified (整改完成), with what was done."""
    finding = InspectionFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise ConflictError(gettext("该问题已整改销号。"), code="finding_closed")
    if not (closure_note or "").strip():
        _refuse(gettext("请填写整改情况。"), "required", "closure_note")
    closed_on = closed_on or _today()
    if closed_on > _today():
        _refuse(gettext("整改完成日期不能晚于今天。"), "future_date", "closed_on")
    with actor_context(actor):
        finding.status, finding.closed_on, finding.closure_note = FindingStatus.CLOSED, closed_on, closure_note.strip()
        return save_validated(finding, actor)
