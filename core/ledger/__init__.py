"""The ledger engine (台账引擎): one engine for money, land quota and establishment posts.

Immutable accounts and postings, balance invariants declared on the account and held by the
database under concurrency, idempotent and two-phase postings, reversals and closed periods,
and a sha256 hash chain per account that ``ledger_verify`` checks. Modelled on TigerBeetle
(accounts/transfers, pending → posted/voided with a timeout, client-supplied ids) and ERPNext
(a correction is a reversal plus a new entry; closed periods refuse entries).

How an app declares its accounts (in its ``AppConfig.ready()``) and posts::

    from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register

    register(LedgerSpec(
        code="finance", name="财政资金", unit=Unit.YUAN,
        kinds=[AccountKind("county", "县级财政", Invariant.NONE),
               AccountKind("fund", "镇专项资金", Invariant.NON_NEGATIVE)],
        posting_kinds={"rebate": "超收返还", "spend": "支出"},
    ))

    from core.ledger.services import account_open, posting_create

    county = account_open(ledger="finance", kind="county", owner=county_division, code="county",
                          name="绩溪县财政", actor=user)
    fund = account_open(ledger="finance", kind="fund", owner=town, code="rebate", name="超收返还", actor=user)
    posting_create(ledger="finance", kind="rebate", legs=[(county, Decimal("-1200.50")),
                   (fund, Decimal("1200.50"))], idempotency_key="rebate:2026-11:341824100", actor=user)

Legs are (account, signed amount) pairs that sum to zero: + adds to an account, − takes from it.
``pending=True, expires_on=…`` reserves instead (``pending_post`` / ``pending_void`` later, the
daily job releases what expired); ``posting_reverse`` corrects; ``period_close`` closes a month.
Reads: ``selectors.account_statement``, ``selectors.trial_balance``; pages and API reuse
``views.AccountStatementView`` and ``/api/v1/ledger/``; the auditor's badge is
``{% load ledger %}{% ledger_badge %}``.
"""
