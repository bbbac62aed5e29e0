"""Farmland balance and reclamation (l2): reclamations registered, accepted (quota gained,
finance's subsidy recorded, once) or refused; county-level balancing entries and their reversal."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.services import require_reason, save_validated
from finance import selectors as finance_selectors
from finance import services as finance_services
from finance.choices import RuleKind
from regions.choices import Level, Role
from regions.models import Division

from .. import rules
from ..choices import (
    BalancingSource,
    GainKind,
    ReclamationKind,
    ReclamationStatus,
)
from ..models import (
    ZERO_MU,
    FarmlandBalancing,
    Reclamation,
    ReclamationAcceptance,
)
from ..selectors import farmland_balance
from .allocations import quota_gain
from .base import (
    _require_in_scope,
    _require_role,
)

# --- farmland balance and reclamation (l2) --------------------------------------------------------
# A reclamation is registered while pending; the county office accepts it (验收) or refuses it.
# Accepting writes, in one transaction: the quota gain of the town (quota_gain), finance's
# reclamation record (the base of the per-mu subsidy, with this acceptance as its basis), the
# month's entitlements recomputed in finance (the subsidy posted to the finance ledger), and the
# acceptance row, one per reclamation. The reclamation's row is locked first, so a second
# acceptance waits and is refused; if the lock were ever bypassed, the acceptance's unique
# reclamation, finance's one-to-one record and the gain's unique source key refuse it in the database.



YUAN = Decimal("0.01")


def _require_office(actor, town) -> None:
    """Acceptance and county balancing are the county office's (领导小组办公室) word, not the
    town's: 403 for anyone else. ``actor=None`` is the system (demo data, commands)."""
    _require_role(actor, town, (Role.OFFICE,), gettext("只有%(who)s才能办理复垦验收和占补平衡统筹。"))


def _not_future(day, field: str, label: str):
    if day > timezone.localdate():
        raise ApplicationError(gettext("%(label)s不能晚于今天。") % {"label": label}, code="future_date",
                               extra={field: [gettext("%(label)s不能晚于今天。") % {"label": label}]})


@transaction.atomic
def reclamation_create(*, town, name: str, kind: str, area_mu, applied_on, location: str = "",
                       actor=None) -> Reclamation:
    """Register a reclamation project of ``town`` waiting for acceptance (待验收)."""
    if getattr(town, "level", None) != Level.TOWN:
        raise ApplicationError(gettext("复垦项目按镇登记。"), code="not_a_town", extra={"town": [gettext("请选择镇。")]})
    _require_in_scope(actor, town, "town")
    area = rules.parse_mu(area_mu, field="area_mu", label=gettext("申报新增耕地面积"))
    _not_future(applied_on, "applied_on", gettext("申请验收日期"))
    return save_validated(Reclamation(town=town, name=name.strip(), kind=kind, location=location.strip(),
                                      area_mu=area, applied_on=applied_on), actor)


def _subsidy(town, month, area) -> Decimal:
    """The per-mu subsidy the town's fiscal arrangement gives for ``area`` (5,000 yuan per mu)."""
    arrangement = finance_selectors.arrangement_in_force(town=town, month=month)
    rule = arrangement.rules.filter(kind=RuleKind.PER_MU).first() if arrangement else None
    return (area * rule.per_mu_amount).quantize(YUAN) if rule else Decimal("0.00")


