"""The holiday calendar in the admin: to look at only.

Every change to a year goes through core.services (calendar_year_import_from_package,
calendar_year_set_manual), which checks the whole year, records who made the change, tells
core.deadlines to forget the year and recomputes provisional due dates. An edit in the admin
would do none of that, so years and days are read-only here; the office enters or corrects a
year on the calendar pages (/calendar/).
"""

from django.contrib import admin

from core.models import CalendarDay, CalendarYear


class NoDeleteAdmin(admin.ModelAdmin):
    """Records are withdrawn or closed, never deleted (a trigger refuses DELETE anyway)."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoDeleteAdmin):
    """View permission only: for what only a service may write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source", "notice", "updated_at", "updated_by"]
    list_filter = ["source"]
    search_fields = ["year", "notice"]
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["year"]
