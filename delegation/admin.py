"""Admin of the catalogue, for administrators. Nothing is deleted (core.admin.NoDeleteAdmin).

Items and assignments import and export through the resources (all or nothing, written by
the services); exercise records export here and import on the import page (the fast path).
Life-cycle fields (status, take-over) are read-only: they change through the services' steps.
"""

from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from core.admin import NoDeleteAdmin

from . import services
from .models import Agreement, Assignment, Batch, ExerciseRecord, Item, ItemStatusChange, Training
from .resources import AssignmentResource, ExerciseRecordResource, ItemResource


class ResourceUserMixin:
    """Resources need the acting user (jurisdiction, attribution); CSV/XLSX only."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    from_encoding = "utf-8-sig"
    to_encoding = "utf-8-sig"  # Excel opens UTF-8 CSV correctly only with the BOM

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"actor": request.user}


class StampMixin:
    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)


@admin.register(Batch)
class BatchAdmin(StampMixin, NoDeleteAdmin):
    list_display = ["code", "name", "division", "document_number", "published_on", "effective_on"]
    search_fields = ["code", "name", "document_number"]
    list_select_related = ["division"]
    readonly_fields = ["published_on", "created_at", "created_by", "updated_at", "updated_by"]


@admin.register(Item)
class ItemAdmin(ResourceUserMixin, ImportExportMixin, NoDeleteAdmin):
    resource_classes = [ItemResource]
    list_display = ["code", "name", "category", "department", "batch", "status"]
    list_filter = ["status", "category"]
    search_fields = ["code", "name"]
    list_select_related = ["department__division", "batch"]
    readonly_fields = ["batch", "status", "created_at", "created_by", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        # Through the services, so the admin obeys the same rules (withdrawn items closed, codes frozen).
        values = {name: form.cleaned_data[name] for name in services.ITEM_FIELDS if name in form.cleaned_data}
        if change:
            saved = services.item_update(item=Item.objects.get(pk=obj.pk), actor=request.user, **values)
        else:
            saved = services.item_create(actor=request.user, **values)
        obj.pk = saved.pk


@admin.register(ItemStatusChange)
class ItemStatusChangeAdmin(NoDeleteAdmin):
    list_display = ["item", "from_status", "to_status", "effective_on", "actor", "created_at"]
    list_select_related = ["item", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(StampMixin, NoDeleteAdmin):
    list_display = ["number", "department", "division", "signed_on"]
    search_fields = ["number"]
    list_select_related = ["department__division", "division"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]


@admin.register(Assignment)
class AssignmentAdmin(ResourceUserMixin, ImportExportMixin, StampMixin, NoDeleteAdmin):
    resource_classes = [AssignmentResource]
    list_display = ["item", "division", "mode", "assigned_on", "takeover_status", "taken_over_on", "revoked_on"]
    list_filter = ["takeover_status", "mode"]
    search_fields = ["item__code", "item__name", "division__name"]
    list_select_related = ["item", "division"]
    readonly_fields = ["takeover_status", "taken_over_on", "revoked_on", "created_at", "created_by", "updated_at", "updated_by"]


@admin.register(Training)
class TrainingAdmin(StampMixin, NoDeleteAdmin):
    list_display = ["held_on", "title", "kind", "division", "department", "attendees"]
    list_filter = ["kind"]
    list_select_related = ["division", "department__division"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]


@admin.register(ExerciseRecord)
class ExerciseRecordAdmin(ResourceUserMixin, ExportMixin, StampMixin, NoDeleteAdmin):
    resource_classes = [ExerciseRecordResource]
    list_display = ["decision_number", "applicant", "division", "item", "decided_on", "filing_due_on", "filed_on"]
    list_filter = ["outcome"]
    search_fields = ["decision_number", "applicant"]
    date_hierarchy = "decided_on"
    list_select_related = ["division", "item", "officer"]
    readonly_fields = ["filing_due_on", "created_at", "created_by", "updated_at", "updated_by"]
