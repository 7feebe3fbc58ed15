"""Read queries about agencies and officers' roles."""

from __future__ import annotations

from typing import Any

from congso.agencies.models import Agency, Membership


def agencies_where(user: Any, *roles: str) -> list[Agency]:
    """Agencies in which ``user`` holds any of ``roles`` (all roles when none given)."""
    if user is None or not user.is_authenticated:
        return []
    qs = Membership.objects.filter(user=user).select_related("agency")
    if roles:
        qs = qs.filter(role__in=roles)
    return list({m.agency_id: m.agency for m in qs}.values())


def user_has_role(user: Any, role: str, agency: Agency | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    qs = Membership.objects.filter(user=user, role=role)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.exists()


def agency_get_by_slug(slug: str) -> Agency | None:
    return Agency.objects.filter(slug=slug).first()
