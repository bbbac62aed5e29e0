from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("行政区划与权限")

    def ready(self):
        # core imports no app: the home page's regions card is declared from here.
        from core import home

        from .home import regions_card

        home.register(home.Area.REGIONS, regions_card)
