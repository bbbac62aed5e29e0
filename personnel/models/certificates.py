"""Officers, their enforcement certificates (行政执法证, DOMAIN.md §2/§4, 持证上岗) and the
training and exam records behind them."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Role
from regions.models import Department, Division


@track()
class Officer(AuditedModel):
    """A person who handles cases (经办人/承办人) in a town or department."""

    division = models.ForeignKey(Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="officers")
    name = models.CharField(_("姓名"), max_length=32)
    staff_number = models.CharField(_("工号"), max_length=32, unique=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["division__path", "name"]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(name)s（%(number)s）") % {"name": self.name, "number": self.staff_number}


def certificate_valid_on(valid_from: datetime.date, valid_until: datetime.date, revoked_on: datetime.date | None,
                         day: datetime.date) -> bool:
    """Is a certificate with these dates valid on ``day``? Within valid_from … valid_until (both
    included) and not revoked on or before ``day`` (a revocation takes effect on its date).

    The one statement of the rule: ``EnforcementCertificate.is_valid_on`` calls it on a row,
    delegation.rules on the dates it preloaded; ``EnforcementCertificate.valid_on_q`` is the
    same rule as a query condition (change both together).
    """
    return valid_from <= day <= valid_until and (revoked_on is None or revoked_on > day)


@track()
class EnforcementCertificate(AuditedModel):
    """An enforcement certificate issued to an officer for one department's powers (持证上岗).

    Valid on a date d when valid_from <= d <= valid_until and it was not revoked on or before d
    (``certificate_valid_on``).
    """

    officer = models.ForeignKey(Officer, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    department = models.ForeignKey(
        Department, verbose_name=_("发证（委托）部门"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("证号"), max_length=64, unique=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    revoked_on = models.DateField(_("吊销/注销日期"), null=True, blank=True)

    jurisdiction_field = "officer__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("行政执法证")
        verbose_name_plural = _("行政执法证")
        ordering = ["-valid_until"]
        indexes = [models.Index(fields=["officer", "department", "valid_until"], name="cert_lookup")]
        constraints = [
            models.CheckConstraint(name="cert_valid_range", condition=Q(valid_until__gte=models.F("valid_from"))),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.number

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("有效期止不能早于有效期起。")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return certificate_valid_on(self.valid_from, self.valid_until, self.revoked_on, day)

    @staticmethod
    def valid_on_q(day: datetime.date) -> Q:
        """The certificates valid on ``day`` (``certificate_valid_on``), as a query condition."""
        return Q(valid_from__lte=day, valid_until__gte=day) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("执法培训")
    EXAM = "exam", _("执法资格考试")


@track()
class TrainingRecord(AuditedModel):
    """An officer's enforcement training or qualification exam (持证上岗: trained, examined, certified)."""

    officer = models.ForeignKey(Officer, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="training")
    department = models.ForeignKey(Department, verbose_name=_("组织部门"), on_delete=models.PROTECT,
                                   related_name="officer_training")
    kind = models.CharField(_("类型"), max_length=16, choices=TrainingKind.choices)
    title = models.CharField(_("名称"), max_length=128)
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField(_("考试成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True, blank=True)

    jurisdiction_field = "officer__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("培训考试记录")
        verbose_name_plural = _("培训考试记录")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "kind", "title", "held_on"], name="training_once"),
            models.CheckConstraint(name="exam_has_result", condition=~Q(kind="exam") | Q(passed__isnull=False)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(name)s %(title)s") % {"name": self.officer.name, "title": self.title}

    def clean(self):
        if self.kind == TrainingKind.EXAM and self.passed is None:
            raise ValidationError({"passed": gettext("考试记录须填写是否合格。")})

