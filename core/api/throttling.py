"""API rate limits (DRF throttling), counted in the shared cache so every gunicorn worker sees them.

- ``UserRateThrottle``: per signed-in user, so per token (a user has one); ``AnonRateThrottle``:
  per client address for what anonymous callers may reach.
- The token endpoint is stricter: ``TokenAddressThrottle`` per address and
  ``TokenUsernameThrottle`` per username tried (whatever the address: a password guessed from
  many machines), on top of django-axes' lockout after 5 failures.

Rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on each request, not when the
class is imported (DRF's own classes keep the rates of import time, which ``override_settings``
cannot change). When the cache is down (Redis stopped) requests are let through and a warning
is logged: a rate limit must not turn an outage of Redis into an outage of the API.
A refused request answers 429 with ``Retry-After`` in the JSON error format (core.api.exceptions).
"""

from __future__ import annotations

import hashlib
import logging

from rest_framework import throttling
from rest_framework.settings import api_settings

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency; a cache without it raises OSError
    RedisError = OSError

logger = logging.getLogger(__name__)
CACHE_ERRORS = (OSError, RedisError)  # what a cache backend raises when its server is gone


class _Shared:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        # DRF parses the rate in __init__; parse again with the current settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning("rate limit %s not checked, the cache is unavailable: %r", self.scope, exc)
            return True


class UserRateThrottle(_Shared, throttling.UserRateThrottle):
    scope = "user"


class AnonRateThrottle(_Shared, throttling.AnonRateThrottle):
    scope = "anon"


class TokenAddressThrottle(_Shared, throttling.SimpleRateThrottle):
    scope = "token_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUsernameThrottle(_Shared, throttling.SimpleRateThrottle):
    scope = "token_username"

    def get_cache_key(self, request, view):
        try:
            username = request.data.get("username")
        except Exception:  # an unreadable body is the parser's 400, not a rate limit
            return None
        if not isinstance(username, str) or not username.strip():
            return None
        # casefold: "Office" and "office" are one login to guess at; hashed, as keys may not hold spaces.
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}
