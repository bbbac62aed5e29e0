"""The county office's steps in the API (approve, reject, draw a project; accept or refuse a
reclamation): a role that never takes the step is refused (403) before the row is looked up, as
the platform's permission class refuses a role that writes nothing (regions.permissions). The
town's clerk writes projects and reclamations, so the model's gate lets them through; this gate
stops them at the office's steps, in the services' words. The services check the same again,
over the row's division."""

from __future__ import annotations

from django.utils.translation import gettext
from rest_framework import permissions

from regions import scoping
from regions.choices import Role


class StepRolePermission(permissions.BasePermission):
    """``view.step_roles``: action name → the roles that take the step; other actions pass."""

    message = ""

    def has_permission(self, request, view):
        roles = getattr(view, "step_roles", {}).get(getattr(view, "action", None))
        if roles is None:
            return True
        user = request.user
        if user.is_superuser and user.is_active:
            return True
        if any(g.role in roles for g in scoping.grants(user)):
            return True
        self.message = gettext("只有%(who)s才能办理这一步。") % {
            "who": gettext("、").join(str(Role(r).label) for r in roles)}
        return False
