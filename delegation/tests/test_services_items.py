"""The catalogue's services, items: publication in a batch, suspension, resumption and
withdrawal, editing, nothing deleted and every version kept.

Factories build their own hierarchy (codes starting with 6–9), the 扩权强县 tests use the demo's
德阳市/广汉市. Dates lie in years the holiday calendar knows (2004–2026); only the services' own
"today" (publication, filing) is the wall clock. Fixtures: conftest.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.history import history_for
from delegation import services
from delegation.choices import ItemStatus, TakeOverStatus
from delegation.models import Agreement, Assignment, Batch, ExerciseRecord, Item, ItemStatusChange
from delegation.rules import ExerciseRules
from regions.tests.factories import CountyFactory

from .factories import (
    AssignmentFactory,
    BatchFactory,
    ExerciseRecordFactory,
    ItemFactory,
    future_batch,
)
from .services_helpers import fresh, log

pytestmark = pytest.mark.django_db

D = datetime.date


# --- publication -----------------------------------------------------------------------------
def test_publish_in_a_batch_already_effective_puts_the_item_in_force_at_once(department, actor):
    batch = BatchFactory(division=department.division, effective_on=D(2010, 1, 1))
    item = ItemFactory(department=department)
    assert item.status == ItemStatus.DRAFT and item.batch is None

    item = services.item_publish(item=item, batch=batch, actor=actor)

    assert item.status == ItemStatus.IN_FORCE
    assert fresh(item).status == ItemStatus.IN_FORCE and fresh(item).batch == batch
    # Both steps are logged in date order, the second from the batch's effective date.
    assert log(item) == [
        (ItemStatus.DRAFT, ItemStatus.PUBLISHED, D(2010, 1, 1)),
        (ItemStatus.PUBLISHED, ItemStatus.IN_FORCE, D(2010, 1, 1)),
    ]
    assert set(ItemStatusChange.objects.filter(item=item).values_list("actor", flat=True)) == {actor.pk}
    # Publishing an item does not publish the batch (batch_publish does, with its own date).
    assert fresh(batch).published_on is None


def test_publish_in_a_future_batch_stays_published_until_brought_into_force(department, actor):
    batch = future_batch(division=department.division)
    effective = batch.effective_on
    item = services.item_publish(item=ItemFactory(department=department), batch=batch, actor=actor)

    assert item.status == ItemStatus.PUBLISHED
    assert log(item) == [(ItemStatus.DRAFT, ItemStatus.PUBLISHED, timezone.localdate())]
    # The nightly rule picks it up on the effective date, not before.
    assert item not in services.items_due_in_force(today=effective - datetime.timedelta(days=1))
    assert item in services.items_due_in_force(today=effective)
    rules = ExerciseRules()
    assert rules.status_on(item.pk, effective - datetime.timedelta(days=1)) == ItemStatus.PUBLISHED

    with pytest.raises(ApplicationError) as refused:
        services.item_bring_into_force(item=item, on=effective - datetime.timedelta(days=1), actor=actor)
    assert refused.value.code == "not_yet_effective"
    assert fresh(item).status == ItemStatus.PUBLISHED

    item = services.item_bring_into_force(item=item, on=effective, actor=actor)
    assert item.status == ItemStatus.IN_FORCE
    assert log(item)[-1] == (ItemStatus.PUBLISHED, ItemStatus.IN_FORCE, effective)


def test_publish_refuses_a_batch_of_another_jurisdiction(department, actor):
    other_batch = BatchFactory(division=CountyFactory())
    item = ItemFactory(department=department)
    with pytest.raises(ApplicationError) as refused:
        services.item_publish(item=item, batch=other_batch, actor=actor)
    assert refused.value.code == "batch_scope"
    assert fresh(item).status == ItemStatus.DRAFT and fresh(item).batch_id is None
    assert log(item) == []


def test_batch_publish_is_all_or_nothing(department, actor):
    batch = BatchFactory(division=department.division)
    draft = ItemFactory(department=department)
    already = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    with pytest.raises(ConflictError):
        services.batch_publish(batch=batch, items=[draft, already], actor=actor)
    assert fresh(draft).status == ItemStatus.DRAFT and log(draft) == []


# --- suspension, resumption, withdrawal ----------------------------------------------------------
def test_suspend_and_resume(department, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)

    item = services.item_suspend(item=item, actor=actor, reason="上级部门要求暂停", on=D(2025, 6, 1))
    assert item.status == ItemStatus.SUSPENDED
    item = services.item_resume(item=item, actor=actor, reason="整改完成", on=D(2025, 7, 1))
    assert item.status == ItemStatus.IN_FORCE

    assert log(item)[-2:] == [
        (ItemStatus.IN_FORCE, ItemStatus.SUSPENDED, D(2025, 6, 1)),
        (ItemStatus.SUSPENDED, ItemStatus.IN_FORCE, D(2025, 7, 1)),
    ]
    reasons = list(ItemStatusChange.objects.filter(item=item).order_by("id").values_list("reason", flat=True))
    assert reasons[-2:] == ["上级部门要求暂停", "整改完成"]
    rules = ExerciseRules()
    assert rules.status_on(item.pk, D(2025, 5, 31)) == ItemStatus.IN_FORCE
    assert rules.status_on(item.pk, D(2025, 6, 1)) == ItemStatus.SUSPENDED
    assert rules.status_on(item.pk, D(2025, 6, 30)) == ItemStatus.SUSPENDED
    assert rules.status_on(item.pk, D(2025, 7, 1)) == ItemStatus.IN_FORCE


def test_a_back_dated_suspension_holds_for_records_decided_today(department, actor):
    """Publishing in an effective batch is logged no later than the effective date, so a suspension
    dated before today still governs today (the log used to put 'published' on today, after it)."""
    item = ItemFactory(department=department, batch=BatchFactory(division=department.division))
    services.item_suspend(item=item, actor=actor, reason="暂停", on=D(2025, 6, 1))
    today = timezone.localdate()
    assert ExerciseRules().status_on(item.pk, today) == ItemStatus.SUSPENDED


def test_a_step_dated_before_the_previous_one_is_refused(department, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    item = services.item_suspend(item=item, actor=actor, reason="暂停", on=D(2025, 6, 1))
    with pytest.raises(ApplicationError) as refused:
        services.item_resume(item=item, actor=actor, reason="恢复", on=D(2025, 5, 1))
    assert refused.value.code == "effective_before_previous"
    assert fresh(item).status == ItemStatus.SUSPENDED
    with pytest.raises(ApplicationError):
        services.item_withdraw(item=item, actor=actor, reason="收回", on=D(2009, 1, 1))
    assert fresh(item).status == ItemStatus.SUSPENDED


@pytest.mark.parametrize("status", [ItemStatus.PUBLISHED, ItemStatus.IN_FORCE, ItemStatus.SUSPENDED])
def test_withdraw_from_each_open_status_revokes_the_assignments(department, actor, status):
    item = ItemFactory(department=department, status=ItemStatus.PUBLISHED if status == ItemStatus.PUBLISHED
                       else ItemStatus.IN_FORCE)
    earlier = AssignmentFactory(item=item)
    services.assignment_revoke(assignment=earlier, actor=actor, reason="调整", on=D(2015, 1, 1))
    taken = AssignmentFactory(item=item, division=earlier.division, taken_over_on=D(2016, 1, 4))
    pending = AssignmentFactory(item=item, taken_over_on=None)
    if status == ItemStatus.SUSPENDED:
        item = services.item_suspend(item=item, actor=actor, reason="暂停", on=D(2020, 1, 1))
    assert item.status == status

    # A published item was published today (its batch is not effective yet): withdraw it today.
    on = timezone.localdate() if status == ItemStatus.PUBLISHED else D(2024, 3, 1)

    item = services.item_withdraw(item=item, actor=actor, reason="法律修改，收回", on=on)

    assert item.status == ItemStatus.WITHDRAWN == fresh(item).status
    assert log(item)[-1] == (status, ItemStatus.WITHDRAWN, on)
    for assignment in (taken, pending):
        assignment = fresh(assignment)
        assert assignment.takeover_status == TakeOverStatus.REVOKED
        assert assignment.revoked_on == on
        assert assignment.updated_by == actor
    assert fresh(earlier).revoked_on == D(2015, 1, 1)  # an earlier revocation keeps its date


def _publish(item, actor):
    return services.item_publish(item=item, batch=BatchFactory(division=item.department.division), actor=actor)


STEPS = {
    "publish": _publish,
    "bring_into_force": lambda item, actor: services.item_bring_into_force(item=item, on=D(2025, 1, 1), actor=actor),
    "suspend": lambda item, actor: services.item_suspend(item=item, actor=actor, reason="暂停", on=D(2025, 1, 1)),
    "resume": lambda item, actor: services.item_resume(item=item, actor=actor, reason="恢复", on=D(2025, 1, 1)),
    "withdraw": lambda item, actor: services.item_withdraw(item=item, actor=actor, reason="收回", on=D(2025, 1, 1)),
}
WRONG = [
    (ItemStatus.DRAFT, "bring_into_force"), (ItemStatus.DRAFT, "suspend"), (ItemStatus.DRAFT, "resume"),
    (ItemStatus.DRAFT, "withdraw"),
    (ItemStatus.PUBLISHED, "publish"), (ItemStatus.PUBLISHED, "suspend"), (ItemStatus.PUBLISHED, "resume"),
    (ItemStatus.IN_FORCE, "publish"), (ItemStatus.IN_FORCE, "bring_into_force"), (ItemStatus.IN_FORCE, "resume"),
    (ItemStatus.SUSPENDED, "publish"), (ItemStatus.SUSPENDED, "bring_into_force"), (ItemStatus.SUSPENDED, "suspend"),
    (ItemStatus.WITHDRAWN, "publish"), (ItemStatus.WITHDRAWN, "bring_into_force"), (ItemStatus.WITHDRAWN, "suspend"),
    (ItemStatus.WITHDRAWN, "resume"), (ItemStatus.WITHDRAWN, "withdraw"),
]


@pytest.mark.parametrize(("status", "step"), WRONG)
def test_every_wrong_transition_is_refused(department, actor, status, step):
    item = ItemFactory(department=department, status=status)
    before = log(item)
    before_batch = fresh(item).batch_id

    with pytest.raises(ConflictError) as refused:
        STEPS[step](item, actor)

    assert refused.value.code == "invalid_transition"
    assert refused.value.status_code == 409
    message = refused.value.message
    assert f"当前状态为{ItemStatus(status).label}" in message and item.name in message
    assert fresh(item).status == status and fresh(item).batch_id == before_batch
    assert log(item) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_suspend_resume_withdraw_and_revoke_require_a_reason(department, actor, reason):
    in_force = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    suspended = ItemFactory(department=department, status=ItemStatus.SUSPENDED)
    assignment = AssignmentFactory(item=in_force)
    calls = [
        lambda: services.item_suspend(item=in_force, actor=actor, reason=reason),
        lambda: services.item_resume(item=suspended, actor=actor, reason=reason),
        lambda: services.item_withdraw(item=in_force, actor=actor, reason=reason),
        lambda: services.assignment_revoke(assignment=assignment, actor=actor, reason=reason),
    ]
    for call in calls:
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "reason_required"
        assert "reason" in refused.value.extra
    assert fresh(in_force).status == ItemStatus.IN_FORCE
    assert fresh(suspended).status == ItemStatus.SUSPENDED
    assert fresh(assignment).takeover_status == TakeOverStatus.TAKEN_OVER


# --- editing -----------------------------------------------------------------------------------
def test_withdrawn_items_cannot_be_edited_even_through_a_stale_copy(department, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    stale = fresh(item)  # read before the withdrawal, e.g. by an open edit form
    withdrawn = services.item_withdraw(item=item, actor=actor, reason="收回", on=D(2024, 3, 1))

    for copy in (withdrawn, stale):
        with pytest.raises(ConflictError) as refused:
            services.item_update(item=copy, actor=actor, name="改名")
        assert refused.value.code == "item_withdrawn"
    row = fresh(item)
    assert row.status == ItemStatus.WITHDRAWN and row.name == item.name


def test_published_codes_are_frozen_other_fields_are_not(department, actor):
    draft = ItemFactory(department=department)
    draft = services.item_update(item=draft, actor=actor, code="T-RENAMED-1")
    assert fresh(draft).code == "T-RENAMED-1"

    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    with pytest.raises(ConflictError) as refused:
        services.item_update(item=item, actor=actor, code="T-RENAMED-2")
    assert refused.value.code == "code_frozen"
    assert fresh(item).code == item.code

    updated = services.item_update(item=item, actor=actor, code=item.code, name="新名称", filing_deadline="20WD")
    assert (updated.name, updated.filing_deadline, updated.status) == ("新名称", "20WD", ItemStatus.IN_FORCE)
    assert fresh(item).updated_by == actor


def test_a_stale_copy_cannot_put_a_published_item_back_to_draft(department, actor):
    item = ItemFactory(department=department)
    stale = fresh(item)
    services.item_publish(item=item, batch=BatchFactory(division=department.division), actor=actor)

    with pytest.raises(ConflictError):  # the stale copy still says draft; the row says in force
        services.item_update(item=stale, actor=actor, code="T-CHANGED")
    services.item_update(item=stale, actor=actor, name="新名称")
    row = fresh(item)
    assert (row.status, row.name, row.batch_id is not None) == (ItemStatus.IN_FORCE, "新名称", True)


def test_item_rules_are_checked_on_create_and_update(department, actor):
    with pytest.raises(ApplicationError) as refused:
        services.item_create(department=department, code="X", name="X", status=ItemStatus.IN_FORCE)
    assert refused.value.code == "unknown_field"
    with pytest.raises(ValidationError) as invalid:
        ItemFactory(department=department, statutory_limit=10, promised_limit=15)
    assert "promised_limit" in invalid.value.message_dict
    with pytest.raises(ValidationError) as invalid:
        ItemFactory(department=department, filing_deadline="一个月左右")
    assert "filing_deadline" in invalid.value.message_dict
    item = ItemFactory(department=department)
    with pytest.raises(ValidationError):
        services.item_update(item=item, actor=actor, filing_deadline="soon")
    assert fresh(item).filing_deadline == "1M"


# --- nothing is deleted; every version is kept ---------------------------------------------------
def test_nothing_in_the_catalogue_can_be_deleted(department):
    record = ExerciseRecordFactory()
    draft = ItemFactory(department=department)  # no dependent rows: the database trigger answers
    with pytest.raises(DatabaseError, match="Cannot delete rows from delegation_item"), transaction.atomic():
        Item.objects.filter(pk=draft.pk).delete()
    querysets = [
        Item.objects.filter(pk=record.item_id),
        ItemStatusChange.objects.filter(item=record.item_id),
        Batch.objects.filter(items=record.item_id),
        Agreement.objects.filter(assignments__item=record.item_id),
        Assignment.objects.filter(item=record.item_id),
        ExerciseRecord.objects.filter(pk=record.pk),
    ]
    for qs in querysets:
        with pytest.raises((DatabaseError, ProtectedError)), transaction.atomic():
            qs.delete()
    assert Item.objects.filter(pk__in=[draft.pk, record.item_id]).count() == 2
    assert ExerciseRecord.objects.filter(pk=record.pk).exists()
    assert ItemStatusChange.objects.filter(item=record.item_id).count() == 2


def test_history_keeps_every_version_with_its_actor(department, actor, django_user_model):
    other = django_user_model.objects.create_user("second-office", password="x")
    item = ItemFactory(department=department, actor=actor)
    item = services.item_update(item=item, actor=other, name="第二版名称")
    item = services.item_publish(item=item, batch=BatchFactory(division=department.division), actor=actor)
    item = services.item_suspend(item=item, actor=other, reason="暂停核查", on=D(2025, 6, 1))
    item = services.item_resume(item=item, actor=actor, reason="核查完毕", on=D(2025, 7, 1))
    item = services.item_withdraw(item=item, actor=other, reason="法规废止", on=D(2025, 8, 1))

    changes = list(ItemStatusChange.objects.filter(item=item).order_by("id").values_list(
        "to_status", "actor__username", "reason"))
    assert changes == [
        (ItemStatus.PUBLISHED, "catalogue-office", f"随{item.batch.name}公布"),
        (ItemStatus.IN_FORCE, "catalogue-office", "批次施行日期已到"),
        (ItemStatus.SUSPENDED, "second-office", "暂停核查"),
        (ItemStatus.IN_FORCE, "catalogue-office", "核查完毕"),
        (ItemStatus.WITHDRAWN, "second-office", "法规废止"),
    ]

    versions = list(reversed(history_for(item)))  # oldest first
    assert [v["data"]["status"] for v in versions] == [
        ItemStatus.DRAFT, ItemStatus.DRAFT, ItemStatus.DRAFT, ItemStatus.PUBLISHED, ItemStatus.IN_FORCE,
        ItemStatus.SUSPENDED, ItemStatus.IN_FORCE, ItemStatus.WITHDRAWN,
    ]
    assert all(v["user"] in {"catalogue-office", "second-office"} for v in versions)
    assert versions[0]["user"] == "catalogue-office" and versions[0]["label"] == "insert"
    assert versions[1]["user"] == "second-office" and versions[1]["changes"]["name"]["after"] == "第二版名称"
    by_status = {v["data"]["status"]: v for v in versions[-3:]}
    assert by_status[ItemStatus.SUSPENDED]["user"] == "second-office"
    assert by_status[ItemStatus.SUSPENDED]["reason"] == "暂停核查"
    assert by_status[ItemStatus.WITHDRAWN]["reason"] == "法规废止"
