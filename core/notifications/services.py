"""Every write to notices: creating them (idempotent), the daily run, marking read, mailing.

Notices are mailed after commit by ``tasks.email_notifications_task`` (enqueued by the
services that create them), one mail per addressee listing the new notices; ``emailed_at``
is set in the transaction that sent the mail, so a notice is mailed once. The same task runs
on beat without ids and mails whatever is left (broker or mail server down meanwhile).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ApplicationError
from core.history import actor_context

from . import registry
from .models import Notification

log = logging.getLogger(__name__)

CHUNK = 1000
SMTP_DEFAULT = "django.core.mail.backends.smtp.EmailBackend"
# A notice not mailed within this many days is not mailed any more (e.g. mail configured later).
EMAIL_WITHIN = datetime.timedelta(days=2)


def email_enabled() -> bool:
    """Mail is configured: ``EMAIL_URL``, or an email backend or host other than Django's default.

    ``NOTIFICATIONS_EMAIL`` (True/False) in settings decides outright when set.
    """
    flag = getattr(settings, "NOTIFICATIONS_EMAIL", None)
    if flag is not None:
        return bool(flag)
    return bool(getattr(settings, "EMAIL_URL", "")) or settings.EMAIL_BACKEND != SMTP_DEFAULT or (
        settings.EMAIL_HOST not in ("", "localhost")
    )


def _as_written(draft: registry.Draft) -> tuple[str, str]:
    """Title and body in the site's language, stored beside the code as the fallback text."""
    message = registry.message(draft.message_code)  # checked by notifications_create
    with translation.override(settings.LANGUAGE_CODE):
        return (message.render_title(draft.params) or draft.kind)[:200], message.render_body(draft.params)


def mail_language(user) -> str:
    """The language a user's mail is written in.

    Users have no language preference (the language menu sets a cookie for the browser,
    not the account), so this is the site's ``LANGUAGE_CODE``; a preference, once users
    have one, is read here.
    """
    return settings.LANGUAGE_CODE


@transaction.atomic
def notifications_create(*, drafts: Iterable[registry.Draft], actor=None) -> list[int]:
    """Write the notices that do not exist yet; the ids of those written (none on a second run).

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` per thousand drafts: the unique key
    (addressee, kind, subject, day) decides, so concurrent runs cannot write a notice twice.
    The new notices are mailed after commit when mail is configured.
    """
    rows = []
    seen = set()
    for draft in drafts:
        key = (draft.addressee_id, draft.kind, draft.subject_key, draft.day)
        if key in seen:
            continue
        seen.add(key)
        if registry.kind(draft.kind) is None:
            raise ApplicationError(f"未登记的通知类型“{draft.kind}”。", code="notification_unknown_kind")
        if registry.message(draft.message_code) is None:
            raise ApplicationError(f"未登记的通知消息“{draft.message_code}”。", code="notification_unknown_message")
        rows.append(draft)
    if not rows:
        return []
    table = Notification._meta.db_table
    now = timezone.now()
    created: list[int] = []
    columns = "addressee_id, kind, subject_key, day, url, message, title, body, params, created_at"
    with actor_context(actor, reason="notifications_create"), connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s)"] * len(chunk))
            params: list = []
            for d in chunk:
                params += [d.addressee_id, d.kind, d.subject_key[:128], d.day, d.url[:300], d.message_code[:64],
                           *_as_written(d), json.dumps(d.params, cls=DjangoJSONEncoder, ensure_ascii=False), now]
            # The table name comes from the model; every value is a parameter.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # nosec B608 # see above
                "ON CONFLICT (addressee_id, kind, subject_key, day) DO NOTHING RETURNING id",
                params,
            )
            created += [row[0] for row in cursor.fetchall()]
    if created and email_enabled():
        transaction.on_commit(lambda: _mail_later(created))
    return created


def _mail_later(ids: list[int]) -> None:
    """Enqueue the mailing of ``ids``; with the broker unreachable the notices stay unmailed and
    the periodic mailing (``email-pending-notifications`` on beat) sends them once it is back."""
    from kombu.exceptions import OperationalError as BrokerError

    from . import tasks  # services do not otherwise depend on tasks

    try:
        tasks.email_notifications_task.delay(ids)
    except BrokerError:
        log.warning("broker unreachable: %d new notices are mailed by the next periodic run", len(ids), exc_info=True)


def notifications_run_daily(*, day: datetime.date | None = None) -> dict[str, int]:
    """Run every registered producer for ``day`` (today); how many notices each wrote.

    Each producer runs in its own transaction, so one failing app does not hold back the others;
    run twice on the same day, it writes nothing the second time.
    """
    day = day or timezone.localdate()
    written: dict[str, int] = {}
    for name, producer in registry.producers().items():
        try:
            with transaction.atomic():
                written[name] = len(notifications_create(drafts=list(producer(day=day))))
        except Exception:
            log.exception("notification producer %s failed", name)
            written[name] = -1
    return written


def _stamp_read(queryset, actor) -> int:
    with actor_context(actor, reason="notification_read"):
        return queryset.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor) -> Notification:
    """Mark one of ``actor``'s own notices read (a second time changes nothing)."""
    if notification.addressee_id != getattr(actor, "pk", None):
        raise ApplicationError(_("只能标记发给自己的通知。"), code="notification_not_yours")
    _stamp_read(Notification.objects.filter(pk=notification.pk), actor)
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notice of ``actor`` read; how many."""
    return _stamp_read(Notification.objects.filter(addressee=actor), actor)


def _mail_body(notices: list[Notification]) -> str:
    site = getattr(settings, "SITE_URL", "")
    lines = [_("您好！扩权强镇管理平台有以下新通知："), ""]
    for notice in notices:
        lines.append(f"· {notice.display_title}")
        if notice.display_body:
            lines.append(f"  {notice.display_body}")
        if notice.url:
            lines.append(f"  {site}{notice.url}")
    lines += ["", _("全部通知：%(url)s") % {"url": f"{site}/notifications/"}, "",
              _("此邮件由系统自动发送，请勿回复。")]
    return "\n".join(lines)


def notifications_email(*, ids: Iterable[int] | None = None) -> int:
    """Mail the notices not mailed yet (those of ``ids``, or all recent ones); how many mails.

    One mail per addressee with an address, in the addressee's language (``mail_language``:
    the site's, as users have no preference). Each mail is sent inside
    the transaction that sets ``emailed_at`` under a row lock (SKIP LOCKED: a concurrent run
    takes other rows), so a notice is mailed once; a failed send leaves it for the next run.
    """
    if not email_enabled():
        return 0
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__gte=timezone.now() - EMAIL_WITHIN)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    addressees = list(pending.order_by().values_list("addressee_id", flat=True).distinct())
    users = get_user_model().objects.in_bulk(addressees)
    sent = 0
    mail = get_connection()
    for addressee_id in addressees:
        user = users.get(addressee_id)
        with transaction.atomic():
            notices = list(
                pending.filter(addressee_id=addressee_id).select_for_update(skip_locked=True).order_by("id")
            )
            if not notices:
                continue
            if user is not None and user.email and user.is_active:
                with translation.override(mail_language(user)):
                    subject = ngettext("扩权强镇管理平台：%(count)d条新通知", "扩权强镇管理平台：%(count)d条新通知",
                                       len(notices)) % {"count": len(notices)}
                    body = _mail_body(notices)
                EmailMessage(subject, body, to=[user.email], connection=mail).send()
                sent += 1
            # Marked even without an address: it is not to be mailed later either.
            with actor_context(None, reason="notifications_email"):
                Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
    return sent
