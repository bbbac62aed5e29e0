"""The ledger's tables: accounts, their balances, postings, entries (legs), closed periods and
verification runs.

Immutable by trigger: accounts, postings, entries, periods and verification runs refuse UPDATE
and DELETE in the database itself (pgtrigger), whatever path tries it. A pending posting is
never edited either: posting it, voiding it or letting it expire is a *new* posting that
``resolves`` it (TigerBeetle's post/void-pending transfers), and a correction is a reversal
plus a new posting (ERPNext). The only mutable row is ``Balance``, a running total the
services keep under a row lock; its CHECK constraints hold the account's declared invariant,
and ``ledger_verify`` recomputes it from the entries.

The owner of an account is a division, but core may not import regions (core ← regions):
the foreign key names its target by the setting ``LEDGER_OWNER_MODEL`` ("regions.Division"),
a string Django resolves when all apps are loaded, the way ``AUTH_USER_MODEL`` works.
"""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .registry import Invariant, Unit

AMOUNT = {"max_digits": 24, "decimal_places": 4}
GENESIS_HASH = "0" * 64


def _immutable():
    """UPDATE and DELETE refused by the database: ledger rows are written once."""
    return [
        pgtrigger.Protect(name="protect_updates", operation=pgtrigger.Update),
        pgtrigger.Protect(name="protect_deletes", operation=pgtrigger.Delete),
    ]


def _unit_scale_check(name: str) -> models.CheckConstraint:
    """An amount has no more decimal places than its unit allows (yuan 2, mu 4, posts 0)."""
    return models.CheckConstraint(
        name=name,
        condition=Q(unit=Unit.MU)
        | Q(unit=Unit.YUAN, amount=Round("amount", 2))
        | Q(unit=Unit.POST, amount=Round("amount", 0)),
    )


class Account(models.Model):
    """An account (账户) of one ledger, owned by a division, with its unit and invariant.

    ``code`` is the app's name for it ("quota", "fund:startup"); unique per ledger and owner.
    """

    ledger = models.CharField(_("台账"), max_length=32)
    kind = models.CharField(_("账户类型"), max_length=32)
    code = models.CharField(_("账户代码"), max_length=64)
    name = models.CharField(_("账户名称"), max_length=128)
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices)
    invariant = models.CharField(_("余额规则"), max_length=16, choices=Invariant.choices)
    owner = models.ForeignKey(
        settings.LEDGER_OWNER_MODEL, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("开立时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开立人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+", db_index=False,
    )

    jurisdiction_field = "owner"
    # Postings are written by the apps' services; the office closes the months of the accounts
    # in its jurisdiction (api.views.PeriodCloseView).
    jurisdiction_writers = ("office",)

    class Meta:
        verbose_name = _("台账账户")
        verbose_name_plural = _("台账账户")
        ordering = ["ledger", "owner_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "owner", "code"], name="ledger_account_unique_code"),
        ]
        triggers = _immutable()

    def __str__(self):
        return f"{self.name}（{self.code}）"


class Balance(models.Model):
    """The running totals of one account, kept by the services under ``SELECT … FOR UPDATE``.

    ``posted`` is the sum of posted entries; ``pending_debits`` / ``pending_credits`` what
    open pending postings take from / add to the account (both ≥ 0). The invariant is copied
    from the account because a CHECK constraint sees one row only.
    ``last_seq`` and ``last_hash`` are the head of the account's hash chain.
    """

    account = models.OneToOneField(Account, on_delete=models.PROTECT, primary_key=True, related_name="balance")
    invariant = models.CharField(max_length=16, choices=Invariant.choices)
    posted = models.DecimalField(_("余额"), default=Decimal(0), **AMOUNT)
    pending_debits = models.DecimalField(_("预留支出"), default=Decimal(0), **AMOUNT)
    pending_credits = models.DecimalField(_("预留收入"), default=Decimal(0), **AMOUNT)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("账户余额")
        verbose_name_plural = _("账户余额")
        constraints = [
            models.CheckConstraint(name="ledger_balance_pending_debits_gte_0", condition=Q(pending_debits__gte=0)),
            models.CheckConstraint(name="ledger_balance_pending_credits_gte_0", condition=Q(pending_credits__gte=0)),
            models.CheckConstraint(
                name="ledger_balance_non_negative",
                condition=~Q(invariant=Invariant.NON_NEGATIVE) | Q(posted__gte=models.F("pending_debits")),
            ),
            models.CheckConstraint(
                name="ledger_balance_non_positive",
                condition=~Q(invariant=Invariant.NON_POSITIVE) | Q(posted__lte=-models.F("pending_credits")),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="protect_deletes", operation=pgtrigger.Delete),
            # The invariant is the account's, fixed when it was opened.
            pgtrigger.Protect(
                name="protect_invariant", operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("invariant", "account"),
            ),
        ]

    def __str__(self):
        return f"账户 {self.account_id} 余额 {self.posted}"

    @property
    def available(self):
        """What may still be taken: posted minus what pending postings reserve."""
        return self.posted - self.pending_debits


class PostingType(models.TextChoices):
    NORMAL = "normal", _("记账")
    PENDING = "pending", _("预留")
    POST = "post", _("预留转正式")
    VOID = "void", _("撤销预留")
    EXPIRE = "expire", _("预留过期")


RESOLUTION_TYPES = (PostingType.POST, PostingType.VOID, PostingType.EXPIRE)


class Posting(models.Model):
    """One posting (记账凭证): one or more legs that sum to zero, written in one transaction.

    ``idempotency_key`` is the caller's id for the request (TigerBeetle's client-supplied
    transfer id): a retry with the same key returns this posting and writes nothing.
    """

    ledger = models.CharField(_("台账"), max_length=32)
    type = models.CharField(_("类型"), max_length=8, choices=PostingType.choices, default=PostingType.NORMAL)
    kind = models.CharField(_("业务类型"), max_length=32)
    idempotency_key = models.CharField(_("幂等键"), max_length=128)
    booked_on = models.DateField(_("记账日期"))
    memo = models.TextField(_("摘要"), blank=True)
    expires_on = models.DateField(_("预留到期日"), null=True, blank=True)
    resolves = models.OneToOneField(
        "self", verbose_name=_("了结的预留"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="resolution",
    )
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲销的凭证"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="reversal",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记账人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+", db_index=False,
    )
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "idempotency_key"], name="ledger_posting_idempotency"),
            models.CheckConstraint(
                name="ledger_posting_resolves_iff_resolution",
                condition=Q(type__in=RESOLUTION_TYPES, resolves__isnull=False)
                | (~Q(type__in=RESOLUTION_TYPES) & Q(resolves__isnull=True)),
            ),
            models.CheckConstraint(
                name="ledger_posting_expiry_only_pending",
                condition=Q(type=PostingType.PENDING) | Q(expires_on__isnull=True),
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_on"], name="ledger_posting_pending_expiry",
                condition=Q(type=PostingType.PENDING, expires_on__isnull=False),
            ),
        ]
        triggers = _immutable()

    def __str__(self):
        # the type in words; ``kind`` is the owning app's code (monthly …), not for readers
        return gettext("凭证 %(id)s（%(type)s）") % {"id": self.pk, "type": self.get_type_display()}


