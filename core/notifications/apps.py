from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notices to users (core/notifications): its own app label so its migrations stand alone.

    Apps declare their kinds of notice and a daily producer in ``registry`` from their own
    ``AppConfig.ready()``; core imports no app.
    """

    name = "core.notifications"
    label = "notifications"
    verbose_name = _("通知")
