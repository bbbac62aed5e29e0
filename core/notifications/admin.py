"""Notices in the admin: read only (they are written by the services, never edited or deleted)."""

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "addressee", "kind", "title", "day", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "day"]
    search_fields = ["title", "subject_key", "addressee__username"]
    list_select_related = ["addressee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
