from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the province's name and the user's roles for the navigation."""
    user = getattr(request, "user", None)
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        roles = set(user.role_names()) if hasattr(user, "role_names") else set()
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "user_roles": roles,
        "is_officer": bool(roles),
    }
