"""The hash chain: a raw-SQL change to an entry's amount, date or account (triggers bypassed, as
a database administrator could) is reported by ``ledger_verify`` with the first bad entry; also
through the API and on the badge."""

import hashlib
from decimal import Decimal

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template

from core.ledger.chain import canonical, verify
from core.ledger.models import GENESIS_HASH, Entry, VerificationRun

from .conftest import add_member


@pytest.fixture
def history(money, grant):
    for amount in ["10.00", "0.10", "0.20", "5.55"]:
        grant(amount)
    grant("3.00", to="b")
    return list(Entry.objects.filter(account=money["a"]).order_by("seq"))


def tamper(sql, params):
    with pgtrigger.ignore("ledger.Entry:protect_updates"), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_hash_covers_content_and_predecessor(history):
    first, second = history[0], history[1]
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    line = canonical(account_id=first.account_id, seq=1, posting_id=first.posting_id, phase="posted",
                     amount=Decimal("10"), booked_on=first.booked_on, prev_hash=GENESIS_HASH)
    assert line.decode() == f"v1|{first.account_id}|1|{first.posting_id}|posted|10.0000|{first.booked_on}|{'0' * 64}"
    assert hashlib.sha256(line).hexdigest() == first.hash


def test_an_untouched_ledger_verifies(history, capsys):
    call_command("ledger_verify")
    assert "OK" in capsys.readouterr().out
    run = VerificationRun.objects.get()
    assert run.ok and run.entries_checked == 10


@pytest.mark.parametrize("change", [
    "UPDATE ledger_entry SET amount = amount + 0.01 WHERE id = %s",
    "UPDATE ledger_entry SET booked_on = booked_on - 40 WHERE id = %s",
])
def test_changed_amount_or_date_reported_with_the_first_bad_entry(history, change):
    bad = history[1]
    tamper(change, [bad.pk])
    with pytest.raises(CommandError) as exc:
        call_command("ledger_verify")
    assert f"entry {bad.pk} " in str(exc.value)
    run = VerificationRun.objects.get()
    assert not run.ok and run.first_bad_entry_id == bad.pk and run.first_bad_account_id == bad.account_id


def test_an_entry_moved_to_another_account_is_reported(money, history):
    moved = history[1]
    tamper("UPDATE ledger_entry SET account_id = %s, seq = 2 WHERE id = %s", [money["b"].pk, moved.pk])
    with pytest.raises(CommandError) as exc:
        call_command("ledger_verify")
    assert f"entry {moved.pk} " in str(exc.value)
    result = verify()
    assert result.first.entry_id == moved.pk
    # Its old account's chain now has a gap after entry 1.
    assert {p.account_id for p in result.problems} == {money["a"].pk, money["b"].pk}


def test_an_entry_removed_is_reported(money, history):
    with pgtrigger.ignore("ledger.Entry:protect_deletes"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [history[-1].pk])
    result = verify(accounts=[money["a"].pk])
    assert not result.ok and "缺失" in result.first.reason


def test_api_reports_the_first_bad_entry_and_is_scoped(money, history, places, api_for, django_user_model):
    auditor = django_user_model.objects.create_user("auditor_a", password="x-long-password")
    add_member(auditor, places["a"], "auditor")
    api = api_for(auditor)
    ok = api.get("/api/v1/ledger/verify/", {"ledger": "t_money"}).json()
    assert ok["ok"] is True and ok["accounts"] == 1 and ok["entries"] == 4
    tamper("UPDATE ledger_entry SET amount = 999 WHERE id = %s", [history[2].pk])
    body = api.get("/api/v1/ledger/verify/", {"ledger": "t_money"}).json()
    assert body["ok"] is False and body["first_bad"]["entry"] == history[2].pk
    assert api.get("/api/v1/ledger/verify/", {"account": "x"}).status_code == 400


def test_badge_shows_the_latest_run(history):
    template = Template("{% load ledger %}{% ledger_badge %}")
    assert "尚未校验" in template.render(Context())
    call_command("ledger_verify")
    assert 'data-ok="true"' in template.render(Context())
    tamper("UPDATE ledger_entry SET amount = 1 WHERE id = %s", [history[3].pk])
    with pytest.raises(CommandError):
        call_command("ledger_verify")
    html = template.render(Context())
    assert 'data-ok="false"' in html and str(history[3].pk) in html


def test_badge_of_one_ledger_after_the_nightly_job_and_after_a_run_over_all(history):
    """The nightly job records a run per ledger, so a ledger's badge is known; a passing run over
    every ledger also vouches for one ledger, a failing one (maybe another ledger) does not."""
    from core.ledger.tasks import verify_ledgers_task

    one = Template('{% load ledger %}{% ledger_badge ledger="t_money" %}')
    assert "尚未校验" in one.render(Context())
    call_command("ledger_verify")
    assert 'data-ok="true"' in one.render(Context())
    tamper("UPDATE ledger_entry SET amount = 1 WHERE id = %s", [history[3].pk])
    verify_ledgers_task()
    assert VerificationRun.objects.filter(ledger="t_money", ok=False).exists()
    html = one.render(Context())
    assert 'data-ok="false"' in html and str(history[3].pk) in html

