"""Read-only admin pages of the ledger: rows are written by the services and never edited."""

from django.contrib import admin

from .models import Account, Entry, Period, Posting, VerificationRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "ledger", "owner", "code", "name", "kind", "unit", "invariant", "created_at"]
    list_filter = ["ledger", "kind", "unit"]
    search_fields = ["code", "name"]
    list_select_related = ["owner"]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ["id", "ledger", "type", "kind", "booked_on", "idempotency_key", "actor", "created_at"]
    list_filter = ["ledger", "type"]
    search_fields = ["idempotency_key", "memo"]
    list_select_related = ["actor"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "posting_id", "account_id", "seq", "phase", "amount", "booked_on", "hash"]
    list_filter = ["phase", "unit"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["ledger", "owner", "month", "closed_by", "closed_at"]
    list_filter = ["ledger"]


@admin.register(VerificationRun)
class VerificationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "ledger", "ok", "accounts_checked", "entries_checked", "first_bad_entry_id", "seconds"]
