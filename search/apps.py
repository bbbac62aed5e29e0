from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("全局搜索")

    def ready(self):
        # The trigram indexes (migration 0001) only speed search up: a backup restores into a
        # server without pg_trgm, leaving them out (core.backup).
        from core import backup

        backup.optional_extension("pg_trgm", index_prefixes=("search_trgm_",))
