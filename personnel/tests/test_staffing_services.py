"""The establishment's services (issue 12 §1–4): approvals and their refusals with the numbers,
plans as the only way to change institutions, entry and exit reconciling with the roll, rank-ups
allowed and refused by the rules, personal data never in a message, the cross-check."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ApplicationError
from core.ledger.chain import verify
from core.ledger.models import Posting
from personnel import selectors_staffing as sel
from personnel import services_staffing as s
from personnel.choices_staffing import (
    EstablishmentKind,
    ExitForm,
    InstitutionNature,
    LeaderLevel,
    PersonStatus,
    PlanLineAction,
    PlanStatus,
    PostRole,
    QuotaKind,
    Rank,
)
from personnel.models import Institution, PayrollCount, Person
from regions.tests.factories import TownFactory

from .staffing_factories import (
    D,
    approve,
    approved_plan,
    id_number,
    institution,
    person_in,
    post,
    staffed_town,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return TownFactory(name="临溪镇")


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="x-x-x-x-1")


def test_approval_posts_to_the_ledger_and_a_reduction_beyond_the_unallocated_is_refused_with_the_numbers(town):
    approve(town, QuotaKind.ADMIN, 10)
    institution(town, "党政综合办公室", admin=6)
    table = sel.staffing_table(town=town)
    admin = table.totals[0]
    assert (admin.approved, admin.filled, admin.free) == (10, 0, 10)
    assert table.unallocated[EstablishmentKind.ADMIN] == 4
    before = Posting.objects.count()
    with pytest.raises(ApplicationError) as refused:
        approve(town, QuotaKind.ADMIN, -5)
    assert refused.value.code == "establishment_insufficient"
    assert "只有 4 名" in refused.value.message and "核减 5 名" in refused.value.message
    assert Posting.objects.count() == before
    approve(town, QuotaKind.ADMIN, -4)
    assert sel.staffing_table(town=town).totals[0].approved == 6
    assert verify().ok


def test_the_office_of_another_county_who_audits_this_one_may_not_decide_its_plan(town, django_user_model):
    """Approving needs the office role over the plan's town: a user who is the office elsewhere
    and only the auditor here is refused (403), and the plan stays submitted."""
    from regions.choices import Role
    from regions.services import membership_grant
    from regions.tests.factories import CountyFactory

    approve(town, QuotaKind.ADMIN, 8)
    plan = s.plan_create(town=town, title="2010年机构调整方案")
    s.plan_line_add(plan=plan, action=PlanLineAction.CREATE, name="经济发展办公室",
                    nature=InstitutionNature.PARTY_GOVERNMENT, admin_posts=5)
    s.plan_submit(plan=plan)
    elsewhere = CountyFactory()
    user = django_user_model.objects.create_user("office-elsewhere", password="x-x-x-x-1")
    membership_grant(user=user, division=elsewhere, role=Role.OFFICE)
    membership_grant(user=user, division=town.parent, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        s.plan_approve(plan=plan, approval_number="绩编〔2010〕9号", approved_by="县委", decided_on=D(2010, 2, 1), actor=user)
    with pytest.raises(PermissionDenied):
        s.plan_reject(plan=plan, actor=user, reason="不同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and not Institution.objects.filter(town=town).exists()


def test_only_an_approved_plan_changes_institutions_and_the_county_approves_it(town, django_user_model):
    from regions.choices import Role
    from regions.services import membership_grant

    approve(town, QuotaKind.ADMIN, 8)
    plan = s.plan_create(town=town, title="2010年机构调整方案")
    s.plan_line_add(plan=plan, action=PlanLineAction.CREATE, name="经济发展办公室",
                    nature=InstitutionNature.PARTY_GOVERNMENT, admin_posts=5)
    s.plan_submit(plan=plan)
    assert not Institution.objects.filter(town=town).exists()  # submitted is not approved
    clerk = django_user_model.objects.create_user("clerk-t", password="x-x-x-x-1")
    membership_grant(user=clerk, division=town, role=Role.CLERK)
    with pytest.raises(PermissionDenied):
        s.plan_approve(plan=plan, approval_number="绩编〔2010〕9号", approved_by="县委", decided_on=D(2010, 2, 1), actor=clerk)
    office = django_user_model.objects.create_user("office-t", password="x-x-x-x-1")
    membership_grant(user=office, division=town.parent, role=Role.OFFICE)
    s.plan_approve(plan=plan, approval_number="绩编〔2010〕9号", approved_by="县委", decided_on=D(2010, 2, 1), actor=office)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    inst = Institution.objects.get(town=town, name="经济发展办公室")
    assert inst.founding_document == "绩编〔2010〕9号"
    assert sel.institution_numbers(inst)[EstablishmentKind.ADMIN] == {"approved": 5, "filled": 0, "free": 5}


def test_a_plan_asking_more_than_unallocated_or_less_than_the_people_is_refused(town, root):
    inst, staff, _ = staffed_town(town, admin=3)
    person_in(staff)
    person_in(staff)
    with pytest.raises(ApplicationError) as below:
        approved_plan(town, [dict(action=PlanLineAction.CHANGE, institution=inst, admin_posts=1)], actor=root)
    assert below.value.code == "plan_below_filled" and "在编 2 名" in below.value.message
    with pytest.raises(ApplicationError) as beyond:
        approved_plan(town, [dict(action=PlanLineAction.CHANGE, institution=inst, admin_posts=5)], actor=root)
    assert beyond.value.code == "plan_insufficient" and "增加 2 名，现只有 0 名" in beyond.value.message
    assert sel.institution_numbers(inst)[EstablishmentKind.ADMIN] == {"approved": 3, "filled": 2, "free": 1}


def test_filling_the_last_post_then_one_more_is_refused_with_the_numbers(town):
    inst, staff, _ = staffed_town(town, admin=2)
    person_in(staff)
    person_in(staff)
    people = Person.objects.count()
    with pytest.raises(ApplicationError) as full:
        person_in(staff, name="李四")
    assert full.value.code == "establishment_full"
    assert f"“{inst.name}”行政编制已满：核定 2 名，在编 2 名，空编 0 名。" == full.value.message
    assert Person.objects.count() == people  # nothing half-written


def test_leadership_posts_are_counted_and_refused_when_none_is_vacant(town):
    approve(town, QuotaKind.ADMIN, 5)
    approve(town, QuotaKind.LEADER_FK, 1)
    inst = institution(town, "镇领导班子", admin=5)
    deputy = post(inst, "副镇长", role=PostRole.TEAM_MEMBER, leader_level=LeaderLevel.DEPUTY_CHIEF)
    person_in(deputy)
    with pytest.raises(ApplicationError) as full:
        person_in(deputy)
    assert "领导职数（副科级）已满：核定 1 名，已配 1 名，空缺 0 名" in full.value.message
    assert sel.leader_numbers(town)[QuotaKind.LEADER_FK] == {"approved": 1, "filled": 1, "free": 0}


def test_a_wrong_check_digit_is_refused_and_writes_nothing_and_the_number_is_not_in_the_message(town):
    inst, staff, _ = staffed_town(town, admin=2)
    good = id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    postings = Posting.objects.count()
    with pytest.raises(ValidationError) as refused:
        person_in(staff, id_number=bad)
    text = " ".join(refused.value.messages)
    assert "校验位不符" in text and bad not in text and bad[:14] not in text
    assert not Person.objects.exists() and Posting.objects.count() == postings


def test_birth_date_must_match_the_id_number(town):
    inst, staff, _ = staffed_town(town, admin=2)
    with pytest.raises(ApplicationError) as refused:
        person_in(staff, id_number=id_number(D(1980, 1, 1)), birth=D(1985, 3, 12))
    assert refused.value.code == "person_birth_mismatch"


def test_entry_exit_and_moves_reconcile_with_the_roll(town):
    inst, staff, public = staffed_town(town, admin=4, public=2)
    other = institution(town, "社会事务办公室")  # no posts of its own yet
    a, b, c = person_in(staff), person_in(staff), person_in(public)
    s.person_exit(person=b, exit_form=ExitForm.RETIREMENT, document_number="绩人社〔2011〕3号", document_date=D(2011, 5, 1))
    with pytest.raises(ApplicationError) as full:
        s.person_move(person=a, post=post(other, "科员"), document_number="镇任〔2011〕1号", document_date=D(2011, 6, 1))
    assert full.value.code == "establishment_full"
    s.person_move(person=c, post=post(inst, "事业岗2", kind=EstablishmentKind.PUBLIC), document_number="镇任〔2011〕2号",
                  document_date=D(2011, 6, 1))
    table = sel.staffing_table(town=town)
    for row in table.institutions:
        assert row.filled == row.people  # the ledger's filled posts are the people on the roll
    assert [(t.approved, t.filled, t.free) for t in table.totals] == [(4, 1, 3), (2, 1, 1)]
    b.refresh_from_db()
    assert b.status == PersonStatus.OUT and b.post is None
    assert [m.kind for m in sel.person_movements(person=b)] == ["entry", "exit"]
    assert verify().ok
    assert not sel.cross_check(towns=[town], month=D(2011, 6, 1)) or all(
        m.problem == "vacant" for m in sel.cross_check(towns=[town], month=D(2011, 6, 1)))


def test_rank_up_of_the_party_secretary_of_a_pilot_town_is_allowed(town):
    approve(town, QuotaKind.ADMIN, 3)
    inst = institution(town, "镇领导班子", admin=3)
    secretary = person_in(post(inst, "党委书记", role=PostRole.PARTY_SECRETARY), rank=Rank.SECTION)
    s.person_rank_up(person=secretary, rank=Rank.DEPUTY_COUNTY, document_number="绩组〔2010〕8号",
                     document_date=D(2010, 4, 1))
    secretary.refresh_from_db()
    assert secretary.rank == Rank.DEPUTY_COUNTY
    assert sel.person_movements(person=secretary)[-1].rule == "leader_deputy_county"


def test_rank_up_refused_outside_a_pilot_town_and_for_a_head_of_an_ordinary_institution(town):
    plain = TownFactory(name="普通镇", pilot=False)
    approve(plain, QuotaKind.ADMIN, 2)
    inst = institution(plain, "镇领导班子", admin=2)
    mayor = person_in(post(inst, "镇长", role=PostRole.MAYOR), rank=Rank.SECTION)
    with pytest.raises(ApplicationError) as refused:
        s.person_rank_up(person=mayor, rank=Rank.DEPUTY_COUNTY, document_number="x", document_date=D(2010, 4, 1))
    assert "所在镇不是扩权强镇试点镇" in refused.value.message
    mayor.refresh_from_db()
    assert mayor.rank == Rank.SECTION and mayor.movements.count() == 1

    approve(town, QuotaKind.ADMIN, 4)
    ordinary = institution(town, "普通办公室", admin=2)
    head = person_in(post(ordinary, "主任", role=PostRole.HEAD), entry=D(2005, 1, 1), rank_since=D(2005, 1, 1))
    with pytest.raises(ApplicationError) as not_key:
        s.person_rank_up(person=head, rank=Rank.DEPUTY_SECTION, document_number="x", document_date=D(2010, 4, 1))
    assert "不是重要内设机构" in not_key.value.message
    staff = person_in(post(ordinary, "科员"))
    with pytest.raises(ApplicationError) as no_rule:
        s.person_rank_up(person=staff, rank=Rank.DEPUTY_SECTION, document_number="x", document_date=D(2010, 4, 1))
    assert "没有允许“工作人员”岗位高配为副科级的规定" in no_rule.value.message


def test_rank_up_of_a_key_institutions_head_needs_the_years(town):
    approve(town, QuotaKind.ADMIN, 2)
    key = institution(town, "便民服务中心", admin=2, key=True)
    head_post = post(key, "主任", role=PostRole.HEAD)
    young = person_in(head_post, entry=datetime.date(2009, 1, 1))
    with pytest.raises(ApplicationError) as refused:
        s.person_rank_up(person=young, rank=Rank.DEPUTY_SECTION, document_number="x", document_date=D(2010, 4, 1))
    assert "在编工作年限1年，不满3年" in refused.value.message
    senior = person_in(head_post, entry=D(2005, 1, 1), rank_since=D(2005, 1, 1))
    s.person_rank_up(person=senior, rank=Rank.DEPUTY_SECTION, document_number="绩组〔2010〕9号", document_date=D(2010, 4, 1))
    senior.refresh_from_db()
    assert senior.rank == Rank.DEPUTY_SECTION


def test_the_cross_check_finds_each_kind_of_mismatch(town):
    inst, staff, _ = staffed_town(town, admin=3)
    person_in(staff, entry=D(2010, 3, 1))
    s.payroll_count_record(town=town, month=D(2010, 3, 1), kind=EstablishmentKind.ADMIN, count=2)
    found = {m.problem: m for m in sel.cross_check(towns=[town], month=D(2010, 3, 1))}
    assert set(found) == {"vacant", "paid_without_post"}
    assert found["vacant"].difference == 2 and found["paid_without_post"].difference == 1
    # A person on the roll kept outside the services (an old list typed in): over and off the ledger.
    Person.objects.create(town=town, name="王五", id_number=id_number(), birth_date=D(1985, 3, 12),
                          political_status="none", education="bachelor", post=staff, rank_since=D(2009, 1, 1),
                          entry_form="transfer_in", entry_document="旧档", entry_date=D(2009, 1, 1))
    Person.objects.create(town=town, name="赵六", id_number=id_number(), birth_date=D(1985, 3, 12),
                          political_status="none", education="bachelor", post=staff, rank_since=D(2009, 1, 1),
                          entry_form="transfer_in", entry_document="旧档", entry_date=D(2009, 1, 1))
    Person.objects.create(town=town, name="钱七", id_number=id_number(), birth_date=D(1985, 3, 12),
                          political_status="none", education="bachelor", post=staff, rank_since=D(2009, 1, 1),
                          entry_form="transfer_in", entry_document="旧档", entry_date=D(2009, 1, 1))
    found = {m.problem: m for m in sel.cross_check(towns=[town], month=D(2010, 3, 1))}
    assert set(found) == {"over", "ledger_roll"}
    assert found["over"].difference == 1 and found["ledger_roll"].people == 4 and found["ledger_roll"].ledger_filled == 1


def test_payroll_count_replaced_keeps_one_row(town):
    s.payroll_count_record(town=town, month=D(2010, 3, 9), kind=EstablishmentKind.ADMIN, count=2)
    s.payroll_count_record(town=town, month=D(2010, 3, 1), kind=EstablishmentKind.ADMIN, count=3)
    assert list(PayrollCount.objects.values_list("count", flat=True)) == [3]
