"""The API's permission class (settings: DEFAULT_PERMISSION_CLASSES), built on regions.scoping.

Reads of rows outside the jurisdiction never get here: every viewset's queryset is scoped
(core.api.viewsets), so they are 404. Here: 401/403 for anonymous users and users without a
membership, 403 for writes by roles that do not write the model, and for writes to a row, or
a row about to be created (core.api.viewsets checks the candidate), outside the write scope.
"""

from rest_framework import permissions

from . import scoping


class JurisdictionPermission(permissions.BasePermission):
    """Authenticated users with a membership; writes only for the model's writer roles."""

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not (user.is_superuser or scoping.grants(user)):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        return scoping.may_write_model(user, model)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return scoping.can(request.user, scoping.CHANGE, obj)
