from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self):
        # registers the system check kq.files.W001 and the deploy check kq.security.W001
        from . import files, security  # noqa: F401
