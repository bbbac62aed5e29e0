"""The catalogue's services, assignments: to pilot towns (and 扩权强县 pilot counties), the
take-over under a signed agreement, revocation, batch assignment.

Factories build their own hierarchy (codes starting with 6–9), the 扩权强县 tests use the demo's
德阳市/广汉市. Dates lie in years the holiday calendar knows (2004–2026); only the services' own
"today" (publication, filing) is the wall clock. Fixtures: conftest.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError, ConflictError
from delegation import services
from delegation.choices import ItemStatus, Mode, TakeOverStatus
from delegation.models import Assignment
from regions.models import Department
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory

from .factories import (
    AgreementFactory,
    AssignmentFactory,
    BatchFactory,
    ItemFactory,
)
from .services_helpers import fresh

pytestmark = pytest.mark.django_db

D = datetime.date


# --- assignments ---------------------------------------------------------------------------------
def test_cross_town_item_is_refused_to_a_town_with_the_models_message(department, town, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE, spans_several_towns=True)
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(item=item, division=town, mode=Mode.DEVOLVE, actor=actor)
    assert refused.value.message_dict["item"] == ["该事项涉及多个镇，不得下放给单个镇。"]
    assert not Assignment.objects.filter(item=item).exists()


def test_cross_town_item_may_go_to_a_pilot_county_under_kuoquan_qiangxian(demo, actor):
    deyang, guanghan = demo["510600"], demo["510681"]
    department = Department.objects.get(code="510600-SWJ")
    batch = BatchFactory(division=deyang)
    item = ItemFactory(department=department, batch=batch, spans_several_towns=True, name="跨县河道采砂许可")
    agreement = AgreementFactory(department=department, division=guanghan)

    assignment = services.assignment_create(
        item=item, division=guanghan, mode=Mode.AUTHORISE, agreement=agreement, assigned_on=D(2009, 12, 25), actor=actor)
    assignment = services.assignment_take_over(assignment=assignment, on=D(2010, 1, 1), actor=actor)

    assert assignment.takeover_status == TakeOverStatus.TAKEN_OVER
    assert (assignment.division, assignment.created_by) == (guanghan, actor)


def test_a_town_that_is_not_a_pilot_is_refused(demo, department, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    city = department.division.parent
    city_item = ItemFactory(department=DepartmentFactory(division=city), status=ItemStatus.IN_FORCE)
    for candidate, division in ((item, TownFactory(parent=department.division, pilot=False)),
                                (city_item, CountyFactory(parent=city))):
        with pytest.raises(ApplicationError) as refused:
            services.assignment_create(item=candidate, division=division, mode=Mode.DEVOLVE, actor=actor)
        assert refused.value.code == "not_pilot"
        assert division.name in refused.value.message
    # The demo's 华阳镇 sits beside the pilot 临溪镇 and is not one.
    jixi_item = ItemFactory(department=Department.objects.get(code="341824-FGW"), status=ItemStatus.IN_FORCE)
    with pytest.raises(ApplicationError) as refused:
        services.assignment_create(item=jixi_item, division=demo["341824100"], mode=Mode.DEVOLVE, actor=actor)
    assert refused.value.code == "not_pilot"
    assert not Assignment.objects.exists()


def test_a_duplicate_active_assignment_is_refused_until_revoked(department, town, actor):
    first = AssignmentFactory(item=ItemFactory(department=department, status=ItemStatus.IN_FORCE), division=town)
    with pytest.raises(ConflictError) as refused:
        services.assignment_create(item=first.item, division=town, mode=Mode.ENTRUST, actor=actor)
    assert refused.value.code == "already_assigned"

    services.assignment_revoke(assignment=first, actor=actor, reason="调整", on=D(2024, 1, 1))
    again = services.assignment_create(item=first.item, division=town, mode=Mode.ENTRUST, actor=actor)
    assert again.takeover_status == TakeOverStatus.ASSIGNED
    assert Assignment.objects.filter(item=first.item, division=town).count() == 2


@pytest.mark.parametrize("status", [ItemStatus.DRAFT, ItemStatus.SUSPENDED, ItemStatus.WITHDRAWN])
def test_items_not_published_or_in_force_cannot_be_assigned(department, town, actor, status):
    item = ItemFactory(department=department, status=status)
    with pytest.raises(ConflictError) as refused:
        services.assignment_create(item=item, division=town, mode=Mode.DEVOLVE, actor=actor)
    assert refused.value.code == "item_not_published"
    assert str(ItemStatus(status).label) in refused.value.message


def test_a_stale_copy_of_a_withdrawn_item_cannot_be_assigned(department, town, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    services.item_withdraw(item=item, actor=actor, reason="收回", on=D(2024, 3, 1))
    assert item.status == ItemStatus.IN_FORCE  # the caller's copy
    with pytest.raises(ConflictError) as refused:
        services.assignment_create(item=item, division=town, mode=Mode.DEVOLVE, actor=actor)
    assert refused.value.code == "item_not_published"
    assert not Assignment.objects.filter(item=item).exists()


def test_take_over_needs_a_signed_agreement_from_the_right_parties(department, town, actor):
    item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
    assignment = AssignmentFactory(item=item, division=town, agreement=None, taken_over_on=None)
    with pytest.raises(ConflictError) as refused:
        services.assignment_take_over(assignment=assignment, on=D(2010, 1, 1), actor=actor)
    assert refused.value.code == "agreement_required"
    assert fresh(assignment).takeover_status == TakeOverStatus.ASSIGNED

    wrong_department = AgreementFactory(department=DepartmentFactory(division=department.division), division=town)
    wrong_town = AgreementFactory(department=department, division=TownFactory(parent=department.division))
    for agreement in (wrong_department, wrong_town):
        with pytest.raises(ValidationError) as invalid:
            services.assignment_attach_agreement(assignment=assignment, agreement=agreement, actor=actor)
        assert invalid.value.message_dict["agreement"] == ["协议书的签署双方必须是该事项的下放部门和承接主体。"]
        other_item = ItemFactory(department=department, status=ItemStatus.IN_FORCE)
        with pytest.raises(ValidationError) as invalid:
            services.assignment_create(item=other_item, division=town, mode=Mode.DEVOLVE, agreement=agreement, actor=actor)
        assert "agreement" in invalid.value.message_dict
    assert fresh(assignment).agreement_id is None

    right = AgreementFactory(department=department, division=town, signed_on=D(2009, 12, 28))
    assignment = services.assignment_attach_agreement(assignment=assignment, agreement=right, actor=actor)
    with pytest.raises(ApplicationError) as refused:
        services.assignment_take_over(assignment=assignment, on=D(2009, 12, 27), actor=actor)
    assert refused.value.code == "takeover_before_agreement"
    assignment = services.assignment_take_over(assignment=assignment, on=D(2009, 12, 28), actor=actor)
    assert (assignment.takeover_status, assignment.taken_over_on) == (TakeOverStatus.TAKEN_OVER, D(2009, 12, 28))
    with pytest.raises(ConflictError) as refused:
        services.assignment_take_over(assignment=assignment, on=D(2010, 1, 1), actor=actor)
    assert refused.value.code == "invalid_transition"
    assert fresh(assignment).taken_over_on == D(2009, 12, 28)


def test_an_agreement_must_lie_within_the_departments_jurisdiction(department):
    with pytest.raises(ValidationError) as invalid:
        AgreementFactory(department=department, division=TownFactory())
    assert "division" in invalid.value.message_dict


def test_revoking_twice_is_refused_even_through_a_stale_copy(department, actor):
    assignment = AssignmentFactory(item=ItemFactory(department=department, status=ItemStatus.IN_FORCE))
    stale = fresh(assignment)
    services.assignment_revoke(assignment=assignment, actor=actor, reason="收回", on=D(2024, 1, 1))
    with pytest.raises(ConflictError) as refused:
        services.assignment_revoke(assignment=stale, actor=actor, reason="再收回", on=D(2025, 1, 1))
    assert refused.value.code == "invalid_transition"
    assert fresh(assignment).revoked_on == D(2024, 1, 1)


def test_batch_assign_assigns_what_the_town_lacks_and_reports_cross_town_items(department, town, actor):
    batch = BatchFactory(division=department.division)
    plain = ItemFactory(department=department, batch=batch)
    held = ItemFactory(department=department, batch=batch)
    cross = ItemFactory(department=department, batch=batch, spans_several_towns=True)
    gone = ItemFactory(department=department, batch=batch)
    services.item_withdraw(item=gone, actor=actor, reason="收回", on=D(2024, 1, 1))
    AssignmentFactory(item=held, division=town)
    ItemFactory(department=department, status=ItemStatus.IN_FORCE)  # in force, another batch

    created, skipped = services.batch_assign(batch=batch, division=town, mode=Mode.DEVOLVE, actor=actor)

    assert [a.item for a in created] == [plain]
    assert skipped == [cross]
    assert set(Assignment.objects.filter(division=town).values_list("item", flat=True)) == {plain.pk, held.pk}
    # A second run finds nothing left to assign; a pilot county takes the cross-town item.
    assert services.batch_assign(batch=batch, division=town, mode=Mode.DEVOLVE, actor=actor) == ([], [cross])
    pilot_county = CountyFactory(parent=department.division.parent, pilot=True)
    county_batch = BatchFactory(division=department.division.parent)
    city_item = ItemFactory(department=DepartmentFactory(division=department.division.parent), batch=county_batch,
                            spans_several_towns=True)
    created, skipped = services.batch_assign(batch=county_batch, division=pilot_county, mode=Mode.AUTHORISE, actor=actor)
    assert ([a.item for a in created], skipped) == ([city_item], [])


def test_batch_assign_to_a_town_that_is_not_a_pilot_assigns_nothing(department, actor):
    batch = BatchFactory(division=department.division)
    ItemFactory(department=department, batch=batch)
    ItemFactory(department=department, batch=batch)
    not_pilot = TownFactory(parent=department.division, pilot=False)
    with pytest.raises(ApplicationError) as refused:
        services.batch_assign(batch=batch, division=not_pilot, mode=Mode.DEVOLVE, actor=actor)
    assert refused.value.code == "not_pilot"
    assert not Assignment.objects.filter(division=not_pilot).exists()


def test_attaching_an_agreement_through_a_stale_copy_keeps_the_take_over(department, actor):
    assignment = AssignmentFactory(item=ItemFactory(department=department, status=ItemStatus.IN_FORCE),
                                   taken_over_on=None)
    stale = fresh(assignment)  # read while still "assigned", e.g. by an open form
    services.assignment_take_over(assignment=assignment, on=D(2010, 1, 4), actor=actor)

    services.assignment_attach_agreement(assignment=stale, agreement=assignment.agreement, actor=actor)

    row = fresh(assignment)
    assert (row.takeover_status, row.taken_over_on) == (TakeOverStatus.TAKEN_OVER, D(2010, 1, 4))
