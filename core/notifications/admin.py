"""Notices in the admin: read only (they are written by the services, never edited or deleted)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "addressee", "kind", "shown_title", "day", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "day"]
    search_fields = ["title", "subject_key", "addressee__username"]
    list_select_related = ["addressee"]

    @admin.display(description=_("标题"))
    def shown_title(self, obj):
        return obj.display_title  # in the admin's language, like the pages

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
