"""Disbursements (调拨) cover several entitlements, partially; what is not transferred within one
quarter of its month (the arrangement's limit, counted by core.deadlines) is overdue; the
reconciliation per town says owed, paid, outstanding and overdue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from core.errors import ApplicationError, ConflictError
from core.ledger.models import Account, Balance
from finance import selectors, services
from finance.models import Disbursement, DisbursementLine
from regions.tests.factories import TownFactory

from .factories import linxi_arrangement, revenue

D = datetime.date


def posted(town, code) -> Decimal:
    return Balance.objects.get(account=Account.objects.get(ledger="finance", owner=town, code=code)).posted


@pytest.fixture
def owed(town, arrangement):
    revenue(town, "2010-01", "land_net", "1000000.00", body="县国土资源局")
    revenue(town, "2010-01", "infrastructure_fee", "200000.00", body="县建委")
    revenue(town, "2010-02", "infrastructure_fee", "100000.00", body="县建委")
    jan = {e.rule.name: e for e in services.entitlement_compute(town=town, month="2010-01")}
    feb = {e.rule.name: e for e in services.entitlement_compute(town=town, month="2010-02")}
    return {"land": jan["土地出让净收益全额返还"], "fees": jan["规费地方留成全部留用"], "feb_fees": feb["规费地方留成全部留用"]}


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root_fin", password="x-long-password")


def test_due_one_quarter_after_the_month(owed):
    # counted as DOMAIN.md §0 from the month's last day: the corresponding day three months on
    assert owed["land"].due_on == D(2010, 4, 30)  # 31 January → 30 April (April has no 31st)
    assert owed["feb_fees"].due_on == D(2010, 5, 28)  # 28 February → 28 May (a Friday)
    assert owed["land"].trace["rule"]["earmark"] == "industrial_zone"


def test_one_disbursement_covers_several_entitlements_partially(town, owed, superuser):
    d = services.disbursement_create(town=town, paid_on=D(2010, 2, 20), document_number="绩财拨〔2010〕7号",
                                     lines=[(owed["land"], "600000.00"), (owed["fees"], "200000.00")])
    assert d.amount == Decimal("800000.00") and d.lines.count() == 2
    assert posted(town, "owed:industrial_zone") == Decimal("400000.00")
    assert posted(town, "received:industrial_zone") == Decimal("600000.00")
    assert posted(town, "owed") == Decimal("100000.00") and posted(town, "received") == Decimal("200000.00")
    assert d.posting.booked_on == D(2010, 2, 20)

    overdue = list(selectors.entitlement_overdue_list(today=D(2010, 5, 5)))
    assert [(e.pk, e.outstanding) for e in overdue] == [(owed["land"].pk, Decimal("400000.00"))]
    later = {e.pk: e.outstanding for e in selectors.entitlement_overdue_list(today=D(2010, 6, 1))}
    assert later == {owed["land"].pk: Decimal("400000.00"), owed["feb_fees"].pk: Decimal("100000.00")}
    assert selectors.overdue_for_agenda(today=D(2010, 6, 1)) == [
        {"town": town, "count": 2, "outstanding": Decimal("500000.00"), "oldest_due": D(2010, 4, 30)}]

    (row,) = selectors.reconciliation(user=superuser, start=D(2010, 1, 1), end=D(2010, 2, 1), today=D(2010, 5, 5))
    assert (row.owed, row.paid, row.outstanding, row.overdue) == (
        Decimal("1300000.00"), Decimal("800000.00"), Decimal("500000.00"), Decimal("400000.00"))

    # paid in full: no longer overdue
    services.disbursement_create(town=town, paid_on=D(2010, 5, 6), document_number="绩财拨〔2010〕19号",
                                 lines=[(owed["land"], "400000.00")])
    assert [e.pk for e in selectors.entitlement_overdue_list(today=D(2010, 6, 1))] == [owed["feb_fees"].pk]


def test_more_than_outstanding_is_refused_and_nothing_written(town, owed):
    services.disbursement_create(town=town, paid_on=D(2010, 2, 20), document_number="A-1",
                                 lines=[(owed["land"], "600000.00")])
    for lines in ([(owed["land"], "400000.01")], [(owed["land"], "300000.00"), (owed["land"], "100000.01")],
                  [(owed["fees"], "-1.00")], [(owed["fees"], "1.001")]):
        with pytest.raises(ApplicationError) as exc, transaction.atomic():
            services.disbursement_create(town=town, paid_on=D(2010, 2, 21), document_number="A-2", lines=lines)
        assert exc.value.message and "lines" in exc.value.extra or "amount" in exc.value.extra
    assert Disbursement.objects.count() == 1 and DisbursementLine.objects.count() == 1
    assert posted(town, "owed:industrial_zone") == Decimal("400000.00")
    with pytest.raises(ConflictError):
        services.disbursement_create(town=town, paid_on=D(2010, 2, 22), document_number="A-1",
                                     lines=[(owed["fees"], "1.00")])


def test_another_towns_entitlement_is_refused(town, owed, categories):
    other = TownFactory(parent=town.parent)
    linxi_arrangement(other)
    with pytest.raises(ApplicationError) as exc:
        services.disbursement_create(town=other, paid_on=D(2010, 2, 20), document_number="B-1",
                                     lines=[(owed["land"], "1.00")])
    assert exc.value.code == "wrong_town"


def test_recompute_keeps_what_was_paid(town, owed):
    services.disbursement_create(town=town, paid_on=D(2010, 2, 20), document_number="C-1",
                                 lines=[(owed["land"], "600000.00")])
    revenue(town, "2010-01", "land_net", "100000.00", body="县国土资源局")
    land = next(e for e in services.entitlement_compute(town=town, month="2010-01") if e.earmark)
    assert land.amount == Decimal("1100000.00")
    assert selectors.paid_on_slot(land) == Decimal("600000.00")
    assert posted(town, "owed:industrial_zone") == Decimal("500000.00")
    (overdue,) = [e for e in selectors.entitlement_overdue_list(today=D(2010, 5, 5)) if e.earmark]
    assert overdue.pk == land.pk and overdue.outstanding == Decimal("500000.00")


def test_overdue_entitlement_is_a_notice_once(owed, town, django_user_model):
    from core.notifications.models import Notification
    from core.notifications.services import notifications_run_daily
    from regions.models import Membership

    clerk = django_user_model.objects.create_user("clerk_fin", password="x-long-password")
    Membership.objects.create(user=clerk, division=town, role="clerk")
    assert notifications_run_daily(day=D(2010, 4, 30))["finance"] == 0  # due that day: not yet overdue
    assert notifications_run_daily(day=D(2010, 5, 3))["finance"] == 2  # the land and the fees of January
    assert notifications_run_daily(day=D(2010, 5, 4))["finance"] == 0
    assert set(Notification.objects.filter(addressee=clerk).values_list("subject_key", flat=True)) == {
        f"finance.entitlement:{owed['land'].pk}", f"finance.entitlement:{owed['fees'].pk}"}
