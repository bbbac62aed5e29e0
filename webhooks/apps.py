from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

# The other apps' rows whose saves are events (issue 15 §4), in one list: (app label, model,
# receiver in webhooks.events). A model that does not exist yet (oversight's supervision report
# while it is being built) is skipped, and connected once it does.
SOURCES = (
    ("delegation", "Item", "item_saved"),
    ("oversight", "Finding", "finding_saved"),
    ("oversight", "SupervisionReport", "report_saved"),
)


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("事件订阅")

    def ready(self):
        from . import events, tasks  # noqa: F401 - the tasks registered in every process (sent by name)

        for app_label, model_name, receiver in SOURCES:
            try:
                model = self.apps.get_model(app_label, model_name)
            except LookupError:
                continue
            post_save.connect(getattr(events, receiver), sender=model, weak=False,
                              dispatch_uid=f"webhooks.{app_label}.{model_name}")
