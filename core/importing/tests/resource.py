"""A test-only kind: holiday-calendar days (core.CalendarDay) imported through ServiceResource.

core.importing's own tests use it so they need no app: a natural key (年度 by year), a date,
a choice, a text column, and a "service" that writes the row after ``full_clean``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.importing import registry
from core.importing.cells import ChoiceCellWidget, DateCellWidget, NaturalKeyWidget, TextWidget
from core.importing.resources import ServiceResource, column
from core.models import CalendarDay, CalendarDayKind, CalendarYear

KEY = "core.calendar_day"
COLUMNS = ("year", "date", "kind", "name")


def calendar_day_create(*, actor, **values) -> CalendarDay:
    day = CalendarDay(created_by=actor, updated_by=actor, **values)
    day.full_clean()
    day.save()
    return day


class YearWidget(NaturalKeyWidget):
    not_found = _("未找到“%(key)s”。")

    def __init__(self):
        super().__init__(CalendarYear, "year")

    def preload(self, keys) -> None:  # the year column holds numbers
        super().preload({k for k in keys if k.isdigit()})
        for key in keys:
            if key and not key.isdigit():
                self._cache[key] = self.refusal(self.not_found, key=key)


class CalendarDayResource(ServiceResource):
    year = column(CalendarDay, "year", YearWidget())
    date = column(CalendarDay, "date", DateCellWidget())
    kind = column(CalendarDay, "kind", ChoiceCellWidget(CalendarDayKind.choices))
    name = column(CalendarDay, "name", TextWidget())

    required_columns = COLUMNS
    key_fields = ("date",)

    class Meta(ServiceResource.Meta):
        model = CalendarDay
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        import_id_fields = ["date"]

    def save_through_service(self, instance, is_create):
        if is_create:
            return calendar_day_create(actor=self.actor, year=instance.year, date=instance.date, kind=instance.kind,
                                       name=instance.name)
        return instance


def register() -> registry.Registration:
    return registry.register(
        KEY, CalendarDayResource, label=_("节假日或调休日"),
        export_queryset=lambda *, user, filters=None, request=None: CalendarDay.objects.select_related("year").order_by("date"),
        may_import=lambda user: user.is_superuser, may_export=lambda user: user.is_superuser,
    )
