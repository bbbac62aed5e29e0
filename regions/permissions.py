"""DRF permission and view mixins built on regions.scoping (the API and the UI share them)."""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from . import scoping


class JurisdictionPermission(permissions.BasePermission):
    """Authenticated users with a membership; writes only for the model's writer roles.

    Reads of rows outside the jurisdiction never get here: the viewset's queryset is scoped,
    so they are 404.
    """

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not (user.is_superuser or scoping.grants(user)):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        model = getattr(view, "scoped_model", None) or getattr(getattr(view, "queryset", None), "model", None)
        if model is None or getattr(view, "write_check_in_view", False):
            return True
        return scoping.may_write_model(user, model)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "write_check_in_view", False):
            return True
        return scoping.can(request.user, scoping.CHANGE, obj)


class ScopedQuerysetMixin:
    """For Django class-based views and DRF viewsets: every queryset is scoped to the user."""

    scope_action = scoping.VIEW

    def get_queryset(self):
        return scoping.scope(super().get_queryset(), self.request.user, self.scope_action)


class ChangePermissionMixin:
    """For HTML edit views: the object must be visible (else 404) and changeable (else 403)."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not scoping.can(self.request.user, scoping.CHANGE, obj):
            raise PermissionDenied("您没有修改该记录的权限。")
        return obj


def ensure_can(user, action: str, obj) -> None:
    """Raise PermissionDenied unless ``user`` may ``action`` on ``obj``; for create paths."""
    if not scoping.can(user, action, obj):
        raise PermissionDenied("您没有在该区划登记或修改记录的权限。")


class ScopedViewSetMixin(ScopedQuerysetMixin):
    """For DRF viewsets: scoped reads, no DELETE, creates checked against the write scope.

    Combine with core.api.history.HistoryMixin and a ModelViewSet.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        candidate = serializer.Meta.model(**serializer.validated_data)
        ensure_can(self.request.user, scoping.CHANGE, candidate)
        super().perform_create(serializer)
