"""The one view that serves stored files, after the owning app's check (core/files.py)."""

from django.contrib.auth.views import redirect_to_login
from django.views.decorators.http import require_safe

from . import files


def _authenticate_token(request):
    """API clients download with their token (the links in the API's JSON point here)."""
    if request.user.is_authenticated or not request.headers.get("Authorization", "").startswith("Token "):
        return
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return
    if found:
        request.user = found[0]


@require_safe
def download(request, model: str, pk: str, field: str):
    """Login, then the app's scope: a file outside it answers 404 like its row's page does."""
    _authenticate_token(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    spec, obj = files.get_readable(request.user, model, pk, field)
    return files.file_response(getattr(obj, field), filename=spec.download_name(obj))