@transaction.atomic
def reclamation_accept(*, reclamation: Reclamation, accepted_on, document_number: str, area_mu=None,
                       actor=None) -> Reclamation:
    """Accept a reclamation (验收): the town gains the accepted area as quota, finance records it as
    new farmland (the subsidy, 5,000 yuan per mu, posted with the month's entitlements). Once: a
    second acceptance, concurrent or later, is refused and adds nothing."""
    reclamation = Reclamation.objects.select_for_update(of=("self",)).select_related("town").get(pk=reclamation.pk)
    town = reclamation.town
    _require_office(actor, town)
    done = ReclamationAcceptance.objects.filter(reclamation=reclamation).first()
    if done is not None:
        raise ConflictError(gettext("“%(name)s”已于%(day)s验收（%(number)s），新增指标和复垦补助已入账，不会重复。")
                            % {"name": reclamation.name, "day": f"{done.accepted_on:%Y-%m-%d}",
                               "number": done.document_number}, code="reclamation_already_accepted")
    if reclamation.status != ReclamationStatus.PENDING:
        raise ConflictError(gettext("“%(name)s”当前状态为%(status)s，只有待验收的复垦项目才能验收。")
                            % {"name": reclamation.name, "status": reclamation.get_status_display()},
                            code="reclamation_not_pending")
    document_number = (document_number or "").strip()
    if not document_number:
        raise ApplicationError(gettext("请填写验收文号。"), code="required",
                               extra={"document_number": [gettext("请填写验收文号。")]})
    _not_future(accepted_on, "accepted_on", gettext("验收日期"))
    if accepted_on < reclamation.applied_on:
        message = gettext("验收日期不能早于申请验收日期（%(day)s）。") % {"day": f"{reclamation.applied_on:%Y-%m-%d}"}
        raise ApplicationError(message, code="accepted_before_applied", extra={"accepted_on": [message]})
    area = reclamation.area_mu if area_mu in (None, "") else rules.parse_mu(
        area_mu, field="area_mu", label=gettext("核定新增耕地面积"))
    if area > reclamation.area_mu:
        message = gettext("核定面积（%(area)s亩）不能大于申报面积（%(applied)s亩）。") % {
            "area": area, "applied": reclamation.area_mu}
        raise ApplicationError(message, code="accepted_over_applied", extra={"area_mu": [message]})
    kind = GainKind.CONSOLIDATION if reclamation.kind == ReclamationKind.CONSOLIDATION else GainKind.RECLAMATION
    with actor_context(actor):
        gain = quota_gain(town=town, year=accepted_on.year, kind=kind, amount_mu=area, accepted_on=accepted_on,
                          document_number=document_number, basis=gettext("复垦项目“%(name)s”验收") % {
                              "name": reclamation.name}, source_key=f"reclamation:{reclamation.pk}", actor=actor)
        record = finance_services.reclamation_record_create(
            town=town, month=accepted_on, area_mu=area, project=f"{reclamation.name}（{document_number}）",
            basis=f"landuse.reclamation:{reclamation.pk}", actor=actor)
        finance_services.entitlement_compute(town=town, month=accepted_on, actor=actor)
        try:
            with transaction.atomic():
                save_validated(ReclamationAcceptance(
                    reclamation=reclamation, accepted_on=accepted_on, document_number=document_number, area_mu=area,
                    gain=gain, subsidy_record=record, subsidy_amount=_subsidy(town, accepted_on.replace(day=1), area),
                ), actor, validate_unique=False)
        except IntegrityError:  # a racing acceptance got there first (only without the row lock)
            raise ConflictError(gettext("该复垦项目已验收，不会重复。"), code="reclamation_already_accepted") from None
        reclamation.status = ReclamationStatus.ACCEPTED
        save_validated(reclamation, actor)
    return reclamation


@transaction.atomic
def reclamation_reject(*, reclamation: Reclamation, reason: str, actor=None) -> Reclamation:
    """Refuse a reclamation's acceptance (验收未通过), with the reason; nothing is gained or paid."""
    reason = require_reason(reason)
    reclamation = Reclamation.objects.select_for_update(of=("self",)).select_related("town").get(pk=reclamation.pk)
    _require_office(actor, reclamation.town)
    if reclamation.status != ReclamationStatus.PENDING:
        raise ConflictError(gettext("“%(name)s”当前状态为%(status)s，只有待验收的复垦项目才能退回。")
                            % {"name": reclamation.name, "status": reclamation.get_status_display()},
                            code="reclamation_not_pending")
    reclamation.status, reclamation.status_reason = ReclamationStatus.REJECTED, reason
    with actor_context(actor, reason=reason):
        return save_validated(reclamation, actor)


