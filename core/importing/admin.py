from django.contrib import admin

from core.admin import NoDeleteAdmin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(NoDeleteAdmin):
    """Read only: jobs are written by core.importing.services."""

    list_display = ["id", "created_at", "direction", "kind", "original_name", "started_by", "status", "total_rows",
                    "created_count", "error_count", "seconds"]
    list_filter = ["direction", "kind", "status"]
    list_select_related = ["started_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)
