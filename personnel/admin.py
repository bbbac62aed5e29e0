from django.contrib import admin

from core.admin import NoDeleteAdmin

from .models import EnforcementCertificate, Officer


@admin.register(Officer)
class OfficerAdmin(NoDeleteAdmin):
    list_display = ["name", "staff_number", "division", "is_active"]
    search_fields = ["name", "staff_number"]


@admin.register(EnforcementCertificate)
class EnforcementCertificateAdmin(NoDeleteAdmin):
    list_display = ["number", "officer", "department", "valid_from", "valid_until", "revoked_on"]
    search_fields = ["number", "officer__name"]
