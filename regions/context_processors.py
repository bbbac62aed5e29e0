from . import scoping
from .choices import Role


def jurisdiction(request):
    """The signed-in user's roles for the navigation bar (one small query, cached per request)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    from .models import Division

    granted = scoping.grants(user)
    names = dict(Division.objects.filter(id__in=[g.division_id for g in granted]).values_list("id", "name"))
    return {
        "user_grants": [
            {"role": Role(g.role).label, "role_code": g.role, "division": names.get(g.division_id, "")}
            for g in granted
        ],
        "user_roles": {g.role for g in granted},
    }
