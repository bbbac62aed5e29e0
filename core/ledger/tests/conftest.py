"""Fixtures of the ledger tests: a yuan ledger, a mu ledger and a posts ledger declared the way
an app declares its own, and a county with two towns to own the accounts."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings

from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register
from core.ledger.services import account_open, posting_create

YUAN = register(LedgerSpec(
    code="t_money", name="测试资金", unit=Unit.YUAN,
    kinds=[AccountKind("source", "县级财政", Invariant.NONE), AccountKind("fund", "镇资金", Invariant.NON_NEGATIVE),
           AccountKind("giver", "上级下达", Invariant.NON_POSITIVE)],
    posting_kinds={"grant": "拨付", "spend": "支出", "reserve": "预留"},
))
MU = register(LedgerSpec(
    code="t_land", name="测试用地指标", unit=Unit.MU,
    kinds=[AccountKind("province", "省下达", Invariant.NONE), AccountKind("quota", "镇指标", Invariant.NON_NEGATIVE)],
))
POSTS = register(LedgerSpec(
    code="t_posts", name="测试编制", unit=Unit.POST,
    kinds=[AccountKind("pool", "县编制池", Invariant.NONE), AccountKind("establishment", "镇编制", Invariant.NON_NEGATIVE)],
))


def owner_model():
    """The owner model named in settings (regions.Division): core's tests, like core, do not
    import regions."""
    return apps.get_model(settings.LEDGER_OWNER_MODEL)


def add_member(user, division, role):
    """A membership of the project's scoping (regions.Membership), reached by name."""
    return apps.get_model("regions", "Membership").objects.create(user=user, division=division, role=role)


@pytest.fixture
def places(db):
    Division = owner_model()
    province = Division.objects.create(code="340000", name="安徽省", level="province")
    city = Division.objects.create(code="341800", name="宣城市", level="city", parent=province)
    county = Division.objects.create(code="341824", name="绩溪县", level="county", parent=city)
    town_a = Division.objects.create(code="341824100", name="临溪镇", level="town", parent=county)
    town_b = Division.objects.create(code="341824101", name="华阳镇", level="town", parent=county)
    return {"county": county, "a": town_a, "b": town_b}


@pytest.fixture
def money(places):
    """The county's source account and a fund for each town, empty."""
    return {
        "county": account_open(ledger="t_money", kind="source", owner=places["county"], code="county", name="县财政"),
        "a": account_open(ledger="t_money", kind="fund", owner=places["a"], code="fund", name="临溪镇资金"),
        "b": account_open(ledger="t_money", kind="fund", owner=places["b"], code="fund", name="华阳镇资金"),
    }


@pytest.fixture
def grant(money):
    """grant(amount, to="a", key=None) posts county → town."""
    counter = iter(range(1, 10**6))

    def make(amount, to="a", key=None, **kwargs):
        amount = Decimal(amount)
        return posting_create(
            ledger="t_money", kind="grant", legs=[(money["county"], -amount), (money[to], amount)],
            idempotency_key=key or f"grant-{next(counter)}", **kwargs,
        )

    return make


def balance(account):
    from core.ledger.models import Balance

    return Balance.objects.get(account=account)
