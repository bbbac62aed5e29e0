"""Every write of finance (DOMAIN.md §3). Keyword-only, one transaction each, attributed.

- ``revenue_category_create``, ``arrangement_create`` (supersedes the town's current one),
  ``arrangement_supersede`` (a given arrangement, from a date);
- ``revenue_record_create`` / ``revenue_record_reverse``, ``reclamation_record_create`` /
  ``reclamation_record_reverse``: facts written once, corrected by a reversal;
- ``entitlement_compute(town, month)``: what the county owes for the month under the arrangement
  in force, from aggregates in the database, posted to the ``finance`` ledger with its trace;
  ``settlement_compute(town, year)``: the year-end settlement of the excess rebate (advances,
  final, balance). Recomputing reverses the old posting and posts the new one; an unchanged
  month is a no-op;
- ``disbursement_create``: a transfer covering several entitlements, partially.

The ledger (core.ledger) holds the money: the county's account (owned by the county) owes,
the town's "owed" accounts (one per earmark) hold what is owed and not yet transferred, its
"received" accounts what was transferred.

One module per topic (arrangements, revenue, entitlements, disbursements, bulk, funds, targets);
every public service is importable from ``finance.services``.
"""

from .arrangements import arrangement_create, arrangement_supersede, revenue_category_create
from .bulk import YearResult, entitlements_compute_year
from .disbursements import disbursement_create
from .entitlements import entitlement_compute, settlement_compute
from .funds import (
    FUNDS_LEDGER,
    fund_balance,
    fund_create,
    fund_entry_reverse,
    fund_grant,
    fund_spend,
    incentive_grant,
    incentive_policy_create,
    incentive_reverse,
)
from .revenue import (
    reclamation_record_create,
    reclamation_record_reverse,
    revenue_problems,
    revenue_record_create,
    revenue_record_reverse,
)
from .targets import (
    DEBT_LEDGER,
    NEW_DEBT,
    checklist_item_create,
    debt_balance,
    debt_borrow,
    debt_entry_reverse,
    debt_repay,
    debt_totals,
    growth_target_set,
    inspection_complete,
    inspection_finding_add,
    inspection_finding_close,
    inspection_open,
    inspection_results_record,
    year_figure_enter,
)

__all__ = [
    "DEBT_LEDGER", "FUNDS_LEDGER", "NEW_DEBT", "YearResult", "arrangement_create", "arrangement_supersede",
    "checklist_item_create", "debt_balance", "debt_borrow", "debt_entry_reverse", "debt_repay", "debt_totals",
    "disbursement_create", "entitlement_compute", "entitlements_compute_year", "fund_balance", "fund_create",
    "fund_entry_reverse", "fund_grant", "fund_spend", "growth_target_set", "incentive_grant",
    "incentive_policy_create", "incentive_reverse", "inspection_complete", "inspection_finding_add",
    "inspection_finding_close", "inspection_open", "inspection_results_record", "reclamation_record_create",
    "reclamation_record_reverse", "revenue_category_create", "revenue_problems", "revenue_record_create",
    "revenue_record_reverse", "settlement_compute", "year_figure_enter",
]
