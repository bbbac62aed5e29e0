"""The rules an exercise record must satisfy (delegation.rules.ExerciseRules, run by full_clean).

Records are created through ``exercise_record_create`` (the way every entry point goes) or, where
"today" matters, checked with ``ExerciseRules.check(record, today=...)`` so no test depends on the
wall clock. The preload tests compare the bulk path with the lazy one on a mixed set.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import deadlines
from delegation import services
from delegation.choices import ItemStatus, Mode, Outcome
from delegation.models import ExerciseRecord
from delegation.rules import ExerciseRules
from personnel.tests.factories import EnforcementCertificateFactory, OfficerFactory
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory

from .factories import AssignmentFactory, ExerciseRecordFactory, ItemFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DECIDED = D(2025, 3, 10)


@pytest.fixture
def actor(django_user_model):
    return django_user_model.objects.create_user("town-clerk", password="x")


@pytest.fixture
def world():
    """A county with two pilot towns; a devolved and an entrusted item, both taken over by ``town``."""
    county = CountyFactory()
    department = DepartmentFactory(division=county, name="测试发改委")
    enforcer = DepartmentFactory(division=county, name="测试城管局")
    town, other_town = TownFactory(parent=county), TownFactory(parent=county)
    devolved = AssignmentFactory(item=ItemFactory(department=department, status=ItemStatus.IN_FORCE), division=town)
    entrusted = AssignmentFactory(
        item=ItemFactory(department=enforcer, status=ItemStatus.IN_FORCE, category="penalty", name="对违反市容规定行为的处罚"),
        division=town, mode=Mode.ENTRUST,
    )
    return {
        "county": county, "department": department, "enforcer": enforcer, "town": town, "other_town": other_town,
        "devolved": devolved, "entrusted": entrusted,
    }


def record(assignment=None, *, division=None, item=None, actor=None, **fields):
    """Create a record through the service (the factory's defaults: received 3 March, decided 10 March 2025)."""
    if assignment is not None:
        fields.setdefault("division", assignment.division)
        fields.setdefault("item", assignment.item)
    if division is not None:
        fields["division"] = division
    if item is not None:
        fields["item"] = item
    return ExerciseRecordFactory(actor=actor, **fields)


def refusal(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        record(**kwargs)
    return refused.value.message_dict


def unsaved(assignment, **fields) -> ExerciseRecord:
    values = {"division": assignment.division, "item": assignment.item, "applicant": "某公司",
              "received_on": D(2025, 3, 3), "decided_on": DECIDED, "outcome": Outcome.APPROVED,
              "decision_number": "测〔2025〕1号"}
    values.update(fields)
    return ExerciseRecord(**values)


# --- assignment and take-over --------------------------------------------------------------------
def test_a_record_for_an_item_the_town_was_not_assigned_is_refused_naming_it(world, actor):
    other_item = AssignmentFactory(item=ItemFactory(department=world["department"], status=ItemStatus.IN_FORCE),
                                   division=world["other_town"]).item
    errors = refusal(division=world["town"], item=other_item, actor=actor)
    assert errors == {"item": [f"本单位在2025年3月10日未承接事项“{other_item.name}”，不能登记该事项的办件。"]}
    assert not ExerciseRecord.objects.filter(item=other_item).exists()


def test_a_record_decided_before_the_take_over_is_refused(world):
    assignment = AssignmentFactory(item=ItemFactory(department=world["department"], status=ItemStatus.IN_FORCE),
                                   division=world["town"], taken_over_on=D(2025, 3, 11))
    errors = refusal(assignment=assignment, decided_on=D(2025, 3, 10))
    assert list(errors) == ["item"] and "未承接事项" in errors["item"][0]
    assert record(assignment, decided_on=D(2025, 3, 11)).pk


def test_an_assigned_but_not_taken_over_item_is_refused(world):
    assignment = AssignmentFactory(item=ItemFactory(department=world["department"], status=ItemStatus.IN_FORCE),
                                   division=world["town"], taken_over_on=None)
    assert "未承接事项" in refusal(assignment=assignment)["item"][0]


def test_a_record_decided_on_or_after_the_revocation_is_refused(world, actor):
    assignment = world["devolved"]
    services.assignment_revoke(assignment=assignment, actor=actor, reason="收回", on=D(2024, 1, 1))
    assert record(assignment, received_on=D(2023, 12, 1), decided_on=D(2023, 12, 29)).pk
    for decided in (D(2024, 1, 1), D(2024, 6, 3)):
        errors = refusal(assignment=assignment, received_on=D(2023, 12, 1), decided_on=decided)
        assert list(errors) == ["item"] and "未承接事项" in errors["item"][0]


def test_a_record_after_the_item_was_withdrawn_is_refused_for_both_reasons(world, actor):
    assignment = world["devolved"]
    services.item_withdraw(item=assignment.item, actor=actor, reason="收回", on=D(2024, 1, 1))
    errors = refusal(assignment=assignment)
    assert len(errors["item"]) == 2
    assert "未承接事项" in errors["item"][0] and "不在施行期内（已收回）" in errors["item"][1]


# --- the item's status on the decision date -------------------------------------------------------
def test_suspension_refuses_records_decided_while_suspended_only(world, actor):
    assignment = world["devolved"]
    item = services.item_suspend(item=assignment.item, actor=actor, reason="暂停", on=D(2025, 6, 2))
    before = record(assignment, received_on=D(2025, 5, 26), decided_on=D(2025, 5, 30))
    assert before.pk

    for decided in (D(2025, 6, 2), D(2025, 6, 30)):
        errors = refusal(assignment=assignment, received_on=D(2025, 5, 26), decided_on=decided)
        assert errors == {"item": [f"事项“{item.name}”在{decided.year}年{decided.month}月{decided.day}日不在施行期内（暂停）。"]}

    services.item_resume(item=item, actor=actor, reason="恢复", on=D(2025, 7, 1))
    assert record(assignment, received_on=D(2025, 6, 20), decided_on=D(2025, 7, 1)).pk
    # A record decided before the suspension can still be filed while the item is suspended.
    services.item_suspend(item=item, actor=actor, reason="再次暂停", on=D(2025, 8, 1))
    filed = services.exercise_record_file(record=before, filed_on=D(2025, 8, 5), actor=actor)
    assert filed.filed_on == D(2025, 8, 5)


def test_a_published_item_not_yet_in_force_is_refused(world):
    item = ItemFactory(department=world["department"], status=ItemStatus.PUBLISHED)
    assignment = AssignmentFactory(item=item, division=world["town"])
    today = item.batch.effective_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        ExerciseRules().check(unsaved(assignment, decided_on=today), today=today)
    assert refused.value.message_dict["item"] == [
        f"事项“{item.name}”在{today.year}年{today.month}月{today.day}日不在施行期内（已公布）。"
    ]
    # From the effective date the item counts as in force even before the nightly step ran.
    effective = item.batch.effective_on
    ExerciseRules().check(unsaved(assignment, decided_on=effective), today=effective)


# --- entrusted items: the officer's enforcement certificate ---------------------------------------
CERTIFICATE_CASES = {
    "none": None,
    "expired": {"valid_from": D(2015, 1, 1), "valid_until": D(2025, 3, 9)},
    "not_yet_valid": {"valid_from": D(2025, 3, 11), "valid_until": D(2030, 12, 31)},
    "revoked_before": {"revoked_on": D(2025, 3, 1)},
    "revoked_on_the_day": {"revoked_on": DECIDED},
    "other_department": {"department": "other"},
}


@pytest.mark.parametrize("case", list(CERTIFICATE_CASES))
def test_an_entrusted_item_needs_a_certificate_valid_on_the_decision_date(world, case):
    officer = OfficerFactory(division=world["town"])
    spec = CERTIFICATE_CASES[case]
    if spec is not None:
        spec = dict(spec)
        spec["department"] = world["department"] if spec.get("department") == "other" else world["enforcer"]
        EnforcementCertificateFactory(officer=officer, **spec)

    errors = refusal(assignment=world["entrusted"], officer=officer)

    assert errors == {"officer": ["委托事项的承办人须在决定日（2025年3月10日）持有测试城管局核发的有效行政执法证。"]}


@pytest.mark.parametrize("spec", [
    {},
    {"valid_from": DECIDED, "valid_until": D(2030, 12, 31)},
    {"valid_from": D(2015, 1, 1), "valid_until": DECIDED},
    {"revoked_on": D(2025, 3, 11)},
], ids=["valid", "first_day", "last_day", "revoked_after"])
def test_an_entrusted_item_with_a_valid_certificate_is_accepted(world, spec):
    officer = OfficerFactory(division=world["town"])
    EnforcementCertificateFactory(officer=officer, department=world["department"])  # not the one that counts
    EnforcementCertificateFactory(officer=officer, department=world["enforcer"], **spec)
    created = record(world["entrusted"], officer=officer)
    assert created.officer == officer


def test_an_entrusted_item_needs_an_officer(world):
    assert refusal(assignment=world["entrusted"]) == {"officer": ["委托事项须填写持有行政执法证的承办人。"]}


def test_the_officer_must_belong_to_the_town(world):
    stranger = OfficerFactory(division=world["other_town"])
    EnforcementCertificateFactory(officer=stranger, department=world["enforcer"])
    assert refusal(assignment=world["devolved"], officer=stranger) == {"officer": ["承办人不属于本单位。"]}
    assert refusal(assignment=world["entrusted"], officer=stranger) == {"officer": ["承办人不属于本单位。"]}
    local = OfficerFactory(division=world["town"])
    assert record(world["devolved"], officer=local).officer == local  # a devolved item needs no certificate


# --- dates and numbers ------------------------------------------------------------------------------
def test_decided_before_received_is_refused(world):
    errors = refusal(assignment=world["devolved"], received_on=D(2025, 3, 11), decided_on=D(2025, 3, 10))
    assert errors == {"decided_on": ["办结日期不能早于受理日期。"]}
    assert record(world["devolved"], received_on=DECIDED, decided_on=DECIDED).pk  # the same day is fine


def test_decided_after_today_is_refused():
    assignment = AssignmentFactory()
    rules = ExerciseRules()
    candidate = unsaved(assignment)
    rules.prepare(candidate)
    with pytest.raises(ValidationError) as refused:
        rules.check(candidate, today=DECIDED - datetime.timedelta(days=1))
    assert refused.value.message_dict == {"decided_on": ["办结日期不能晚于今天。"]}
    rules.check(candidate, today=DECIDED)
    candidate.filed_on = DECIDED + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        rules.check(candidate, today=DECIDED + datetime.timedelta(days=1))
    assert refused.value.message_dict == {"filed_on": ["备案日期不能晚于今天。"]}


def test_a_filing_date_before_the_decision_is_refused_on_create(world):
    errors = refusal(assignment=world["devolved"], filed_on=D(2025, 3, 9))
    assert errors == {"filed_on": ["备案日期不能早于办结日期。"]}


def test_a_decision_number_is_unique_within_a_town_only(world):
    first = record(world["devolved"], decision_number="临政备〔2025〕1号")
    errors = refusal(assignment=world["devolved"], decision_number="临政备〔2025〕1号", applicant="另一家公司")
    assert list(errors) == ["__all__"] and "决定文号" in errors["__all__"][0]

    elsewhere = AssignmentFactory(item=first.item, division=world["other_town"])
    assert record(elsewhere, decision_number="临政备〔2025〕1号").division == world["other_town"]
    assert ExerciseRecord.objects.filter(decision_number="临政备〔2025〕1号").count() == 2


def test_every_broken_rule_is_reported_at_once(world):
    stranger = OfficerFactory(division=world["other_town"])
    errors = refusal(assignment=world["entrusted"], officer=stranger, received_on=D(2025, 3, 12))
    assert set(errors) == {"decided_on", "officer"}
    assert errors["officer"] == [
        "委托事项的承办人须在决定日（2025年3月10日）持有测试城管局核发的有效行政执法证。", "承办人不属于本单位。",
    ]


# --- preload ---------------------------------------------------------------------------------------------
def _verdict(rules: ExerciseRules, candidate: ExerciseRecord, today: datetime.date):
    rules.prepare(candidate)
    try:
        rules.check(candidate, today=today)
    except ValidationError as exc:
        return candidate.filing_due_on, exc.message_dict
    return candidate.filing_due_on, None


@pytest.fixture
def mixed(world, actor):
    """Records across two towns, four items and four officers, some valid, most broken in one way."""
    town, other_town = world["town"], world["other_town"]
    suspended = AssignmentFactory(item=ItemFactory(department=world["department"], status=ItemStatus.IN_FORCE,
                                                   filing_deadline="20WD"), division=town)
    services.item_suspend(item=suspended.item, actor=actor, reason="暂停", on=D(2025, 6, 2))
    services.item_resume(item=suspended.item, actor=actor, reason="恢复", on=D(2025, 7, 1))
    revoked = AssignmentFactory(item=ItemFactory(department=world["department"], status=ItemStatus.IN_FORCE,
                                                 filing_deadline="30D"), division=town)
    services.assignment_revoke(assignment=revoked, actor=actor, reason="收回", on=D(2025, 5, 1))
    AssignmentFactory(item=world["entrusted"].item, division=other_town, mode=Mode.ENTRUST)

    certified = OfficerFactory(division=town)
    EnforcementCertificateFactory(officer=certified, department=world["enforcer"], valid_until=D(2025, 6, 30))
    lapsed = OfficerFactory(division=town)
    EnforcementCertificateFactory(officer=lapsed, department=world["enforcer"], revoked_on=D(2025, 4, 1))
    wrong_department = OfficerFactory(division=town)
    EnforcementCertificateFactory(officer=wrong_department, department=world["department"])
    neighbour = OfficerFactory(division=other_town)
    EnforcementCertificateFactory(officer=neighbour, department=world["enforcer"])

    items = [world["devolved"].item, world["entrusted"].item, suspended.item, revoked.item]
    officers = [None, certified, lapsed, wrong_department, neighbour]
    days = [D(2009, 12, 31), D(2025, 3, 10), D(2025, 4, 1), D(2025, 6, 2), D(2025, 7, 1), D(2025, 9, 26)]
    candidates = []
    for n, (item, division, officer, decided) in enumerate(itertools.product(items, [town, other_town], officers, days)):
        candidates.append(ExerciseRecord(
            division=division, item=item, officer=officer, applicant="某公司", received_on=D(2009, 12, 1),
            decided_on=decided, outcome=Outcome.APPROVED, decision_number=f"测〔2025〕{n}号",
        ))
    return candidates


def test_preloaded_rules_give_the_lazy_verdicts(mixed):
    today = D(2026, 1, 5)
    lazy = [_verdict(ExerciseRules(), c, today) for c in mixed]
    shared_lazy = ExerciseRules()
    shared = [_verdict(shared_lazy, c, today) for c in mixed]
    preloaded = ExerciseRules.preload(
        item_ids={c.item_id for c in mixed}, division_ids={c.division_id for c in mixed},
        officer_ids={c.officer_id for c in mixed},
    )
    bulk = [_verdict(preloaded, c, today) for c in mixed]

    assert bulk == lazy == shared
    # The set is mixed: accepted records and every kind of refusal are in it.
    errors = [v[1] for v in lazy]
    assert sum(e is None for e in errors) >= 5
    fields = {field for e in errors if e for field in e}
    assert fields == {"item", "officer"}
    messages = {m for e in errors if e for ms in e.values() for m in ms}
    assert any("不在施行期内（暂停）" in m for m in messages)
    assert any("未承接事项" in m for m in messages)
    assert any("有效行政执法证" in m for m in messages)
    assert "承办人不属于本单位。" in messages
    assert any("不在施行期内（草稿）" in m for m in messages)  # 2009: before the batch was published
    assert {v[0] for v in lazy} >= {D(2025, 4, 10), D(2025, 10, 30)}


def test_preload_runs_a_bounded_number_of_queries_for_200_records(world, mixed, django_assert_max_num_queries,
                                                                 django_assert_num_queries):
    candidates = (mixed * 2)[:200]
    today = D(2026, 1, 5)
    # Count the calendar reads too: two per year, and 2009, 2010 and 2025 are touched here. The
    # rules themselves take five (items, assignments, status log, officers, certificates).
    deadlines.clear_cache()
    with django_assert_max_num_queries(5 + 2 * 3):
        rules = ExerciseRules.preload(
            item_ids={c.item_id for c in candidates}, division_ids={c.division_id for c in candidates},
            officer_ids={c.officer_id for c in candidates},
        )
        verdicts = [_verdict(rules, c, today) for c in candidates]
    assert len(verdicts) == 200 and any(v[1] is None for v in verdicts) and any(v[1] for v in verdicts)
    # Once loaded, checking more records costs nothing; the lazy path pays per distinct lookup.
    with django_assert_num_queries(0):
        for c in candidates:
            _verdict(rules, c, today)
    with CaptureQueriesContext(connection) as lazy:
        for c in candidates:
            _verdict(ExerciseRules(), c, today)
    assert len(lazy.captured_queries) > 200


def test_a_preloaded_checker_is_what_full_clean_uses(world):
    """An import hands one preloaded checker to every row (record._rules); full_clean uses it."""
    assignment = world["devolved"]
    rules = ExerciseRules.preload(item_ids=[assignment.item_id], division_ids=[assignment.division_id])
    good, bad = unsaved(assignment), unsaved(assignment, decided_on=D(2009, 12, 31), decision_number="测〔2025〕2号")
    for candidate in (good, bad):
        candidate._rules = rules
    good.full_clean()
    assert good.filing_due_on == D(2025, 4, 10)
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert "未承接事项" in refused.value.message_dict["item"][0]
