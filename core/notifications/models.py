"""A notice to one user (通知): what it is about, where to look, whether it was read or mailed.

Written only by ``services``; never deleted (a read notice stays in the "all" tab). The unique
key (addressee, kind, subject, day) is what makes the daily job idempotent: a second run on
the same day inserts nothing (``INSERT … ON CONFLICT DO NOTHING``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track

from . import registry


@track()
class Notification(models.Model):
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.PROTECT, related_name="notifications",
        db_index=False,  # the (addressee, -id) indexes below serve every lookup
    )
    kind = models.CharField(_("通知类型"), max_length=64)
    subject_key = models.CharField(_("通知对象"), max_length=128, help_text="<app>.<model>:<pk>")
    day = models.DateField(_("日期"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # What is shown: the registered message ``message`` filled with ``params``, in the reader's
    # language (registry.Message). ``title``/``body`` keep the text as written at creation, in
    # the site's language: for the admin's search, and shown only when the message is not (or
    # no longer) registered, or for a row written before messages had codes (message "").
    message = models.CharField(_("消息代码"), max_length=64, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("通知时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["addressee", "kind", "subject_key", "day"], name="notification_once_a_day"),
        ]
        indexes = [
            models.Index(fields=["addressee", "-id"], name="notification_addressee_id"),
            # The header badge on every page: a count over the few unread rows of one user.
            models.Index(fields=["addressee", "-id"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["id"], condition=Q(emailed_at__isnull=True), name="notification_unmailed"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.display_title

    def _message(self) -> registry.Message | None:
        return registry.message(self.message) if self.message else None

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored text when the message cannot render)."""
        message = self._message()
        return (message.render_title(self.params) if message else "") or self.title

    @property
    def display_body(self) -> str:
        message = self._message()
        if message is None or not message.body:
            return self.body
        return message.render_body(self.params) or self.body

    @property
    def kind_label(self) -> str:
        kind = registry.kind(self.kind)
        return str(kind.label) if kind else self.kind
