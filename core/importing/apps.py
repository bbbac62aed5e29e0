from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportingConfig(AppConfig):
    """Import and export (core/importing): its own app label so its migrations stand alone.

    Apps register their resources in ``registry`` from their own ``AppConfig.ready()``; core
    imports no app.
    """

    name = "core.importing"
    label = "importing"
    verbose_name = _("导入导出")

    def ready(self):
        from core import files

        from .models import ImportJob

        # An uploaded file or a finished export: only to the user who started the job (and administrators).
        files.register(ImportJob, "file", may_read=lambda user, job: job.started_by_id == user.pk or user.is_superuser,
                       filename=lambda job: job.download_name)
