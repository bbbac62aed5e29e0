from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The ledger engine (core/ledger): its own app label so its migrations stand alone."""

    name = "core.ledger"
    label = "ledger"
    verbose_name = "台账"
