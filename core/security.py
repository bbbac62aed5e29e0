"""HTTP security headers Django 5.2 does not send itself: the Content Security Policy.

``ContentSecurityPolicyMiddleware`` sends ``Content-Security-Policy`` built from
``settings.SECURE_CSP`` (and ``Content-Security-Policy-Report-Only`` from
``SECURE_CSP_REPORT_ONLY``): a dict of directive → list of sources, the shape of Django 6.0's
built-in setting of the same name, so moving to Django 6 is swapping this middleware for
``django.middleware.csp.ContentSecurityPolicyMiddleware``. No nonces: no page has an inline
script (Swagger UI loads its init script from ``?script``, Redoc initialises from an attribute,
the charts and the language switch are static files), so one fixed header serves every page.

A view may send its own policy (the header already set is left alone): ``csp_extended(view,
img_src=[…])`` adds sources to the site's policy for one page (Redoc hard-codes its logo's URL).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core import checks

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def build_policy(directives: Mapping[str, object] | None) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": True}`` → the header value."""
    parts = []
    for name, sources in (directives or {}).items():
        if sources is True:
            parts.append(name)
        elif sources:
            values = [sources] if isinstance(sources, str) else list(sources)
            parts.append(" ".join([name, *values]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for header, setting in ((HEADER, "SECURE_CSP"), (REPORT_ONLY_HEADER, "SECURE_CSP_REPORT_ONLY")):
            policy = build_policy(getattr(settings, setting, None))
            if policy and header not in response:
                response[header] = policy
        return response


def csp_extended(view: Callable, **extra: list[str]) -> Callable:
    """``view`` under the site's policy plus ``extra`` sources (``img_src=[…]`` → ``img-src``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        policy = {name: list(sources) if isinstance(sources, (list, tuple)) else sources
                  for name, sources in (getattr(settings, "SECURE_CSP", None) or {}).items()}
        for name, sources in extra.items():
            directive = name.replace("_", "-")
            policy[directive] = [*policy.get(directive, policy.get("default-src", [])), *sources]
        response[HEADER] = build_policy(policy)
        return response

    return wrapped


@checks.register(checks.Tags.security, deploy=True)
def check_csp(app_configs=None, **kwargs):
    """A deployment without the middleware or without a policy sends no CSP at all."""
    path = f"{__name__}.ContentSecurityPolicyMiddleware"
    if path in settings.MIDDLEWARE and build_policy(getattr(settings, "SECURE_CSP", None)):
        return []
    return [checks.Warning("No Content-Security-Policy is sent.",
                           hint=f"Add {path} to MIDDLEWARE and set SECURE_CSP.", id="kq.security.W001")]
