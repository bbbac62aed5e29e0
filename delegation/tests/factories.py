"""factory_boy factories for the catalogue and the people who exercise it.

Everything whose state matters is built through the services, so a factory-made item, assignment
or record has been through the same rules, status log and history as one made in the UI:

    ItemFactory()                                   # a draft
    ItemFactory(status=ItemStatus.IN_FORCE)         # published in a batch effective 2010-01-01
    ItemFactory(batch=some_batch)                   # published in that batch (in force if it took effect)
    AssignmentFactory(item=item)                    # to a fresh pilot town, agreement signed, taken over 2010-01-01
    AssignmentFactory(item=item, taken_over_on=None)  # assigned, not taken over
    ExerciseRecordFactory(assignment=assignment)    # a record of that town under that item
    EnforcementCertificateFactory(officer=o, department=d, revoked_on=date(...))

The hierarchy comes from regions/tests/factories.py, officers and certificates from
personnel/tests/factories.py. Without arguments each factory builds its own hierarchy (province → city → county → pilot town)
with codes that cannot collide with the demo's (they start with 6–9), so tests may mix the two.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from delegation import services
from delegation.choices import Category, ItemStatus, Mode, Outcome
from delegation.models import Agreement, Assignment, Batch, ExerciseRecord, Item, Training
from regions.models import Division
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory

D = datetime.date

# The date every factory-made catalogue takes effect, assignment is taken over and agreement signed
# from: far enough in the past that records can be decided on any later date the calendar knows.
EFFECTIVE_ON = D(2010, 1, 1)
SUSPENDED_ON = WITHDRAWN_ON = D(2020, 1, 1)


# --- catalogue -------------------------------------------------------------------------------
class BatchFactory(DjangoModelFactory):
    """A batch (批次) effective on EFFECTIVE_ON unless told otherwise."""

    class Meta:
        model = Batch

    division = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"T-BATCH-{n:05d}")
    name = factory.Sequence(lambda n: f"测试下放第{n}批")
    document_number = factory.Sequence(lambda n: f"测政〔2009〕{n}号")
    effective_on = EFFECTIVE_ON

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.batch_create(actor=actor, **kwargs)


def future_batch(*, division: Division, **kwargs) -> Batch:
    """A batch taking effect a year from today: its items stay published."""
    return BatchFactory(division=division, effective_on=timezone.localdate() + datetime.timedelta(days=365), **kwargs)


class ItemFactory(DjangoModelFactory):
    """An item, created as a draft through ``item_create`` and driven through the life cycle.

    ``batch=`` publishes it in that batch. ``status=`` drives it to that status: published (in a
    batch effective a year from now), in_force (a batch effective EFFECTIVE_ON), suspended (on
    ``suspended_on``, default 2020-01-01) or withdrawn (on ``withdrawn_on``, default 2020-01-01).
    ``actor=`` attributes every step.
    """

    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"T-ITEM-{n:05d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    category = Category.LICENSING
    department = factory.SubFactory(DepartmentFactory)
    legal_basis = "《测试条例》"
    legal_article = "第一条"
    route_before_approval = "县测试局"
    route_after_approval = "镇人民政府"
    filing_body = "县测试局"
    filing_deadline = "1M"
    statutory_limit = 20
    promised_limit = 10

    @classmethod
    def _create(cls, model_class, *args, batch=None, status=ItemStatus.DRAFT, actor=None,
                suspended_on=SUSPENDED_ON, withdrawn_on=WITHDRAWN_ON, **kwargs):
        item = services.item_create(actor=actor, **kwargs)
        if status == ItemStatus.DRAFT and batch is None:
            return item
        if batch is None:
            division = item.department.division
            batch = future_batch(division=division) if status == ItemStatus.PUBLISHED else BatchFactory(division=division)
        item = services.item_publish(item=item, batch=batch, actor=actor)
        if status == ItemStatus.SUSPENDED:
            item = services.item_suspend(item=item, actor=actor, reason="测试暂停", on=suspended_on)
        elif status == ItemStatus.WITHDRAWN:
            item = services.item_withdraw(item=item, actor=actor, reason="测试收回", on=withdrawn_on)
        return item


class AgreementFactory(DjangoModelFactory):
    """An agreement between a department and a receiving body, signed 2009-12-28."""

    class Meta:
        model = Agreement

    number = factory.Sequence(lambda n: f"测委协〔2010〕{n}号")
    department = factory.SubFactory(DepartmentFactory)
    division = factory.LazyAttribute(lambda o: TownFactory(parent=o.department.division))
    department_signatory = "局长"
    receiver_signatory = "镇长"
    signed_on = D(2009, 12, 28)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.agreement_create(actor=actor, **kwargs)


class AssignmentFactory(DjangoModelFactory):
    """An in-force item assigned to a pilot town under a matching agreement and taken over.

    ``taken_over_on=None`` leaves it assigned; ``agreement=None`` assigns it without one (then it
    cannot be taken over, so pass ``taken_over_on=None`` too).
    """

    class Meta:
        model = Assignment

    item = factory.SubFactory(ItemFactory, status=ItemStatus.IN_FORCE)
    division = factory.LazyAttribute(lambda o: TownFactory(parent=o.item.department.division))
    mode = Mode.DEVOLVE
    receiving_unit = "便民服务中心"
    agreement = factory.LazyAttribute(
        lambda o: AgreementFactory(department=o.item.department, division=o.division)
    )
    assigned_on = D(2009, 12, 25)

    @classmethod
    def _create(cls, model_class, *args, taken_over_on=EFFECTIVE_ON, actor=None, **kwargs):
        assignment = services.assignment_create(actor=actor, **kwargs)
        if taken_over_on is not None:
            assignment = services.assignment_take_over(assignment=assignment, on=taken_over_on, actor=actor)
        return assignment


class ExerciseRecordFactory(DjangoModelFactory):
    """A record of ``assignment``'s town under its item (a fresh assignment when neither it nor
    ``division``/``item`` is given), created through ``exercise_record_create``."""

    class Meta:
        model = ExerciseRecord

    division = None
    item = None
    applicant = factory.Sequence(lambda n: f"测试申请人{n}")
    received_on = D(2025, 3, 3)
    decided_on = D(2025, 3, 10)
    outcome = Outcome.APPROVED
    decision_number = factory.Sequence(lambda n: f"测决〔2025〕{n}号")
    officer = None
    filed_on = None
    # Created today, a filing dated before its due date is a late entry (补录): it needs a 回执.
    filing_receipt_number = factory.LazyAttribute(lambda o: "测试回执" if o.filed_on else "")

    @classmethod
    def _create(cls, model_class, *args, assignment=None, actor=None, **kwargs):
        if kwargs["division"] is None or kwargs["item"] is None:
            assignment = assignment or AssignmentFactory()
            kwargs["division"] = kwargs["division"] or assignment.division
            kwargs["item"] = kwargs["item"] or assignment.item
        return services.exercise_record_create(actor=actor, **kwargs)


class TrainingFactory(DjangoModelFactory):
    """A topic training of a town held by a department of its county (the town's parent)."""

    class Meta:
        model = Training

    division = factory.SubFactory(TownFactory)
    department = factory.LazyAttribute(lambda o: DepartmentFactory(division=o.division.parent))
    kind = "topic"
    title = factory.Sequence(lambda n: f"测试培训{n}")
    held_on = D(2026, 1, 5)
    attendees = 10

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.training_record(actor=actor, **kwargs)
