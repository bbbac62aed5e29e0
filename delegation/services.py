"""Writes of the catalogue: one service per state transition, atomic, validated, attributed.

Every way in — views, API actions, imports, admin actions, tasks — calls these.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events as domain_events
from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.services import require_reason, save_validated
from regions.choices import Level, PilotKind
from regions.models import Division

from .choices import ItemStatus, TakeOverStatus
from .models import (
    Agreement,
    Assignment,
    Batch,
    ExerciseRecord,
    FilingDueRecomputed,
    Item,
    ItemStatusChange,
    Training,
)

ITEM_FIELDS = {
    "code", "name", "category", "department", "legal_basis", "legal_article",
    "route_before_review", "route_before_approval", "route_before_filing",
    "route_after_review", "route_after_approval", "route_after_filing",
    "filing_body", "filing_deadline", "statutory_limit", "statutory_limit_unit",
    "promised_limit", "promised_limit_unit", "spans_several_towns",
}


# --- batches and items -----------------------------------------------------------------------
@transaction.atomic
def batch_create(*, division: Division, code: str, name: str, effective_on: datetime.date,
                 document_number: str = "", actor=None) -> Batch:
    """Open a batch (批次): draft items are published into it, then the batch itself is published."""
    if Batch.objects.filter(code=code).exists():
        raise ConflictError(_("批次编号“%(code)s”已被使用，请换一个编号。") % {"code": code}, code="batch_code_taken",
                            extra={"code": [_("该批次编号已被使用。")]})
    with actor_context(actor):
        return save_validated(Batch(division=division, code=code, name=name, effective_on=effective_on,
                           document_number=document_number), actor)


def _require_open(batch: Batch) -> None:
    if batch.published_on is not None:
        raise ConflictError(
            f"{batch.name}已于{batch.published_on:%Y-%m-%d}公布（自{batch.effective_on:%Y-%m-%d}起施行），"
            "不能再加入新事项。请选择尚未公布的批次，或新建批次。",
            code="batch_closed", extra={"batch": [_("该批次已公布，不能再加入新事项。")]},
        )


@transaction.atomic
def batch_add_items(*, batch: Batch, items, actor, reason: str = "") -> list[Item]:
    """Publish several draft items in one open batch, all or none."""
    return [item_publish(item=item, batch=batch, actor=actor, reason=reason) for item in items]


@transaction.atomic
def batch_publish(*, batch: Batch, actor, published_on: datetime.date | None = None,
                  document_number: str = "", items=()) -> Batch:
    """Publish a batch (公布): its notice gets its document number and date, and the batch is
    closed to new items. ``items`` (drafts) are published into it first, all or none.

    The publication date is today unless given (a batch entered after the fact carries the
    date of its document); it can be neither in the future nor after the effective date.
    """
    today = timezone.localdate()
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    _require_open(batch)
    with actor_context(actor, reason=f"公布{batch.name}"):
        batch_add_items(batch=batch, items=items, actor=actor)
        if not batch.items.exists():
            raise ApplicationError(_("%(batch)s中还没有事项，不能公布。请先将草稿事项公布到该批次。") % {"batch": batch.name},
                                   code="batch_empty")
        published_on = published_on or today
        errors = {}
        if published_on > today:
            errors["published_on"] = [_("公布日期不能晚于今天。")]
        elif published_on > batch.effective_on:
            errors["published_on"] = [_("公布日期不能晚于施行日期（%(date)s）。") % {"date": f"{batch.effective_on:%Y-%m-%d}"}]
        document_number = (document_number or "").strip() or batch.document_number
        if not document_number:
            errors["document_number"] = [_("公布批次须填写文号，如 绩政〔2026〕12号。")]
        if errors:
            raise ApplicationError("；".join(m for ms in errors.values() for m in ms), code="invalid_batch",
                                   extra=errors)
        batch.published_on = published_on
        batch.document_number = document_number
        return save_validated(batch, actor)


@transaction.atomic
def item_create(*, actor=None, **fields) -> Item:
    """Add an item to the catalogue as a draft (逐项梳理)."""
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise ApplicationError(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")
    with actor_context(actor):
        return save_validated(Item(**fields), actor)


@transaction.atomic
def item_update(*, item: Item, actor, **fields) -> Item:
    """Change an item's content; every version stays in its history. Withdrawn items are closed."""
    # The caller's instance may be stale (withdrawn or published since it was read): decide on
    # the locked row, and never write its status or batch back from an old copy.
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.WITHDRAWN:
        raise ConflictError(_("已收回的事项不能修改。"), code="item_withdrawn")
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise ApplicationError(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")
    if item.status != ItemStatus.DRAFT and "code" in fields and fields["code"] != item.code:
        raise ConflictError(_("已公布事项的编码不能修改。"), code="code_frozen")
    with actor_context(actor):
        for name, value in fields.items():
            setattr(item, name, value)
        return save_validated(item, actor)


def _transition(item: Item, *, to: str, allowed_from: set[str], on: datetime.date, actor, reason: str) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status not in allowed_from:
        allowed = "、".join(str(ItemStatus(s).label) for s in sorted(allowed_from))
        raise ConflictError(
            _("事项“%(item)s”当前状态为%(status)s，只有%(allowed)s的事项才能改为%(to)s。") % {
                "item": item.name, "status": item.get_status_display(), "allowed": allowed, "to": ItemStatus(to).label},
            code="invalid_transition",
        )
    # The log is read in effective-date order (ExerciseRules.status_on): a step dated before the
    # previous one would sort under it and the item would read as still in its old status.
    previous = item.status_changes.order_by("-effective_on", "-id").values_list("effective_on", flat=True).first()
    if previous is not None and on < previous:
        raise ApplicationError(
            f"生效日期（{on:%Y-%m-%d}）不能早于该事项上一次状态变更的生效日期（{previous:%Y-%m-%d}）。",
            code="effective_before_previous", extra={"on": [_("生效日期不能早于上一次状态变更。")]},
        )
    ItemStatusChange.objects.create(
        item=item, from_status=item.status, to_status=to, effective_on=on, reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    item.status = to
    item.stamp(actor)
    item.save(update_fields=["status", "updated_at", "updated_by"])
    return item


@transaction.atomic
def item_publish(*, item: Item, batch: Batch, actor, reason: str = "") -> Item:
    """Publish a draft item in an open (not yet published) ``batch``; it comes into force on the
    batch's effective date.

    A published batch is closed: an item added to it would be logged as effective on a date
    long past and listed in a notice that never named it. A batch not yet published whose
    effective date has passed is a batch entered after the fact (补录): its items come into
    force on that date at once.
    """
    today = timezone.localdate()
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if locked.status != ItemStatus.DRAFT:  # the item's own state first: it says more than the batch's
        raise ConflictError(
            f"事项“{locked.name}”当前状态为{locked.get_status_display()}，只有草稿的事项才能公布。",
            code="invalid_transition",
        )
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    _require_open(batch)
    with actor_context(actor, reason=reason or f"随{batch.name}公布"):
        if not locked.department.division.is_within(batch.division):
            raise ApplicationError(_("事项的下放部门不在该批次公布机关的管辖范围内。"), code="batch_scope")
        locked.batch = batch
        locked.save(update_fields=["batch"])
        # A batch that already took effect is entered after the fact: date the publication no
        # later than the effective date, so the log reads published → in force in date order
        # and later (possibly back-dated) suspensions sort after both.
        item = _transition(locked, to=ItemStatus.PUBLISHED, allowed_from={ItemStatus.DRAFT},
                           on=min(today, batch.effective_on), actor=actor, reason=reason or f"随{batch.name}公布")
        domain_events.publish(domain_events.ITEM_PUBLISHED, item=item)
        if batch.effective_on <= today:
            item = _transition(item, to=ItemStatus.IN_FORCE, allowed_from={ItemStatus.PUBLISHED},
                               on=batch.effective_on, actor=actor, reason="批次施行日期已到")
        return item


@transaction.atomic
def item_bring_into_force(*, item: Item, on: datetime.date, actor=None) -> Item:
    """Published → in force, on the batch's effective date (run nightly by beat)."""
    batch = Item.objects.select_related("batch").get(pk=item.pk).batch
    if batch is not None and on < batch.effective_on:
        raise ApplicationError(
            f"{batch.name}自{batch.effective_on:%Y-%m-%d}起施行，事项不能在此之前施行。", code="not_yet_effective"
        )
    with actor_context(actor, reason="批次施行"):
        return _transition(item, to=ItemStatus.IN_FORCE, allowed_from={ItemStatus.PUBLISHED}, on=on,
                           actor=actor, reason="批次施行日期已到")


def items_due_in_force(*, today: datetime.date):
    return Item.objects.filter(status=ItemStatus.PUBLISHED, batch__effective_on__lte=today)


@transaction.atomic
def item_suspend(*, item: Item, actor, reason: str, on: datetime.date | None = None) -> Item:
    """In force → suspended (暂停): records decided from ``on`` are refused."""
    reason = require_reason(reason)
    with actor_context(actor, reason=reason):
        return _transition(item, to=ItemStatus.SUSPENDED, allowed_from={ItemStatus.IN_FORCE},
                           on=on or timezone.localdate(), actor=actor, reason=reason)


@transaction.atomic
def item_resume(*, item: Item, actor, reason: str, on: datetime.date | None = None) -> Item:
    """Suspended → in force again."""
    reason = require_reason(reason)
    with actor_context(actor, reason=reason):
        return _transition(item, to=ItemStatus.IN_FORCE, allowed_from={ItemStatus.SUSPENDED},
                           on=on or timezone.localdate(), actor=actor, reason=reason)


@transaction.atomic
def item_withdraw(*, item: Item, actor, reason: str, on: datetime.date | None = None) -> Item:
    """Withdraw (收回) a published, in-force or suspended item, and end its assignments."""
    reason = require_reason(reason)
    on = on or timezone.localdate()
    with actor_context(actor, reason=reason):
        item = _transition(
            item, to=ItemStatus.WITHDRAWN,
            allowed_from={ItemStatus.PUBLISHED, ItemStatus.IN_FORCE, ItemStatus.SUSPENDED},
            on=on, actor=actor, reason=reason,
        )
        for assignment in item.assignments.exclude(takeover_status=TakeOverStatus.REVOKED):
            _revoke(assignment, on=on, actor=actor)
        domain_events.publish(domain_events.ITEM_WITHDRAWN, item=item)
        return item


# --- agreements, assignments, take-over, training -------------------------------------------
@transaction.atomic
def agreement_create(*, actor=None, **fields) -> Agreement:
    """Record a signed agreement (协议书) between a granting department and a receiving body."""
    with actor_context(actor):
        return save_validated(Agreement(**fields), actor)


def _require_pilot(division: Division) -> None:
    kind = PilotKind.TOWN if division.level == Level.TOWN else PilotKind.COUNTY
    if not division.pilot_designations.filter(kind=kind, revoked_on__isnull=True).exists():
        raise ApplicationError(_("%(division)s不是扩权强镇（县）试点，不能承接下放事项。") % {"division": division.name},
                               code="not_pilot")


@transaction.atomic
def assignment_create(
    *, item: Item, division: Division, mode: str, assigned_on: datetime.date | None = None,
    receiving_unit: str = "便民服务中心", agreement: Agreement | None = None, actor=None,
) -> Assignment:
    """Assign a published or in-force item to a pilot town (or pilot county) in a mode."""
    # Lock the item: a stale instance, or a withdrawal running concurrently, must not leave an
    # active assignment on a withdrawn item.
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status not in {ItemStatus.PUBLISHED, ItemStatus.IN_FORCE}:
        raise ConflictError(_("事项“%(item)s”状态为%(status)s，不能交办。") % {"item": item.name, "status": item.get_status_display()},
                            code="item_not_published")
    _require_pilot(division)
    if Assignment.objects.filter(item=item, division=division).exclude(takeover_status=TakeOverStatus.REVOKED).exists():
        raise ConflictError(_("%(division)s已承接事项“%(item)s”。") % {"division": division.name, "item": item.name},
                            code="already_assigned")
    with actor_context(actor):
        return save_validated(
            Assignment(item=item, division=division, mode=mode, receiving_unit=receiving_unit,
                       agreement=agreement, assigned_on=assigned_on or timezone.localdate()),
            actor, validate_constraints=False,
        )


@transaction.atomic
def batch_assign(*, batch: Batch, division: Division, mode: str, actor=None) -> tuple[list[Assignment], list[Item]]:
    """Assign every published/in-force item of ``batch`` that ``division`` does not hold yet.

    Items that span several towns are not assigned to a town; they are returned as skipped.
    """
    created, skipped = [], []
    held = set(
        Assignment.objects.filter(division=division, item__batch=batch)
        .exclude(takeover_status=TakeOverStatus.REVOKED).values_list("item_id", flat=True)
    )
    for item in batch.items.filter(status__in=[ItemStatus.PUBLISHED, ItemStatus.IN_FORCE]).select_related("department__division"):
        if item.id in held:
            continue
        if item.spans_several_towns and division.level == Level.TOWN:
            skipped.append(item)
            continue
        created.append(assignment_create(item=item, division=division, mode=mode, actor=actor))
    return created, skipped


@transaction.atomic
def assignment_attach_agreement(*, assignment: Assignment, agreement: Agreement, actor) -> Assignment:
    """Attach the signed agreement an assignment is taken over under."""
    # Work on the locked row: saving a stale copy would write back its old take-over status.
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    with actor_context(actor):
        assignment.agreement = agreement
        return save_validated(assignment, actor, validate_constraints=False)


@transaction.atomic
def assignment_take_over(*, assignment: Assignment, on: datetime.date | None = None, actor) -> Assignment:
    """The receiving body takes the power over (承接): needs a signed agreement."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.takeover_status != TakeOverStatus.ASSIGNED:
        raise ConflictError(_("当前承接状态为%(status)s，不能再次承接。") % {"status": assignment.get_takeover_status_display()},
                            code="invalid_transition")
    if assignment.agreement_id is None:
        raise ConflictError(_("尚未签署协议书，不能承接。"), code="agreement_required")
    on = on or timezone.localdate()
    if on < assignment.agreement.signed_on:
        raise ApplicationError(_("承接日期不能早于协议签署日期。"), code="takeover_before_agreement")
    with actor_context(actor):
        assignment.takeover_status = TakeOverStatus.TAKEN_OVER
        assignment.taken_over_on = on
        return save_validated(assignment, actor, validate_constraints=False)


def _revoke(assignment: Assignment, *, on: datetime.date, actor) -> Assignment:
    assignment.takeover_status = TakeOverStatus.REVOKED
    assignment.revoked_on = on
    assignment.clean()  # the model's rules (not before the take-over), for every way in
    assignment.stamp(actor)
    assignment.save(update_fields=["takeover_status", "revoked_on", "updated_at", "updated_by"])
    return assignment


@transaction.atomic
def assignment_revoke(*, assignment: Assignment, actor, reason: str, on: datetime.date | None = None) -> Assignment:
    """Take one assignment back (收回); records decided from ``on`` are refused."""
    reason = require_reason(reason)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.takeover_status == TakeOverStatus.REVOKED:
        raise ConflictError(_("该承接已收回。"), code="invalid_transition")
    with actor_context(actor, reason=reason):
        return _revoke(assignment, on=on or timezone.localdate(), actor=actor)


@transaction.atomic
def training_record(*, division: Division, department, kind: str, title: str, held_on: datetime.date,
                    attendees: int = 0, items=(), actor=None) -> Training:
    """Record a 放权/接权/专题 training session."""
    with actor_context(actor):
        training = save_validated(Training(division=division, department=department, kind=kind, title=title,
                                  held_on=held_on, attendees=attendees), actor)
        if items:
            training.items.set(items)
        return training


# --- exercise records ------------------------------------------------------------------------
RECORD_FIELDS = {"division", "item", "applicant", "received_on", "decided_on", "outcome",
                 "decision_number", "officer", "filed_on", "filing_receipt_number", "filing_receipt_scan"}


@transaction.atomic
def exercise_record_create(*, actor, **fields) -> ExerciseRecord:
    """A receiving body files an exercise record (办件); its filing due date follows the item's rule."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise ApplicationError(f"未知字段：{', '.join(sorted(unknown))}", code="unknown_field")
    with actor_context(actor):
        return save_validated(ExerciseRecord(**fields), actor)


@transaction.atomic
def exercise_record_file(*, record: ExerciseRecord, filed_on: datetime.date | None = None, actor,
                         filing_receipt_number: str = "", filing_receipt_scan=None) -> ExerciseRecord:
    """Mark a record as filed (备案) with the department on ``filed_on``.

    Recorded after the due date but dated on or before it, the filing is a late entry (补录):
    the rules then require the department's acknowledgement (回执 number or scan) and mark it.
    """
    record = ExerciseRecord.objects.select_for_update().get(pk=record.pk)
    if record.filed_on is not None:
        raise ConflictError(_("该办件已于%(date)s备案。") % {"date": f"{record.filed_on:%Y-%m-%d}"}, code="already_filed")
    with actor_context(actor):
        record.filed_on = filed_on or timezone.localdate()
        record.filing_receipt_number = (filing_receipt_number or "").strip()
        if filing_receipt_scan:
            record.filing_receipt_scan = filing_receipt_scan
        return save_validated(record, actor)


# What a clerk may correct on a registered record: what was mis-typed about the decision. The
# item, the division and the decision number identify it; the filing is its own step (file).
RECORD_CORRECTABLE = frozenset({"applicant", "received_on", "decided_on", "outcome", "officer", "officer_id"})


@transaction.atomic
def exercise_record_correct(*, record: ExerciseRecord, actor, reason: str = "", **changes) -> ExerciseRecord:
    """Correct a registered record (申请人, 受理/办结日期, 办理结果, 承办人), re-read and locked.

    The same rules as a new record apply (full_clean); a changed decision date recomputes the
    filing due date by the item's rule. The change is in the record's history, with ``reason``.
    """
    unknown = set(changes) - RECORD_CORRECTABLE
    if unknown:
        raise ApplicationError(f"办件的这些内容不能更正：{', '.join(sorted(unknown))}", code="not_correctable")
    record = ExerciseRecord.objects.select_for_update().get(pk=record.pk)
    with actor_context(actor, **({"reason": reason} if reason else {})):
        for name, value in changes.items():
            setattr(record, name, value)
        return save_validated(record, actor)


# --- provisional filing due dates (DOMAIN.md §0) -----------------------------------------------
RECOMPUTE_CHUNK = 5000  # rows per UPDATE … FROM (VALUES …): 3 parameters a row, well under 65,535


@transaction.atomic
def record_due_recompute(*, year: int, actor=None) -> int:
    """Recompute every provisional filing due date that counted through ``year``; how many moved.

    Registered with ``core.provisional`` (see DelegationConfig.ready) and so called by the
    calendar services inside the transaction that entered the year. Each due date is computed
    again from its decision date and item rule; the 暂定 flag stays only when the period still
    counts through another unknown year. The rows change in a few ``UPDATE … FROM (VALUES …)``
    statements (the history triggers record them, attributed to ``actor``), and every record
    whose date moved gets a FilingDueRecomputed row for the office's list.
    """
    from django.db import connection

    from core import deadlines

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Only a period that started by the end of the year and ended in it or later can have
    # counted through it. Locked: a concurrent edit must not be overwritten with a stale date.
    candidates = (
        ExerciseRecord.objects.filter(filing_due_provisional=True, decided_on__lte=last, filing_due_on__gte=first)
        .select_for_update(of=("self",))
        .order_by("id")
        .values_list("id", "item_id", "item__filing_deadline", "decided_on", "filing_due_on")
    )
    rules: dict[str, deadlines.DeadlineRule] = {}
    computed: dict[tuple[str, datetime.date], deadlines.Due] = {}
    before: dict[tuple[str, datetime.date], datetime.date] = {}

    def rule_of(text: str) -> deadlines.DeadlineRule:
        return rules.get(text) or rules.setdefault(text, deadlines.DeadlineRule.parse(text))

    def reproduces(text: str, decided_on: datetime.date, old_due: datetime.date) -> bool:
        """Does ``text`` give the stored date when ``year`` is counted as still unknown?"""
        key = (text, decided_on)
        if key not in before:
            before[key] = rule_of(text).due_provisional(decided_on, assume_unknown=frozenset({year})).date
        return before[key] == old_due

    changes: list[tuple[int, datetime.date, bool]] = []
    moved: list[FilingDueRecomputed] = []
    with deadlines.pinned():  # each year read once, although this transaction changed it
        rows = list(candidates.iterator(chunk_size=RECOMPUTE_CHUNK))
        # A record keeps the rule of its decision (ExerciseRecord.full_clean): when the item's
        # rule changed since, the stored date is not the current rule's; take the earlier rule
        # from the item's history that gives it (the current one when none does).
        stale = {item_id for _, item_id, text, decided_on, old_due in rows if not reproduces(text, decided_on, old_due)}
        earlier: dict[int, list[str]] = {}
        if stale:
            from django.apps import apps

            events = apps.get_model("delegation", "ItemEvent").objects.filter(pgh_obj_id__in=stale)
            for item_id, text in events.order_by("-pgh_id").values_list("pgh_obj_id", "filing_deadline"):
                if text not in earlier.setdefault(item_id, []):
                    earlier[item_id].append(text)
        for record_id, item_id, rule_text, decided_on, old_due in rows:
            if item_id in earlier and not reproduces(rule_text, decided_on, old_due):
                rule_text = next((t for t in earlier[item_id] if reproduces(t, decided_on, old_due)), rule_text)
            key = (rule_text, decided_on)
            if key not in computed:
                computed[key] = rule_of(rule_text).due_provisional(decided_on)
            due = computed[key]
            if year not in due.years:
                continue  # its period never counted through this year (the filter is a superset)
            new_due, still_provisional = due.date, due.provisional
            if new_due == old_due and still_provisional:
                continue  # another unknown year decides it; this one changed nothing
            changes.append((record_id, new_due, still_provisional))
            if new_due != old_due:
                moved.append(FilingDueRecomputed(
                    record_id=record_id, year=year, old_due_on=old_due, new_due_on=new_due,
                    still_provisional=still_provisional, actor=actor if getattr(actor, "pk", None) else None,
                ))
    if not changes:
        return 0
    table = ExerciseRecord._meta.db_table
    actor_id = getattr(actor, "pk", None)
    with actor_context(actor, reason="record_due_recompute", year=year), connection.cursor() as cursor:
        for start in range(0, len(changes), RECOMPUTE_CHUNK):
            chunk = changes[start:start + RECOMPUTE_CHUNK]
            values = ", ".join(["(%s::bigint, %s::date, %s::boolean)"] * len(chunk))
            # The table name comes from the model; every value is a parameter.
            cursor.execute(
                f'UPDATE "{table}" AS r SET filing_due_on = v.due, filing_due_provisional = v.provisional, '  # nosec B608 # see above
                f"updated_at = now(), updated_by_id = COALESCE(%s::integer, r.updated_by_id) "
                f"FROM (VALUES {values}) AS v(id, due, provisional) WHERE r.id = v.id",
                [actor_id, *[value for row in chunk for value in row]],
            )
        FilingDueRecomputed.objects.bulk_create(moved, batch_size=RECOMPUTE_CHUNK)
    return len(moved)
