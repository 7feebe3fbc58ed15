from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` (the mobile app's header)."""

    keyword = "Bearer"
