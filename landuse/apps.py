from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanduseConfig(AppConfig):
    name = "landuse"
    verbose_name = _("建设用地指标")

    def ready(self):
        # The quota lives on the core ledger, in mu with four decimals. A division's pool of a
        # year ("quota") never goes below zero, reservations included; the province's quota comes
        # from the national plan ("source", it only gives), a town's gains from its own source
        # ("gain_source"); what projects use ends in the town's "used" account of the year.
        from core.ledger.registry import AccountKind, Invariant, LedgerSpec, Unit, register

        from .choices import LEDGER, POSTING_KINDS

        register(LedgerSpec(
            code=LEDGER, name="建设用地指标", unit=Unit.MU,
            kinds=[AccountKind("source", "国家下达计划", Invariant.NON_POSITIVE),
                   AccountKind("gain_source", "新增指标来源", Invariant.NON_POSITIVE),
                   AccountKind("quota", "可用指标", Invariant.NON_NEGATIVE),
                   AccountKind("used", "已用指标", Invariant.NON_NEGATIVE)],
            posting_kinds=POSTING_KINDS,
        ))

        from core import home

        from .home import landuse_card

        home.register(home.Area.LANDUSE, landuse_card)

        # --- l2: farmland balance, reclamation, import/export --------------------------------------
        # The daily notice of towns that have not balanced the farmland they occupied, and the
        # import and export of projects and allocations (core.importing).
        from core.notifications import registry as notices

        from . import importing, notices_farmland

        notices.register_producer("landuse.farmland", notices_farmland.produce_notices)
        importing.register()
        # --- end of l2's block ---------------------------------------------------------------------
