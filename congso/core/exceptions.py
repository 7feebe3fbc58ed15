"""One error model for services, views and the API.

Services raise :class:`ApplicationError` (or a subclass) with a Vietnamese message; the DRF
exception handler in :mod:`congso.core.api` turns it into ``{"message", "code", "extra"}`` with the
subclass's HTTP status, and HTML views show the same message to the user.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule of the domain was not met; the message is for the user, in Vietnamese."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    """The actor's role or agency does not allow the action."""

    status_code = 403
    code = "permission_denied"


class NotFoundError(ApplicationError):
    """The object does not exist or the actor may not see it (never leak which)."""

    status_code = 404
    code = "not_found"


class ConflictError(ApplicationError):
    """The object's current state does not allow the action (e.g. a workflow transition)."""

    status_code = 409
    code = "conflict"
