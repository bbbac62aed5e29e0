from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("督查考核")

    def ready(self):
        # Rectification reminders in the daily notices (core.notifications).
        from core import files, home, provisional
        from core.notifications import registry as notices
        from regions import scoping

        from .home import oversight_card
        from .models import Evidence
        from .notices import produce_notices
        from .services import deadlines_recompute

        notices.register_producer("oversight", produce_notices)
        # Evidence files only through core.files' check: whoever may see the finding's town.
        files.register(Evidence, "file", queryset=lambda user: scoping.scope(Evidence.objects.all(), user))
        # The supervision's written reports: whoever sees the supervision, once generated.
        from . import services_bundle, tasks_bundle  # noqa: F401 - tasks_bundle: the worker's task
        from .selectors_supervision import register_files as register_supervision_files

        register_supervision_files()
        # The auditor's report bundle: its PDF only through core.files' check (who reads the bundle).
        services_bundle.register_files()
        # Provisional (暂定) deadlines recomputed when their year's holidays are entered.
        provisional.register(deadlines_recompute)
        home.register(home.Area.OVERSIGHT, oversight_card)