@transaction.atomic
def farmland_balancing_create(*, town, year, area_mu, source: str, document_number: str, source_town=None,
                              recorded_on=None, note: str = "", actor=None) -> FarmlandBalancing:
    """A county-level balancing entry (占补平衡县级统筹) for a town that cannot replace the farmland
    its projects occupied: from the county's reserve, another town of the county (its surplus,
    which must be there) or another county."""
    if getattr(town, "level", None) != Level.TOWN:
        raise ApplicationError(gettext("统筹平衡按镇登记。"), code="not_a_town", extra={"town": [gettext("请选择镇。")]})
    _require_office(actor, town)
    year = rules.parse_year(year)
    area = rules.parse_mu(area_mu, field="area_mu", label=gettext("统筹平衡耕地面积"))
    recorded_on = recorded_on or timezone.localdate()
    if not (document_number or "").strip():
        raise ApplicationError(gettext("请填写统筹平衡的文号。"), code="required",
                               extra={"document_number": [gettext("请填写统筹平衡的文号。")]})
    if source == BalancingSource.OTHER_TOWN:
        if source_town is None:
            raise ApplicationError(gettext("请选择调出耕地的镇。"), code="required",
                                   extra={"source_town": [gettext("请选择调出耕地的镇。")]})
        if source_town.parent_id != town.parent_id:
            message = gettext("县内调剂只能在同一县的镇之间进行；跨县请选“跨县调剂”。")
            raise ApplicationError(message, code="source_town_other_county", extra={"source_town": [message]})
        Division.objects.select_for_update().get(pk=source_town.pk)  # one writer of a town's surplus at a time
        surplus = farmland_balance(towns=[source_town], until_year=year)[source_town.pk].get(year)
        left = surplus.balance if surplus else ZERO_MU
        if area > left:
            message = gettext("%(town)s至%(year)s年末可调出的耕地为 %(left)s 亩，本次调剂 %(area)s 亩超出。") % {
                "town": source_town.name, "year": year, "left": f"{max(left, ZERO_MU):,}", "area": f"{area:,}"}
            raise ApplicationError(message, code="source_town_short", extra={"area_mu": [message]})
    else:
        source_town = None
    return save_validated(FarmlandBalancing(
        town=town, year=year, area_mu=area, source=source, source_town=source_town,
        document_number=document_number.strip(), recorded_on=recorded_on, note=note.strip()), actor)


@transaction.atomic
def farmland_balancing_reverse(*, balancing: FarmlandBalancing, reason: str, actor=None) -> FarmlandBalancing:
    """Reverse a balancing entry (红字冲销): an entry of the opposite area, linked to it."""
    reason = require_reason(reason)
    balancing = FarmlandBalancing.objects.select_for_update(of=("self",)).select_related("town").get(pk=balancing.pk)
    _require_office(actor, balancing.town)
    if balancing.reverses_id is not None:
        raise ConflictError(gettext("这是一条冲销记录，不能再冲销。"), code="reverse_a_reversal")
    if FarmlandBalancing.objects.filter(reverses=balancing).exists():
        raise ConflictError(gettext("该统筹平衡记录已被冲销。"), code="already_reversed")
    with actor_context(actor, reason=reason):
        return save_validated(FarmlandBalancing(
            town=balancing.town, year=balancing.year, area_mu=-balancing.area_mu, source=balancing.source,
            source_town=balancing.source_town, document_number=balancing.document_number,
            recorded_on=timezone.localdate(), note=balancing.note, reverses=balancing, reason=reason), actor)
# --- end of l2's block ----------------------------------------------------------------------------
