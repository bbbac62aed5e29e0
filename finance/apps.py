from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("财政分成与返还")

    def ready(self):
        # The money lives on the core ledger: the county's account owes, a town's "owed" accounts
        # (one per earmark) hold what is owed and not yet transferred, its "received" accounts
        # what was transferred. An owed account may run negative: advances the town owes back.
        from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register

        register(LedgerSpec(
            code="finance", name="财政分成与返还", unit=Unit.YUAN,
            kinds=[AccountKind("county", "县级财政", Invariant.NONE),
                   AccountKind("owed", "应返未拨", Invariant.NONE),
                   AccountKind("received", "已拨资金", Invariant.NON_NEGATIVE)],
            posting_kinds={"monthly": "月度应返", "settlement": "年终结算", "disbursement": "调拨"},
        ))

        # The towns' debt (issue 11 §6): per town and lender a "debt" account (the balance owed,
        # never below zero: a repayment cannot exceed it) against the lender's counter-account.
        register(LedgerSpec(
            code="finance_debt", name="镇债务", unit=Unit.YUAN,
            kinds=[AccountKind("debt", "镇债务余额", Invariant.NON_NEGATIVE),
                   AccountKind("lender", "债权人", Invariant.NONE)],
            posting_kinds={"borrowing": "举借", "repayment": "偿还"},
        ))
        # Overdue disbursements in the daily notices (core.notifications).
        from core.notifications import registry as notices

        from . import services_targets  # noqa: F401 - registers the new-debt notice kind
        from .notices import produce_notices

        notices.register_producer("finance", produce_notices)
