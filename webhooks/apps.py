from django.apps import AppConfig
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


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("事件订阅")

    def ready(self):
        from core import events as domain_events

        from . import events, tasks  # noqa: F401 - the tasks registered in every process (sent by name)

        for constant, handler in SUBSCRIPTIONS:
            domain_events.subscribe(getattr(domain_events, constant), getattr(events, handler))
