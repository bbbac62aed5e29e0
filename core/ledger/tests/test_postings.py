"""Postings: balanced legs, exact decimals, units, idempotency, invariants, linked postings."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.ledger.models import Entry, Posting
from core.ledger.services import Leg, account_open, posting_create, postings_create_linked

from .conftest import balance


def counts():
    return Posting.objects.count(), Entry.objects.count()


def test_unbalanced_posting_refused_and_nothing_written(money):
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="grant", idempotency_key="k1",
                       legs=[(money["county"], Decimal("-100.00")), (money["a"], Decimal("99.99"))])
    assert exc.value.code == "ledger_unbalanced"
    assert "-0.01" in exc.value.message
    assert counts() == (0, 0)
    assert balance(money["a"]).posted == 0


def test_single_leg_refused(money):
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="grant", idempotency_key="k1", legs=[(money["a"], Decimal("5"))])
    assert exc.value.code == "ledger_unbalanced"


def test_three_legs_that_balance_are_one_posting(money):
    p = posting_create(ledger="t_money", kind="grant", idempotency_key="k3", legs=[
        Leg(money["county"], Decimal("-30.00")), Leg(money["a"], Decimal("10.00")), Leg(money["b"], "20.00")])
    assert p.entries.count() == 3
    assert balance(money["b"]).posted == Decimal("20")
    assert p.booked_on and p.created_at


def test_floats_and_too_many_places_refused(money, places):
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="grant", idempotency_key="f", legs=[(money["county"], -0.1), (money["a"], 0.1)])
    assert exc.value.code == "ledger_float_amount"
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="grant", idempotency_key="s",
                       legs=[(money["county"], Decimal("-0.001")), (money["a"], Decimal("0.001"))])
    assert exc.value.code == "ledger_bad_scale"
    pool = account_open(ledger="t_posts", kind="pool", owner=places["county"], code="pool", name="编制池")
    town = account_open(ledger="t_posts", kind="establishment", owner=places["a"], code="admin", name="行政编制")
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_posts", kind="x", idempotency_key="p", legs=[(pool, Decimal("-1.5")), (town, Decimal("1.5"))])
    assert exc.value.code == "ledger_bad_scale"
    posting_create(ledger="t_posts", kind="x", idempotency_key="p", legs=[(pool, -3), (town, 3)])
    assert balance(town).posted == 3
    assert counts() == (1, 2)


def test_mu_keeps_four_places(places):
    province = account_open(ledger="t_land", kind="province", owner=places["county"], code="p", name="省下达")
    quota = account_open(ledger="t_land", kind="quota", owner=places["a"], code="q", name="临溪镇指标")
    posting_create(ledger="t_land", kind="allocate", idempotency_key="m",
                   legs=[(province, Decimal("-12.3456")), (quota, Decimal("12.3456"))])
    assert balance(quota).posted == Decimal("12.3456")
    with pytest.raises(ApplicationError):
        posting_create(ledger="t_land", kind="allocate", idempotency_key="m2",
                       legs=[(province, Decimal("-0.00001")), (quota, Decimal("0.00001"))])


def test_decimal_end_to_end_point_one_plus_point_two(money, grant):
    """Ten grants of 0.1 and ten of 0.2: exactly 3.00, where binary floats give 3.0000000000000004."""
    assert sum([0.1] * 10 + [0.2] * 10) != 3.0
    for _ in range(10):
        grant("0.1")
        grant("0.2")
    b = balance(money["a"])
    assert b.posted == Decimal("3.00") and isinstance(b.posted, Decimal)
    assert sum(Entry.objects.filter(account=money["a"]).values_list("amount", flat=True)) == Decimal("3")
    assert balance(money["county"]).posted == Decimal("-3")
    from core.ledger.selectors import account_statement

    today = timezone.localdate()
    statement = account_statement(account=money["a"], start=today.replace(day=1), end=today)
    assert statement.closing == Decimal("3.00") and str(statement.closing) == "3.00"
    assert statement.lines[1].balance == Decimal("0.30") and str(statement.lines[1].balance) == "0.30"
    assert statement.credits == Decimal("3.00") and len(statement.lines) == 20


def test_same_idempotency_key_returns_the_first_and_writes_nothing(money, grant, django_assert_max_num_queries):
    first = grant("50.00", key="rebate:2026-11")
    before = counts()
    second = grant("50.00", key="rebate:2026-11")
    assert second.pk == first.pk
    assert counts() == before
    assert balance(money["a"]).posted == Decimal("50")


def test_same_key_with_different_legs_is_a_conflict(money, grant):
    grant("50.00", key="k")
    with pytest.raises(ConflictError) as exc:
        grant("60.00", key="k")
    assert exc.value.code == "ledger_idempotency_conflict"
    assert balance(money["a"]).posted == Decimal("50")


def test_overdraw_refused_with_the_available_amount(money, grant):
    grant("50.00")
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="spend", idempotency_key="s",
                       legs=[(money["a"], Decimal("-50.01")), (money["county"], Decimal("50.01"))])
    assert exc.value.code == "ledger_insufficient"
    assert "50.00元" in exc.value.message
    assert balance(money["a"]).posted == Decimal("50")
    posting_create(ledger="t_money", kind="spend", idempotency_key="s2",
                   legs=[(money["a"], Decimal("-50.00")), (money["county"], Decimal("50.00"))])
    assert balance(money["a"]).posted == 0


def test_non_positive_account_cannot_receive(money, places):
    giver = account_open(ledger="t_money", kind="giver", owner=places["county"], code="giver", name="上级下达")
    posting_create(ledger="t_money", kind="grant", idempotency_key="g", legs=[(giver, Decimal("-5")), (money["a"], Decimal("5"))])
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="grant", idempotency_key="g2",
                       legs=[(giver, Decimal("6")), (money["county"], Decimal("-6"))])
    assert exc.value.code == "ledger_non_positive"


def test_undeclared_posting_kind_and_foreign_account_refused(money, places):
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="bribe", idempotency_key="x",
                       legs=[(money["county"], Decimal("-1")), (money["a"], Decimal("1"))])
    assert exc.value.code == "ledger_unknown_posting_kind"
    quota = account_open(ledger="t_land", kind="quota", owner=places["a"], code="q", name="指标")
    with pytest.raises(ApplicationError) as exc:
        posting_create(ledger="t_money", kind="grant", idempotency_key="y",
                       legs=[(money["county"], Decimal("-1")), (quota, Decimal("1"))])
    assert exc.value.code == "ledger_wrong_ledger"


def test_linked_postings_succeed_or_fail_together(money, grant):
    grant("10.00", to="a")
    items = [
        {"ledger": "t_money", "kind": "grant", "idempotency_key": "l1",
         "legs": [(money["county"], Decimal("-5")), (money["b"], Decimal("5"))]},
        {"ledger": "t_money", "kind": "spend", "idempotency_key": "l2",
         "legs": [(money["a"], Decimal("-11")), (money["county"], Decimal("11"))]},  # overdraws
    ]
    before = counts()
    with pytest.raises(ApplicationError):
        postings_create_linked(items=items)
    assert counts() == before
    assert balance(money["b"]).posted == 0
    items[1]["legs"] = [(money["a"], Decimal("-10")), (money["county"], Decimal("10"))]
    assert len(postings_create_linked(items=items)) == 2
    assert balance(money["b"]).posted == 5 and balance(money["a"]).posted == 0


def test_actor_and_time_on_every_posting(money, grant, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="x-long-password")
    p = grant("1.00", actor=user)
    assert p.actor == user and p.created_at is not None
