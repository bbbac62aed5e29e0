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
        # Funds and incentives (issue 11 §5, §7): a town's fund is an account that never goes
        # below zero, fed by the county's "source" (budget and departments' special funds) and
        # spent into the town's "spent"; fee preferences come from the county's "relief", the
        # incentives granted are the town's "incentive:<kind>" accounts.
        register(LedgerSpec(
            code="finance_funds", name="镇级资金与激励", unit=Unit.YUAN,
            kinds=[AccountKind("source", "资金来源", Invariant.NONE),
                   AccountKind("fund", "镇级资金", Invariant.NON_NEGATIVE),
                   AccountKind("spent", "资金支出", Invariant.NONE),
                   AccountKind("relief", "县级规费减免", Invariant.NONE),
                   AccountKind("incentive", "已兑现激励", Invariant.NON_NEGATIVE)],
            posting_kinds={"fund_grant": "资金拨入", "fund_spend": "资金支出", "fee_preference": "县级规费优惠",
                           "award_subsidy": "以奖代补"},
        ))

        # Overdue disbursements in the daily notices (core.notifications).
        from core.notifications import registry as notices

        from .notices import produce_notices
        from .services import targets  # noqa: F401 - registers the new-debt notice kind

        notices.register_producer("finance", produce_notices)

        # The home page's finance card (core.home).
        from core import home

        from .home import finance_card

        home.register(home.Area.FINANCE, finance_card)

        # Import and export of revenue records (core.importing): the finance bureau (office) or
        # the town's clerk, each within their jurisdiction.
        from core import importing
        from regions import scoping

        from . import selectors
        from .models import RevenueRecord
        from .resources import RevenueRecordResource

        importing.register(
            "finance.revenue_record", RevenueRecordResource, label=_("财政收入记录"),
            export_queryset=lambda *, user, filters=None, request=None: selectors.revenue_record_list(
                user=user).order_by("month", "id"),
            may_import=lambda user: scoping.may_write_model(user, RevenueRecord),
            may_export=lambda user: bool(user.is_superuser or scoping.grants(user)),
            help_text=_("每行一条收入记录（镇、所属月份、收入科目、征收机关、金额），逐行按登记规则校验，有一行不通过则整份文件不导入；"
                        "更正已登记的收入请在收入列表中冲销。"),
        )
        importing.register_app("finance", start="finance-import:start", nav_template="finance/_nav.html")
