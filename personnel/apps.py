from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("编制与干部")

    def ready(self):
        # The establishment (编制台账) lives on the core ledger, counted in posts. Per town and
        # kind (行政编制 / 事业编制): "approved" gives (it runs negative: minus what was approved),
        # "unallocated" holds what no institution has yet; per institution and kind, "free" (空编)
        # and "filled" (在编). Leadership posts (领导职数) by level: approved, free, filled per town.
        # approved = unallocated + Σ free + Σ filled, and no free or filled account goes below zero.
        from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register

        register(LedgerSpec(
            code="establishment", name="编制台账", unit=Unit.POST,
            kinds=[AccountKind("approved", "核定编制", Invariant.NON_POSITIVE),
                   AccountKind("unallocated", "未分配编制", Invariant.NON_NEGATIVE),
                   AccountKind("free", "空编", Invariant.NON_NEGATIVE),
                   AccountKind("filled", "在编", Invariant.NON_NEGATIVE)],
            posting_kinds={"approve": "核定编制", "allocate": "机构编制分配", "enter": "入编",
                           "exit": "出编", "move": "岗位调整"},
        ))

        # p2: secondments ending, adjustment opinions overdue and certificates expiring in the daily
        # notices; provisional due dates of adjustment opinions recomputed when a year is entered.
        from core import provisional
        from core.notifications import registry as notices

        from .notices_cadres import produce_notices
        from .services_cadres import opinion_due_recompute

        notices.register_producer("personnel", produce_notices)
        provisional.register(opinion_due_recompute)

        from core import home

        from .home import personnel_card

        home.register(home.Area.PERSONNEL, personnel_card)

        from .resources_staffing import register as register_exports

        register_exports()
