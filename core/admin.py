from django.contrib import admin


class NoDeleteAdmin(admin.ModelAdmin):
    """Records are withdrawn or closed, never deleted (a trigger refuses DELETE anyway)."""

    def has_delete_permission(self, request, obj=None):
        return False
