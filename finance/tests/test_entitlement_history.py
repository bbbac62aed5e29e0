"""An entitlement's history without a copy of its trace: the trace is written once (the database
refuses to change it) and stays on the row, so the history events need not store it again; they
still say who wrote the row and when, and every change of status (a recompute marking it
replaced, with its reversal) is an event of its own — on the per-month path and on the bulk path."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import ProgrammingError, connection, transaction
from pghistory.models import Events

from core.history import history_table
from finance import services
from finance.choices import EntitlementStatus
from finance.models import Entitlement

from .factories import revenue

D = datetime.date


def test_the_trace_cannot_be_changed_by_the_orm_or_sql(town, arrangement):
    revenue(town, "2010-03", "land_net", "2345678.91")
    entitlement = next(e for e in services.entitlement_compute(town=town, month="2010-03") if e.amount)
    with pytest.raises(ProgrammingError), transaction.atomic():
        Entitlement.objects.filter(pk=entitlement.pk).update(trace={"amount": "0.00"})
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE finance_entitlement SET trace = jsonb_set(trace, '{amount}', '\"1.00\"') "
                       "WHERE id = %s", [entitlement.pk])
    entitlement.refresh_from_db()
    assert entitlement.trace["amount"] == str(entitlement.amount) == "2345678.91"
    # the other columns a recompute changes stay writable (with the trace rewritten as it was)
    Entitlement.objects.filter(pk=entitlement.pk).update(trace=entitlement.trace, due_provisional=True)


def test_history_attributes_the_insert_and_the_replacement_without_copying_the_trace(town, arrangement,
                                                                                     django_user_model):
    office = django_user_model.objects.create_user("office_hist", password="x-long-password")
    revenue(town, "2010-04", "land_net", "1000.00")
    first = next(e for e in services.entitlement_compute(town=town, month="2010-04", actor=office) if e.amount)
    revenue(town, "2010-04", "land_net", "500.00")
    second = next(e for e in services.entitlement_compute(town=town, month="2010-04", actor=office)
                  if e.rule_id == first.rule_id)
    first.refresh_from_db()
    assert first.status == EntitlementStatus.REPLACED and first.replaced_by == second
    events = list(Events.objects.tracks(first).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update", "update"]  # marked replaced, then linked
    assert all(e.pgh_context["user"] == office.pk for e in events)
    assert all("trace" not in e.pgh_data for e in events)
    assert Decimal(str(events[0].pgh_data["amount"])) == Decimal("1000.00")
    assert events[-1].pgh_data["status"] == EntitlementStatus.REPLACED
    # what the history tab shows: who, and the status change in words; the trace is on the page itself
    rows = history_table(first)
    assert rows[-1]["label"] == "insert" and rows[-1]["user"] == office.get_username()
    shown = {d["field"] for row in rows for d in row["display"]}
    assert "status" in shown and "reversal_posting_id" in shown and "trace" not in shown
    assert first.trace["inputs"]["revenue_by_category"]["land_net"] == "1000.00"


def test_the_bulk_path_writes_one_attributed_insert_event_per_entitlement(town, arrangement, django_user_model):
    office = django_user_model.objects.create_user("office_bulk_hist", password="x-long-password")
    for month in range(1, 13):
        revenue(town, f"2010-{month:02d}", "vat", f"{1_000_000 + month}.00")
    result = services.entitlements_compute_year(towns=[town], year=2010, actor=office)
    rows = list(Entitlement.objects.filter(town=town))
    assert result.created == len(rows) > 0
    events = Events.objects.filter(pgh_obj_model="finance.Entitlement", pgh_label="insert")
    assert events.count() == len(rows)
    assert {e.pgh_context["user"] for e in events} == {office.pk}
    assert {int(e.pgh_obj_id) for e in events} == {e.pk for e in rows}
    assert all("trace" not in e.pgh_data for e in events)
    assert all(e.trace["month"] == f"{e.month:%Y-%m}" for e in rows)
    assert D(2010, 12, 1) in {e.month for e in rows}


def test_history_tab_shows_money_names_and_the_voucher_in_words(town, arrangement, django_user_model):
    # walk finding 5: 应返金额 180000.0, 操作人 by login, 凭证 177（记账 monthly）, a trace dumped raw
    from core.history import _describe_value

    clerk = django_user_model.objects.create_user("clerk_hist", password="x-long-password",
                                                  first_name="林小溪")
    revenue(town, "2010-04", "land_net", "1234567.8")
    entitlement = next(e for e in services.entitlement_compute(town=town, month="2010-04", actor=clerk)
                       if e.amount)
    rows = history_table(entitlement)
    insert = rows[-1]
    assert insert["user"] == "林小溪"
    shown = {d["field"]: d["after"] for d in insert["display"]}
    assert shown["amount"] == f"{entitlement.amount:,}" and "," in shown["amount"]
    assert shown["posting_id"].startswith("凭证 ") and "monthly" not in shown["posting_id"]
    amount_field = Entitlement._meta.get_field("amount")
    assert _describe_value(amount_field, 180000.0, {}) == "180,000.00"
    assert _describe_value(amount_field, "8000000", {}) == "8,000,000.00"
    assert _describe_value(Entitlement._meta.get_field("trace"), {"kind": "monthly"}, {}) == "（计算明细，见详情）"
    # the API's rows keep the login
    from core.history import history_for

    assert history_for(entitlement)[-1]["user"] == "clerk_hist"
