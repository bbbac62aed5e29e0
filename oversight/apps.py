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
        # Provisional (暂定) deadlines recomputed when their year's holidays are entered.
        provisional.register(deadlines_recompute)
        home.register(home.Area.OVERSIGHT, oversight_card)
