"""Bulk writes: ``accounts_open_bulk`` and ``postings_create_bulk`` leave exactly the rows the
one-by-one services leave (postings, entries in chain order, balances), refuse what they refuse
and write nothing then, and take the same number of queries for 5 postings as for 60."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError, ConflictError
from core.ledger import chain
from core.ledger.models import Account, Balance, Entry, Posting
from core.ledger.services import (
    account_open,
    accounts_open_bulk,
    period_close,
    posting_create,
    posting_reverse,
    postings_create_bulk,
)

from .conftest import balance


def ledger_state() -> dict:
    keys = {p.pk: p.idempotency_key for p in Posting.objects.all()}
    return {
        "postings": sorted((p.idempotency_key, p.kind, p.type, p.booked_on, p.memo.split("：")[-1],
                            keys.get(p.reverses_id), p.actor_id) for p in Posting.objects.all()),
        "chains": {(a.owner_id, a.code): list(Entry.objects.filter(account=a).order_by("seq").values_list(
            "seq", "posting__idempotency_key", "phase", "amount", "booked_on")) for a in Account.objects.all()},
        "balances": sorted(Balance.objects.values_list("account_id", "posted", "pending_debits", "last_seq")),
    }


def items(money, n: int, start: int = 0) -> list[dict]:
    """n postings county → a or b, alternating, with amounts that differ."""
    day = datetime.date(2025, 3, 5)
    return [{"kind": "grant", "idempotency_key": f"k{i}", "booked_on": day, "memo": f"第{i}笔",
             "legs": [(money["county"], -Decimal(f"{100 + i}.25")), (money["a" if i % 2 else "b"], Decimal(f"{100 + i}.25"))]}
            for i in range(start, start + n)]


def test_bulk_writes_what_one_by_one_writes(money, django_user_model):
    actor = django_user_model.objects.create_user("clerk_bulk", password="x-long-password")
    first = posting_create(ledger="t_money", kind="grant", idempotency_key="k-old",
                           legs=[(money["county"], Decimal("-7.00")), (money["a"], Decimal("7.00"))])
    batch = items(money, 6)
    with transaction.atomic():
        start = transaction.savepoint()
        for item in batch[:3]:
            posting_create(ledger="t_money", actor=actor, **item)
        posting_reverse(posting=first, reason="录错", actor=actor)
        for item in batch[3:]:
            posting_create(ledger="t_money", actor=actor, **item)
        one_by_one = ledger_state()
        transaction.savepoint_rollback(start)
        written = postings_create_bulk(ledger="t_money", actor=actor,
                                       items=[*batch[:3], {"reverses": first, "reason": "录错"}, *batch[3:]])
        bulk = ledger_state()
    assert one_by_one == bulk
    assert [p.idempotency_key for p in written] == ["k0", "k1", "k2", "k-old:reverse", "k3", "k4", "k5"]
    assert written[3].reverses_id == first.pk and written[3].booked_on == datetime.date.today()
    assert chain.verify().ok
    # a retry returns the same postings and writes nothing
    again = postings_create_bulk(ledger="t_money", items=[*batch[:3], {"reverses": first, "reason": "录错"}, *batch[3:]])
    assert [p.pk for p in again] == [p.pk for p in written]
    assert Posting.objects.count() == 8


def test_a_refused_item_writes_nothing(money, grant):
    grant("10.00", to="a")
    before = ledger_state()
    overdraw = {"kind": "spend", "idempotency_key": "too-much", "booked_on": datetime.date(2025, 3, 6),
                "legs": [(money["a"], Decimal("-500.00")), (money["county"], Decimal("500.00"))]}
    with pytest.raises(ApplicationError) as exc:
        postings_create_bulk(ledger="t_money", items=[*items(money, 2), overdraw])
    assert exc.value.code == "ledger_insufficient" and "可用余额不足" in exc.value.message
    assert ledger_state() == before
    # the posting before it in the batch counts: 10.00 + 101.25 into a make a spend of 111.25 possible
    ok = {**overdraw, "legs": [(money["a"], Decimal("-111.25")), (money["county"], Decimal("111.25"))]}
    postings_create_bulk(ledger="t_money", items=[*items(money, 2), ok])
    assert balance(money["a"]).posted == Decimal("0.00")


@pytest.mark.parametrize(("bad", "code"), [
    ({"legs": "unbalanced"}, "ledger_unbalanced"),
    ({"booked_on": datetime.date(2199, 1, 1)}, "ledger_future_date"),
    ({"kind": "nonsense"}, "ledger_unknown_posting_kind"),
    ({"idempotency_key": "k0"}, "ledger_idempotency_conflict"),
])
def test_refusals_of_posting_create_hold(money, bad, code):
    batch = items(money, 2)
    if bad.get("legs") == "unbalanced":
        bad = {"legs": [(money["county"], Decimal("-1.00")), (money["a"], Decimal("0.99"))]}
    batch[1] = {**batch[1], **bad}
    with pytest.raises((ApplicationError, ConflictError)) as exc:
        postings_create_bulk(ledger="t_money", items=batch)
    assert exc.value.code == code
    assert not Posting.objects.exists()


def test_closed_period_refused(money, places):
    period_close(ledger="t_money", owner=places["a"], month=datetime.date(2025, 3, 1))
    with pytest.raises(ApplicationError) as exc:
        postings_create_bulk(ledger="t_money", items=items(money, 3))
    assert exc.value.code == "ledger_period_closed" and not Posting.objects.exists()


def test_a_posting_reversed_already_is_refused(money, grant):
    done = grant("5.00")
    posting_reverse(posting=done, reason="一次", idempotency_key="mine")
    with pytest.raises(ConflictError) as exc:
        postings_create_bulk(ledger="t_money", items=[{"reverses": done, "reason": "两次"}])
    assert exc.value.code == "ledger_already_reversed"


def test_queries_do_not_grow_with_the_postings(money):
    counts = []
    for n, start in ((5, 0), (60, 100)):
        with CaptureQueriesContext(connection) as queries:
            postings_create_bulk(ledger="t_money", items=items(money, n, start))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts
    assert Entry.objects.count() == 130 and chain.verify().ok


def test_accounts_open_bulk_opens_the_missing_ones_only(places):
    existing = account_open(ledger="t_money", kind="fund", owner=places["a"], code="fund", name="临溪镇资金")
    opened = accounts_open_bulk(ledger="t_money", accounts=[
        {"kind": "fund", "owner": places["a"], "code": "fund", "name": "临溪镇资金"},
        {"kind": "fund", "owner": places["b"], "code": "fund", "name": "华阳镇资金"},
        {"kind": "source", "owner": places["county"], "code": "county", "name": "县财政"},
        {"kind": "fund", "owner": places["b"], "code": "fund", "name": "华阳镇资金"},
    ])
    assert opened[(places["a"].pk, "fund")] == existing
    assert len(opened) == 3 and Account.objects.count() == 3 and Balance.objects.count() == 3
    assert opened[(places["county"].pk, "county")].invariant == "none"
    with pytest.raises(ConflictError):
        accounts_open_bulk(ledger="t_money", accounts=[
            {"kind": "source", "owner": places["a"], "code": "fund", "name": "x"}])
