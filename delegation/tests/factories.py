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

Without arguments each factory builds its own hierarchy (province → city → county → pilot town)
with codes that cannot collide with the demo's (they start with 6–9), so tests may mix the two.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from delegation import services
from delegation.choices import Category, ItemStatus, Mode, Outcome
from delegation.models import Agreement, Assignment, Batch, ExerciseRecord, Item
from personnel import services as personnel_services
from personnel.models import EnforcementCertificate, Officer
from regions import services as region_services
from regions.choices import Level, PilotKind
from regions.models import Department, Division

D = datetime.date

# The date every factory-made catalogue takes effect, assignment is taken over and agreement signed
# from: far enough in the past that records can be decided on any later date the calendar knows.
EFFECTIVE_ON = D(2010, 1, 1)
PILOT_SINCE = D(2009, 6, 1)
SUSPENDED_ON = WITHDRAWN_ON = D(2020, 1, 1)


# --- regions ---------------------------------------------------------------------------------
class DivisionFactory(DjangoModelFactory):
    """A division made through regions.services; pass ``level`` and ``parent`` or use a subclass."""

    class Meta:
        model = Division

    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = Level.PROVINCE
    parent = None
    code = factory.Sequence(lambda n: f"9{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return region_services.division_create(**kwargs)


class ProvinceFactory(DivisionFactory):
    name = factory.Sequence(lambda n: f"测试省{n}")
    level = Level.PROVINCE
    code = factory.Sequence(lambda n: f"9{n:05d}")


class CityFactory(DivisionFactory):
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = Level.CITY
    parent = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"8{n:05d}")


class CountyFactory(DivisionFactory):
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = Level.COUNTY
    parent = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"7{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, pilot=False, **kwargs):
        """``pilot=True`` designates it a 扩权强县 pilot county."""
        county = region_services.division_create(**kwargs)
        if pilot:
            designate_pilot(county)
        return county


class TownFactory(DivisionFactory):
    """A town, by default a pilot town (扩权强镇试点镇) under a fresh county."""

    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Level.TOWN
    parent = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"6{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, pilot=True, **kwargs):
        town = region_services.division_create(**kwargs)
        if pilot:
            designate_pilot(town)
        return town


def designate_pilot(division: Division, *, on: datetime.date = PILOT_SINCE):
    """Designate ``division`` a pilot town or county (whichever its level is)."""
    kind = PilotKind.TOWN if division.level == Level.TOWN else PilotKind.COUNTY
    return region_services.pilot_designate(
        division=division, kind=kind, batch="测试批次", designated_on=on, designated_by="测试省人民政府"
    )


class DepartmentFactory(DjangoModelFactory):
    """A department of a county (by default a fresh one)."""

    class Meta:
        model = Department

    division = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"T-DEPT-{n:05d}")
    name = factory.Sequence(lambda n: f"测试局{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return region_services.department_create(**kwargs)


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


class OfficerFactory(DjangoModelFactory):
    class Meta:
        model = Officer

    division = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"承办人{n}")
    staff_number = factory.Sequence(lambda n: f"T-OFF-{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return personnel_services.officer_create(actor=actor, **kwargs)


class EnforcementCertificateFactory(DjangoModelFactory):
    """A certificate valid 2010-01-01 … 2030-12-31 unless told otherwise; ``revoked_on=`` revokes it."""

    class Meta:
        model = EnforcementCertificate

    officer = factory.SubFactory(OfficerFactory)
    department = factory.SubFactory(DepartmentFactory)
    number = factory.Sequence(lambda n: f"测执证-{n:06d}")
    valid_from = D(2010, 1, 1)
    valid_until = D(2030, 12, 31)

    @classmethod
    def _create(cls, model_class, *args, revoked_on=None, actor=None, **kwargs):
        cert = personnel_services.certificate_issue(actor=actor, **kwargs)
        if revoked_on is not None:
            cert = personnel_services.certificate_revoke(certificate=cert, on=revoked_on, actor=actor, reason="测试吊销")
        return cert


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

    @classmethod
    def _create(cls, model_class, *args, assignment=None, actor=None, **kwargs):
        if kwargs["division"] is None or kwargs["item"] is None:
            assignment = assignment or AssignmentFactory()
            kwargs["division"] = kwargs["division"] or assignment.division
            kwargs["item"] = kwargs["item"] or assignment.item
        return services.exercise_record_create(actor=actor, **kwargs)
