from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The ledger engine (core/ledger): its own app label so its migrations stand alone."""

    name = "core.ledger"
    label = "ledger"
    verbose_name = _("台账")
