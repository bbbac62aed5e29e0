"""Closed periods refuse postings; a correction is a reversal booked in the current open period."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.ledger.models import Entry, Posting
from core.ledger.services import period_close, posting_reverse

from .conftest import add_member, balance


def last_month():
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def test_closed_period_refuses_postings_and_the_reversal_lands_in_the_open_one(money, places, grant):
    late_in_last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=2)
    original = grant("80.00", booked_on=late_in_last_month)
    period_close(ledger="t_money", owner=places["a"], month=last_month())
    with pytest.raises(ApplicationError) as exc:
        grant("1.00", booked_on=late_in_last_month)
    assert exc.value.code == "ledger_period_closed"
    # Another town's month is still open.
    grant("1.00", to="b", booked_on=late_in_last_month)

    reversal = posting_reverse(posting=original, reason="金额录错")
    assert reversal.reverses == original
    assert reversal.booked_on == timezone.localdate()
    assert sorted(reversal.entries.values_list("amount", flat=True)) == [Decimal("-80"), Decimal("80")]
    assert balance(money["a"]).posted == 0
    corrected = grant("8.00")
    assert corrected.booked_on.month == timezone.localdate().month
    assert balance(money["a"]).posted == Decimal("8")
    # The original is untouched.
    assert Entry.objects.filter(posting=original).count() == 2
    with pytest.raises(ConflictError) as exc:
        posting_reverse(posting=original, reason="again", idempotency_key="other")
    assert exc.value.code == "ledger_already_reversed"
    assert posting_reverse(posting=original, reason="again").pk == reversal.pk  # a retry


def test_a_reversal_that_would_overdraw_is_refused(money, grant):
    deposit = grant("50.00")
    from core.ledger.services import posting_create

    posting_create(ledger="t_money", kind="spend", idempotency_key="spend",
                   legs=[(money["a"], Decimal("-40")), (money["county"], Decimal("40"))])
    with pytest.raises(ApplicationError) as exc:
        posting_reverse(posting=deposit, reason="撤回拨付")
    assert exc.value.code == "ledger_insufficient"
    assert Posting.objects.filter(reverses=deposit).count() == 0


def test_a_month_that_has_not_ended_cannot_be_closed(places):
    with pytest.raises(ApplicationError) as exc:
        period_close(ledger="t_money", owner=places["a"], month=timezone.localdate())
    assert exc.value.code == "ledger_period_not_ended"


def test_a_reversal_needs_a_reason(money, grant):
    with pytest.raises(ApplicationError):
        posting_reverse(posting=grant("1.00"), reason=" ")


def test_the_office_closes_a_month_through_the_api(money, places, grant, api_for, django_user_model):
    def member(name, division, role):
        user = django_user_model.objects.create_user(name, password="x-long-password")
        add_member(user, division, role)
        return api_for(user)

    office, clerk = member("office_c", places["county"], "office"), member("clerk_b", places["b"], "clerk")
    body = {"ledger": "t_money", "owner": places["a"].pk, "month": last_month().isoformat()[:7]}
    assert clerk.post("/api/v1/ledger/periods/close/", body, format="json").status_code == 404  # town A: not hers
    own = {**body, "owner": places["b"].pk}
    assert clerk.post("/api/v1/ledger/periods/close/", own, format="json").status_code == 403
    response = office.post("/api/v1/ledger/periods/close/", body, format="json")
    assert response.status_code == 201 and response.json()["closed_by"] == "office_c"
    with pytest.raises(ApplicationError):
        grant("1.00", booked_on=last_month())
    this_month = {**body, "month": timezone.localdate().isoformat()[:7]}
    assert office.post("/api/v1/ledger/periods/close/", this_month, format="json").json()["error"]["code"] == (
        "ledger_period_not_ended")
