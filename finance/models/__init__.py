"""Fiscal revenue sharing and rebates (DOMAIN.md §3): the arrangement a county sets for a pilot
town, held as data (base, term, rules), the town's revenue by month and category, what the
county owes under the arrangement (entitlements, each with its calculation trace and its ledger
posting) and the transfers that pay it (disbursements); funds and incentives; targets, debt and
the quarterly inspection.

Nothing here is edited or deleted once it matters: a revenue record is corrected by a reversal
(a negative record linked to the one it reverses), an entitlement by a recompute (its posting
reversed on the ledger, a new one posted), a disbursement never. The money itself lives on the
core ledger (``core.ledger``, ledger code ``finance``); these rows say why it moved.

One module per topic; every model is importable from ``finance.models``.
"""

from .base import MONEY, PERCENT, ZERO
from .entitlements import Disbursement, DisbursementLine, Entitlement
from .funds import Fund, FundEntry, Incentive, IncentivePolicy
from .revenue import (
    ArrangementRule,
    FiscalArrangement,
    ReclamationRecord,
    RevenueCategory,
    RevenueRecord,
    tiers_problem,
)
from .targets import (
    ChecklistItem,
    DebtEntry,
    GrowthTarget,
    Inspection,
    InspectionFinding,
    InspectionResult,
    YearFigure,
)

__all__ = [
    "MONEY", "PERCENT", "ZERO", "ArrangementRule", "ChecklistItem", "DebtEntry", "Disbursement",
    "DisbursementLine", "Entitlement", "FiscalArrangement", "Fund", "FundEntry", "GrowthTarget",
    "Incentive", "IncentivePolicy", "Inspection", "InspectionFinding", "InspectionResult",
    "ReclamationRecord", "RevenueCategory", "RevenueRecord", "YearFigure", "tiers_problem",
]
