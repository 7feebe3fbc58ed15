"""Audit trail (nhật ký): append-only events written by services in their own transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models

from congso.core.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (
        (forwarded.split(",")[0].strip() or None) if forwarded else request.META.get("REMOTE_ADDR")
    )


def record(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    agency: Any = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the service's transaction.

    ``at`` defaults to now; only a replay of history (the demo loader) passes the time at which the
    replayed action happened.
    """
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if is_user else "hệ thống",
        agency=agency,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        note=note or "",
        data=data or {},
        ip_address=ip_address,
        **({"at": at} if at is not None else {}),
    )


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.for_object(obj).select_related("actor", "agency")
