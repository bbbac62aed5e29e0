"""Abstract base models shared by every app, and the statutory holiday calendar (DOMAIN.md §0)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.messages import PlainMessagesModelMixin


class AuditedModel(PlainMessagesModelMixin, models.Model):
    """Who created and last changed a row, and when.

    Validation messages name the field (core.messages): every model's full_clean says them.

    The full before/after history lives in the pghistory event tables (see core.history);
    these columns make the common question — who touched this last — a plain column read.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+", db_index=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+", db_index=False,
    )

    class Meta:
        abstract = True

    def stamp(self, actor) -> None:
        """Set the author columns before a save made on ``actor``'s behalf."""
        if actor is not None and getattr(actor, "pk", None):
            if self._state.adding and self.created_by_id is None:
                self.created_by = actor
            self.updated_by = actor


# --- The statutory holiday calendar (DOMAIN.md §0) -------------------------------------------
# Read by core.deadlines, written by core.services. Kept in the database rather than read from
# the chinese-calendar package at run time because the State Council publishes each year's
# holidays late in the previous year and the package lags behind: the office must be able to
# enter a year from the notice itself, and a deadline must never be computed on a guessed year.

CALENDAR_MIN_YEAR = 2000
CALENDAR_MAX_YEAR = 2199


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar 软件包")
    MANUAL = "manual", _("人工录入（国务院办公厅放假通知）")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


@track()
class CalendarYear(AuditedModel):
    """One year of the statutory holiday calendar (节假日年度).

    A year is known to the deadline module only if its row exists: without it, no date in
    that year can be counted (core.deadlines raises CalendarUnknownYear). Rows are never
    deleted; a year is corrected by entering it again.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True,
        validators=[MinValueValidator(CALENDAR_MIN_YEAR), MaxValueValidator(CALENDAR_MAX_YEAR)],
    )
    source = models.CharField(_("来源"), max_length=16, choices=CalendarSource.choices)
    notice = models.TextField(_("放假通知（文号）"), blank=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(year)s年") % {"year": self.year}


@track()
class CalendarDay(AuditedModel):
    """A day that breaks the Monday–Friday rule (节假日或调休日).

    ``holiday``: a statutory holiday or an extra rest day (it may fall on a weekend, as the
    package records the whole break). ``workday``: a make-up working day (调休上班), which is
    always a Saturday or Sunday. Every other day is a working day from Monday to Friday and
    a rest day at the weekend.
    """

    year = models.ForeignKey(CalendarYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日或调休日")
        ordering = ["date"]
        constraints = [
            # ISO weekday: 6 = Saturday, 7 = Sunday.
            models.CheckConstraint(
                name="calendarday_workday_on_weekend",
                condition=Q(kind=CalendarDayKind.HOLIDAY) | Q(kind=CalendarDayKind.WORKDAY, date__iso_week_day__gte=6),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"

    def clean(self):
        errors = {}
        if self.date and self.year_id and self.date.year != self.year.year:
            errors["date"] = gettext("日期 %(date)s 不在%(year)s年内。") % {"date": f"{self.date:%Y-%m-%d}", "year": self.year.year}
        if self.date and self.kind == CalendarDayKind.WORKDAY and self.date.isoweekday() < 6:
            errors["kind"] = gettext("%(date)s 是工作日（周一至周五），调休上班日只能是星期六或星期日。") % {"date": f"{self.date:%Y-%m-%d}"}
        if errors:
            raise ValidationError(errors)
