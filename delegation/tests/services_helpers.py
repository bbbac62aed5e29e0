"""Helpers of delegation's service tests (test_services_*.py)."""

from delegation.models import ItemStatusChange


def log(item) -> list[tuple]:
    return list(
        ItemStatusChange.objects.filter(item=item).order_by("id").values_list("from_status", "to_status", "effective_on")
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)
