from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

# The other apps' domain events that are webhook events (issue 15 §4), in one list: (event name in
# core.events, handler in webhooks.events). The services publish them explicitly (core/events.py:
# why not post_save); a row saved any other way is no event.
SUBSCRIPTIONS = (
    ("ITEM_PUBLISHED", "item_published"),
    ("ITEM_WITHDRAWN", "item_withdrawn"),
    ("FINDING_OPENED", "finding_opened"),
    ("FINDING_CLOSED", "finding_closed"),
    ("REPORT_PUBLISHED", "report_published"),
)

# The one post_save receiver left: the supervision report, until
# oversight.services_supervision.report_complete publishes REPORT_PUBLISHED
# (/work/coord/hunks/evt.md). Remove it then; until then both may run and ``key`` keeps one event.
SIGNAL_SOURCES = (
    ("oversight", "SupervisionReport", "report_saved"),
)


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("事件订阅")

    def ready(self):
        from core import events as domain_events

        from . import events, tasks  # noqa: F401 - the tasks registered in every process (sent by name)

        for constant, handler in SUBSCRIPTIONS:
            domain_events.subscribe(getattr(domain_events, constant), getattr(events, handler))
        for app_label, model_name, receiver in SIGNAL_SOURCES:
            try:
                model = self.apps.get_model(app_label, model_name)
            except LookupError:
                continue
            post_save.connect(getattr(events, receiver), sender=model, weak=False,
                              dispatch_uid=f"webhooks.{app_label}.{model_name}")
