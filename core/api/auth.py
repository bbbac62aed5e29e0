"""The token endpoint (POST /api/v1/auth/token/): DRF's, with the stricter rate limits."""

from rest_framework.authtoken.views import ObtainAuthToken

from .throttling import TokenAddressThrottle, TokenUsernameThrottle


class ObtainTokenView(ObtainAuthToken):
    """Username and password in, the user's token out; django-axes locks out after 5 failures."""

    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]


obtain_token = ObtainTokenView.as_view()
