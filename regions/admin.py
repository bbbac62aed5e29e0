from django.contrib import admin

from core.admin import NoDeleteAdmin

from .models import Department, Division, Membership, PilotDesignation


@admin.register(Division)
class DivisionAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "division", "is_active"]
    search_fields = ["code", "name"]


@admin.register(PilotDesignation)
class PilotDesignationAdmin(NoDeleteAdmin):
    list_display = ["division", "kind", "batch", "designated_on", "designated_by", "revoked_on"]


@admin.register(Membership)
class MembershipAdmin(NoDeleteAdmin):
    list_display = ["user", "division", "role", "department", "is_active"]
    list_filter = ["role", "is_active"]