class Phase(models.TextChoices):
    POSTED = "posted", _("正式")
    PENDING = "pending", _("预留")
    RELEASE = "release", _("释放预留")


class Entry(models.Model):
    """One leg of a posting on one account: a signed amount, and a link in the account's chain.

    ``hash`` = sha256 of the canonical encoding of this entry's content and ``prev_hash``, the
    hash of the account's entry before it (``core.ledger.chain``). ``seq`` numbers the
    account's entries 1, 2, 3 … without gaps. A ``release`` entry carries the amount of the
    pending entry it releases (same sign) and takes it out of the pending totals.
    """

    posting = models.ForeignKey(Posting, verbose_name=_("凭证"), on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(
        Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    phase = models.CharField(_("性质"), max_length=8, choices=Phase.choices)
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices)
    amount = models.DecimalField(_("金额"), **AMOUNT)
    booked_on = models.DateField(_("记账日期"))
    seq = models.PositiveBigIntegerField(_("序号"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["account_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="ledger_entry_account_seq"),
            models.CheckConstraint(name="ledger_entry_amount_not_zero", condition=~Q(amount=0)),
            _unit_scale_check("ledger_entry_unit_scale"),
        ]
        indexes = [models.Index(fields=["account", "booked_on"], name="ledger_entry_account_booked")]
        triggers = _immutable()

    def __str__(self):
        return f"分录 {self.pk}：账户 {self.account_id} 第 {self.seq} 条 {self.amount}"


class Period(models.Model):
    """A closed month (结账月份) of one owner in one ledger: it refuses postings from then on.

    A row exists only for a closed month; closing is final (ERPNext's period closing).
    """

    ledger = models.CharField(_("台账"), max_length=32)
    owner = models.ForeignKey(
        settings.LEDGER_OWNER_MODEL, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    closed_at = models.DateTimeField(_("结账时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("结账人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+", db_index=False,
    )

    jurisdiction_field = "owner"
    jurisdiction_writers = ("office",)

    class Meta:
        verbose_name = _("已结账月份")
        verbose_name_plural = _("已结账月份")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "owner", "month"], name="ledger_period_unique"),
            models.CheckConstraint(name="ledger_period_first_of_month", condition=Q(month__day=1)),
        ]
        triggers = _immutable()

    def __str__(self):
        return f"{self.ledger} {self.month:%Y年%m月}"


class VerificationRun(models.Model):
    """A run of the chain verification (``ledger_verify``, the daily task): what the badge shows."""

    ledger = models.CharField(_("台账"), max_length=32, blank=True)  # "" = every ledger
    started_at = models.DateTimeField(_("开始时间"))
    seconds = models.FloatField(_("用时（秒）"))
    accounts_checked = models.PositiveIntegerField(_("账户数"))
    entries_checked = models.PositiveBigIntegerField(_("分录数"))
    ok = models.BooleanField(_("通过"))
    first_bad_entry_id = models.BigIntegerField(_("首个未通过的分录"), null=True, blank=True)
    first_bad_account_id = models.BigIntegerField(_("其所在账户"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("台账校验")
        verbose_name_plural = _("台账校验")
        ordering = ["-started_at", "-id"]
        triggers = _immutable()

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {'通过' if self.ok else '未通过'}"
