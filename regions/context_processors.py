from . import scoping
from .choices import NON_PILOT_CLERK_LABEL, Role


def jurisdiction(request):
    """The signed-in user's roles for the navigation bar (one small query, cached per request)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    from django.db.models import Exists, OuterRef

    from .models import Division, PilotDesignation

    granted = scoping.grants(user)
    pilot = PilotDesignation.objects.filter(division=OuterRef("pk"), revoked_on__isnull=True)
    divisions = {
        pk: (name, is_pilot)
        for pk, name, is_pilot in Division.objects.filter(id__in=[g.division_id for g in granted])
        .annotate(is_pilot=Exists(pilot)).values_list("id", "name", "is_pilot")
    }

    def label(g) -> str:
        # The clerk of a town that is not (or no longer) a pilot is not a 试点镇经办人.
        if g.role == Role.CLERK and not divisions.get(g.division_id, ("", False))[1]:
            return NON_PILOT_CLERK_LABEL
        return Role(g.role).label

    return {
        "user_grants": [
            {"role": label(g), "role_code": g.role, "division": divisions.get(g.division_id, ("", False))[0]}
            for g in granted
        ],
        "user_roles": {g.role for g in granted},
    }
