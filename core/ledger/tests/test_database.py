"""The database itself refuses what the services never do: UPDATE or DELETE of ledger rows,
a balance below its invariant, an amount finer than its unit."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from core.ledger.models import Balance, Entry, Posting


def run(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_entry SET amount = amount + 1 WHERE id = %s",
    "UPDATE ledger_entry SET booked_on = booked_on - 1 WHERE id = %s",
    "DELETE FROM ledger_entry WHERE id = %s",
])
def test_update_and_delete_of_entries_refused(money, grant, sql):
    entry = grant("10.00").entries.first()
    with pytest.raises(ProgrammingError, match="Cannot"):
        run(sql, [entry.pk])
    assert Entry.objects.get(pk=entry.pk).amount == entry.amount


def test_update_and_delete_of_postings_and_accounts_refused(money, grant):
    posting = grant("10.00")
    with pytest.raises(ProgrammingError):
        run("UPDATE ledger_posting SET memo = 'edited' WHERE id = %s", [posting.pk])
    with pytest.raises(ProgrammingError):
        run("DELETE FROM ledger_posting WHERE id = %s", [posting.pk])
    with pytest.raises(ProgrammingError):
        run("UPDATE ledger_account SET invariant = 'none' WHERE id = %s", [money["a"].pk])
    with pytest.raises(ProgrammingError), transaction.atomic():
        Entry.objects.filter(posting=posting).update(amount=Decimal("1"))
    assert Posting.objects.get(pk=posting.pk).memo == ""


def test_check_constraint_refuses_a_balance_below_zero(money, grant):
    grant("10.00")
    with pytest.raises(IntegrityError, match="ledger_balance_non_negative"):
        run("UPDATE ledger_balance SET posted = -0.01 WHERE account_id = %s", [money["a"].pk])
    with pytest.raises(IntegrityError, match="ledger_balance_non_negative"):
        run("UPDATE ledger_balance SET pending_debits = 10.01 WHERE account_id = %s", [money["a"].pk])
    with pytest.raises(ProgrammingError):  # and the invariant itself cannot be switched off
        run("UPDATE ledger_balance SET invariant = 'none' WHERE account_id = %s", [money["a"].pk])
    run("UPDATE ledger_balance SET posted = -5 WHERE account_id = %s", [money["county"].pk])  # no invariant
    assert Balance.objects.get(account=money["a"]).posted == Decimal("10")


def test_check_constraint_refuses_a_third_decimal_place_in_yuan(money, grant):
    entry = grant("10.00").entries.first()
    with pytest.raises(IntegrityError, match="ledger_entry_unit_scale"):
        run(
            "INSERT INTO ledger_entry (posting_id, account_id, phase, unit, amount, booked_on, seq, prev_hash, hash,"
            " created_at) VALUES (%s, %s, 'posted', 'yuan', 0.001, CURRENT_DATE, 99, '', '', now())",
            [entry.posting_id, entry.account_id],
        )


def test_a_second_link_at_the_same_place_in_a_chain_refused(money, grant):
    entry = grant("10.00").entries.first()
    with pytest.raises(IntegrityError, match="ledger_entry_account_seq"):
        run(
            "INSERT INTO ledger_entry (posting_id, account_id, phase, unit, amount, booked_on, seq, prev_hash, hash,"
            " created_at) VALUES (%s, %s, 'posted', 'yuan', 1, CURRENT_DATE, %s, '', '', now())",
            [entry.posting_id, entry.account_id, entry.seq],
        )
