"""Abstract base models shared by every app."""

from django.conf import settings
from django.db import models


class AuditedModel(models.Model):
    """Who created and last changed a row, and when.

    The full before/after history lives in the pghistory event tables (see core.history);
    these columns make the common question — who touched this last — a plain column read.
    """

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        abstract = True

    def stamp(self, actor) -> None:
        """Set the author columns before a save made on ``actor``'s behalf."""
        if actor is not None and getattr(actor, "pk", None):
            if self._state.adding and self.created_by_id is None:
                self.created_by = actor
            self.updated_by = actor
