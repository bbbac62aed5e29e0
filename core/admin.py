from django.contrib import admin

from core import deadlines
from core.models import CalendarDay, CalendarYear


class NoDeleteAdmin(admin.ModelAdmin):
    """Records are withdrawn or closed, never deleted (a trigger refuses DELETE anyway)."""

    def has_delete_permission(self, request, obj=None):
        return False


# --- The statutory holiday calendar ----------------------------------------------------------
# Changes here bypass core.services, so each save tells core.deadlines to forget the year.


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(NoDeleteAdmin):
    list_display = ["year", "source", "notice", "updated_at", "updated_by"]
    list_filter = ["source"]
    search_fields = ["year", "notice"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    inlines = [CalendarDayInline]

    def get_readonly_fields(self, request, obj=None):
        # The year number and its source are fixed once entered; re-enter through the services.
        return [*self.readonly_fields, *(["year", "source"] if obj else [])]

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)
        deadlines.invalidate_year(obj.year)


@admin.register(CalendarDay)
class CalendarDayAdmin(NoDeleteAdmin):
    list_display = ["date", "kind", "name", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["year"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)
        for day in {obj.date, form.initial.get("date")} - {None}:
            deadlines.invalidate_year(day.year)
