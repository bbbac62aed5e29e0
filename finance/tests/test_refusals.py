"""Bad input gets a clear Chinese error on its field and writes nothing (issue 11, done-when):
a negative revenue that is not a reversal, three decimals, text in an amount, a month in a
closed period, a category the arrangement does not know; facts are never edited or deleted,
corrections are reversals; a raw-SQL change to a ledger entry is reported by ledger_verify."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import ProtectedError
from pghistory.models import Events

from core.errors import ApplicationError, ConflictError
from core.ledger.models import Entry, Posting
from core.ledger.services import period_close
from finance import services
from finance.models import Entitlement, RevenueRecord

from .factories import revenue

D = datetime.date


def refused(call, code: str, field: str, words: str):
    with pytest.raises(ApplicationError) as exc:
        with transaction.atomic():
            call()
    assert exc.value.code == code, exc.value.message
    assert words in exc.value.message
    assert exc.value.extra[field] == [exc.value.message]
    return exc.value


@pytest.mark.parametrize(("amount", "code", "words"), [
    ("-100.00", "revenue_not_positive", "冲销原记录"),
    ("0", "revenue_not_positive", "须大于零"),
    ("100.005", "too_many_decimals", "最多2位小数"),
    ("12,345.678", "too_many_decimals", "最多2位小数"),
    ("一百万", "not_a_number", "不是数字"),
    ("12abc", "not_a_number", "不是数字"),
    ("NaN", "not_a_number", "不是数字"),
    (1234.5, "float_amount", "不能是浮点数"),
    ("", "required", "请填写金额"),
])
def test_bad_amount_refused_and_nothing_written(town, arrangement, amount, code, words):
    refused(lambda: revenue(town, "2010-03", "vat", amount), code, "amount", words)
    assert not RevenueRecord.objects.exists()


def test_amount_with_thousands_separator_and_two_decimals_is_read(town, arrangement):
    assert revenue(town, "2010-03", "vat", "1,234,567.80").amount == Decimal("1234567.80")


def test_category_the_arrangement_does_not_know_is_refused(town, arrangement):
    error = refused(lambda: revenue(town, "2010-03", "deed_tax", "100.00"), "category_not_in_arrangement",
                    "category", "没有“契税”这一收入科目")
    assert "临溪镇财政体制（2009—2013）" in error.message
    assert not RevenueRecord.objects.exists()


def test_month_without_arrangement_is_refused(town, arrangement):
    refused(lambda: revenue(town, "2008-12", "vat", "100.00"), "no_arrangement", "month", "没有施行中的财政体制")


def test_future_month_is_refused(town, arrangement):
    refused(lambda: revenue(town, "2199-01", "vat", "100.00"), "future_month", "month", "尚未到来")


def test_month_in_a_closed_period_is_refused(town, arrangement):
    record = revenue(town, "2010-03", "vat", "100.00")
    period_close(ledger="finance", owner=town, month=D(2010, 3, 1))
    refused(lambda: revenue(town, "2010-03", "vat", "100.00"), "period_closed", "month", "2010年03月已结账")
    refused(lambda: services.revenue_record_reverse(record=record, reason="录错"), "period_closed", "month", "已结账")
    assert RevenueRecord.objects.count() == 1
    # the county closing its own month closes it for its towns as well
    period_close(ledger="finance", owner=town.parent, month=D(2010, 4, 1))
    refused(lambda: revenue(town, "2010-04", "vat", "100.00"), "period_closed", "month", "已结账")


def test_correction_is_a_reversal(town, arrangement):
    record = revenue(town, "2010-03", "vat", "1000.00")
    reversal = services.revenue_record_reverse(record=record, reason="征收机关填报有误")
    assert reversal.amount == Decimal("-1000.00") and reversal.reverses == record and reversal.month == record.month
    assert reversal.reason == "征收机关填报有误"
    with pytest.raises(ConflictError):
        services.revenue_record_reverse(record=record, reason="再来一次")
    with pytest.raises(ConflictError):
        services.revenue_record_reverse(record=reversal, reason="冲销冲销")
    with pytest.raises(ApplicationError) as exc:
        services.revenue_record_reverse(record=revenue(town, "2010-03", "vat", "5.00"), reason="  ")
    assert exc.value.code == "reason_required"
    land = revenue(town, "2010-03", "land_net", "800.00")
    services.revenue_record_reverse(record=land, reason="重复登记")
    rows = {e.rule.name: e for e in services.entitlement_compute(town=town, month="2010-03")}
    assert rows["土地出让净收益全额返还"].amount == Decimal("0.00")
    assert rows["土地出让净收益全额返还"].trace["inputs"] == {"revenue_by_category": {"land_net": "0.00"}}


@pytest.mark.parametrize("sql", [
    "UPDATE finance_revenuerecord SET amount = 1 WHERE id = %s",
    "DELETE FROM finance_revenuerecord WHERE id = %s",
])
def test_revenue_records_refuse_update_and_delete_in_the_database(town, arrangement, sql):
    record = revenue(town, "2010-03", "vat", "1000.00")
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [record.pk])
    with pytest.raises(ProgrammingError), transaction.atomic():
        RevenueRecord.objects.filter(pk=record.pk).update(amount=Decimal("2.00"))


def test_a_negative_record_that_is_no_reversal_is_refused_by_the_database(town, arrangement, categories):
    with pytest.raises(IntegrityError), transaction.atomic():
        RevenueRecord.objects.create(town=town, month=D(2010, 3, 1), category=categories["vat"],
                                     collecting_body="x", amount=Decimal("-5.00"))


def test_the_history_names_who_recorded(town, arrangement, django_user_model):
    clerk = django_user_model.objects.create_user("clerk_x", password="x-long-password")
    record = revenue(town, "2010-03", "vat", "1000.00", actor=clerk)
    assert record.created_by == clerk
    (event,) = Events.objects.tracks(record).all()
    assert event.pgh_context["user"] == clerk.pk


def test_raw_sql_change_to_an_entitlement_entry_is_reported_by_ledger_verify(town, arrangement, capsys):
    revenue(town, "2010-03", "land_net", "2345678.91")
    services.entitlement_compute(town=town, month="2010-03")
    call_command("ledger_verify", "--ledger", "finance")
    assert "OK" in capsys.readouterr().out
    entry = Entry.objects.filter(account__owner=town, account__code="owed:industrial_zone").get()
    with pgtrigger.ignore("ledger.Entry:protect_updates"), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_entry SET amount = amount + 0.01 WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError) as exc:
        call_command("ledger_verify", "--ledger", "finance")
    assert f"entry {entry.pk} " in str(exc.value)


def test_ledger_rows_of_finance_refuse_orm_edits(town, arrangement):
    revenue(town, "2010-03", "land_net", "100.00")
    (e, *_rest) = [x for x in services.entitlement_compute(town=town, month="2010-03") if x.posting_id]
    with pytest.raises(ProgrammingError), transaction.atomic():
        Entry.objects.filter(posting=e.posting).update(amount=Decimal("1"))
    with pytest.raises((ProgrammingError, ProtectedError)), transaction.atomic():
        Posting.objects.filter(pk=e.posting_id).delete()
    with pytest.raises(ProgrammingError), transaction.atomic():
        Posting.objects.filter(pk=e.posting_id)._raw_delete(connection.alias)
    with pytest.raises(ProgrammingError), transaction.atomic():
        Entitlement.objects.filter(pk=e.pk).delete()
