"""Statement and trial balance (selectors), their API endpoints and the statement page, scoped."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.ledger.selectors import account_statement, trial_balance
from core.ledger.services import posting_create, posting_reverse

from .conftest import add_member


@pytest.fixture
def booked(money, grant):
    today = timezone.localdate()
    before = today.replace(day=1) - datetime.timedelta(days=3)
    grant("100.00", booked_on=before)
    grant("0.10")
    grant("0.20")
    spend = posting_create(ledger="t_money", kind="spend", idempotency_key="s",
                           legs=[(money["a"], Decimal("-30.05")), (money["county"], Decimal("30.05"))])
    posting_reverse(posting=spend, reason="重复支出")
    posting_create(ledger="t_money", kind="reserve", idempotency_key="r", pending=True,
                   legs=[(money["a"], Decimal("-7")), (money["county"], Decimal("7"))])
    grant("5.00", to="b")
    return today


def test_statement_opening_entries_closing(money, booked):
    s = account_statement(account=money["a"], start=booked.replace(day=1), end=booked)
    assert s.opening == Decimal("100.00")
    assert [line.amount for line in s.lines] == [Decimal("0.10"), Decimal("0.20"), Decimal("-30.05"), Decimal("30.05")]
    assert s.closing == Decimal("100.30") == s.opening + s.credits - s.debits
    assert s.lines[-1].reverses_id is not None
    assert [line.kind_label for line in s.lines] == ["拨付", "拨付", "支出", "支出"]
    assert s.pending_debits == Decimal("7.00")


def test_trial_balance_sums_to_zero(money, booked):
    tb = trial_balance(ledger="t_money")
    assert tb.balanced and tb.total_posted == 0 and tb.total_pending == 0
    assert {r["code"]: r["posted"] for r in tb.rows if r["owner"] == money["a"].owner_id} == {"fund": Decimal("100.30")}
    assert sum(r["posted"] for r in tb.rows) == 0


@pytest.fixture
def clerk_a(places, django_user_model):
    user = django_user_model.objects.create_user("clerk_a", password="x-long-password")
    add_member(user, places["a"], "clerk")
    return user


def test_statement_endpoint_and_scope(money, booked, clerk_a, api_for, django_assert_max_num_queries):
    api = api_for(clerk_a)
    url = f"/api/v1/ledger/accounts/{money['a'].pk}/statement/"
    with django_assert_max_num_queries(8):
        body = api.get(url, {"start": booked.replace(day=1).isoformat()}).json()
    assert body["opening"] == "100.0000" and body["closing"] == "100.3000" and len(body["lines"]) == 4
    assert api.get(f"/api/v1/ledger/accounts/{money['b'].pk}/statement/").status_code == 404
    assert api.get(url, {"start": "2026-02-30"}).json()["error"]["fields"] == {"start": ["应为 YYYY-MM-DD 格式的日期。"]}
    listed = api.get("/api/v1/ledger/accounts/").json()["results"]
    assert [a["id"] for a in listed] == [money["a"].pk]
    assert listed[0]["available"] == "93.3000"
    assert api_for(None).get(url).status_code in (401, 403)


def test_trial_balance_endpoint(money, booked, api_for, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-long-password")
    body = api_for(admin).get("/api/v1/ledger/trial-balance/", {"ledger": "t_money"}).json()
    assert body["balanced"] is True and Decimal(body["total_posted"]) == 0 and len(body["rows"]) == 3
    assert api_for(admin).get("/api/v1/ledger/trial-balance/").status_code == 400


def test_statement_page_with_badge_and_scope(money, booked, clerk_a, client_for):
    client = client_for(clerk_a)
    page = client.get(f"/ledger/accounts/{money['a'].pk}/statement/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "100.30" in html and 'data-ok="true"' in html and "重复支出" in html
    assert client.get(f"/ledger/accounts/{money['b'].pk}/statement/").status_code == 404
    bad = client.get(f"/ledger/accounts/{money['a'].pk}/statement/", {"end": "x"})
    assert bad.status_code == 200 and "日期“x”无效" in bad.content.decode()


def test_admin_is_read_only(money, booked, client_for, django_user_model):
    admin = client_for(django_user_model.objects.create_superuser("root", password="x-long-password"))
    for page in ["account", "posting", "entry", "period", "verificationrun"]:
        assert admin.get(f"/admin/ledger/{page}/").status_code == 200
    assert admin.get("/admin/ledger/entry/add/").status_code == 403
