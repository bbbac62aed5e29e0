from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationConfig(AppConfig):
    name = "delegation"
    verbose_name = _("事权下放")

    def ready(self):
        # The exercise-record rules read other models, so the model is handed its checker
        # instead of importing it (models → rules would be a circle; see delegation/rules.py).
        from .models import ExerciseRecord
        from .rules import ExerciseRules

        ExerciseRecord.rules_class = ExerciseRules

        # core cannot import delegation: the calendar services reach the recompute through this.
        from core import provisional

        from .services import record_due_recompute

        provisional.register(record_due_recompute)

        # Notices (core.notifications): the daily reminders, and a word to the office when a
        # recompute (above, registered first so it runs first) moved due dates.
        from core.notifications import registry

        from . import notices

        registry.register_producer("delegation", notices.produce_notices)
        provisional.register(notices.notify_recomputed)

        # The home page's delegation card (core cannot import delegation either).
        from core import home

        from .home import delegation_card

        home.register(home.Area.DELEGATION, delegation_card)

        # Stored files are served only after a check (core/files.py): a scan to whoever may read
        # its agreement, an uploaded import file to whoever uploaded it.
        from core import files
        from regions import scoping

        from .models import Agreement, ExerciseRecord

        files.register(Agreement, "scan", queryset=lambda user: scoping.scope(Agreement.objects.all(), user))
        files.register(ExerciseRecord, "filing_receipt_scan",
                       queryset=lambda user: scoping.scope(ExerciseRecord.objects.all(), user))
        # (import files are core.importing's ImportJob, registered by core.importing itself)

        # Import and export of items, assignments and exercise records (core.importing).
        from . import importing

        importing.register()
