"""The persona matrix over the ledger's API and its statement page (core.testing.cases).

An account's owner is a division (settings.LEDGER_OWNER_MODEL, regions.Division), so the matrix
makes accounts of the demo's towns and reasons over jurisdictions as for any row: the accounts,
their statements and the statement page are 404 outside the reader's jurisdiction; only the
office closes a month of them (Account.jurisdiction_writers). The trial balance and the chain
verification are over the caller's accounts: here, that another town's accounts are not in
them. Balances, statements and verification results are in test_reads.py and test_verify.py.
"""

from __future__ import annotations

import itertools

from django.urls import reverse

from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register
from core.ledger.services import account_open
from core.testing.cases import Route, ScopedAPICases, ScopedPageCases, over

LEDGER = register(LedgerSpec(
    code="t_matrix", name="矩阵资金", unit=Unit.YUAN,
    kinds=[AccountKind("fund", "镇资金", Invariant.NONE)], posting_kinds={"grant": "拨付"},
)).code
serial = itertools.count(1)


def an_account(self, division, m):
    n = next(serial)
    return account_open(ledger=LEDGER, kind="fund", owner=division, code=f"fund-{n}", name=f"矩阵账户{n}")


def period_of(account) -> dict:
    """Closing a past month of the account's owner (the owner is named in the body)."""
    return {"ledger": account.ledger, "owner": account.owner_id, "month": "2026-01"}


class TestAccountAPI(ScopedAPICases):
    basename = "ledger-api:account"
    detail_gets = ("statement",)
    write_roles = frozenset({"office"})
    # PeriodCloseView looks the owner's accounts up first: 404 outside the scope, then 403.
    role_check_first = False
    extra_routes = (
        Route("ledger-api:period-close", "POST", kwargs=None, write=True, expect=201, row_body=period_of),
        Route("ledger-api:trial-balance", kwargs=None, query={"ledger": LEDGER}),
        Route("ledger-api:verify", kwargs=None, query={"ledger": LEDGER}),
    )
    query_budget = 3
    make = an_account

    @over(personas=("office", "clerk_linxi", "clerk_other", "superior", "auditor", "admin"))
    def test_trial_balance_and_verify_hold_the_callers_accounts_only(self, m, persona):
        p = self.persona(persona)
        api = self.client(m, persona)
        rows = api.get(reverse("ledger-api:trial-balance"), {"ledger": LEDGER}).json()["rows"]
        shown = {row["account"] for row in rows}
        home = {a.pk for a in m.objects}
        if self.reads(p, m, m.home):
            assert home <= shown, f"{persona} misses accounts of {m.home.code} in the trial balance"
        else:
            assert not home & shown, f"{persona} is shown accounts of {m.home.code} in the trial balance"
        assert (m.away_obj.pk in shown) == p.superuser
        for account in (*m.objects, m.away_obj):
            body = api.get(reverse("ledger-api:verify"), {"account": account.pk}).json()
            expected = 1 if self.reads(p, m, account.owner) else 0
            assert body["ok"] is True and body["accounts"] == expected, (persona, account.owner.code, body)


class TestAccountStatementPage(ScopedPageCases):
    detail_name = "ledger:statement"
    make = an_account
