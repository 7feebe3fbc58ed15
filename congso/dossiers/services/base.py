"""Shared machinery of the dossier services: transactions, locking, timeline and audit
records, notifications after commit, and the bulk (history replay) mode."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congso.agencies.models import Agency
from congso.core import audit, cache_versions, vntext
from congso.core.exceptions import ApplicationError, NotFoundError
from congso.dossiers import workflow
from congso.dossiers.constants import RuleSet
from congso.dossiers.models import Dossier, DossierStep

#: Decree 118/2025 applies to dossiers received from this day; earlier ones keep Decree 61/2018.
DECREE_118_FROM = dt.date(2025, 7, 1)

# ---------------------------------------------------------------- notifications switch
_notifications_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "dossier_notifications", default=True
)
_bulk_mode: contextvars.ContextVar[bool] = contextvars.ContextVar("dossier_bulk", default=False)
#: Officers per (agency, role) while replaying history; the staff does not change meanwhile.
_bulk_cache: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "dossier_bulk_cache", default=None
)


@contextlib.contextmanager
def bulk_mode() -> Iterator[None]:
    """Replay history (the demo) with one writer in caller-managed transactions.

    Services then join the caller's transaction without a savepoint each, reuse the instance
    they are given instead of re-reading it under a lock (nobody else writes meanwhile), memoise
    officer lookups and notify nobody. The rows, steps and audit events are the same as in
    normal use. A failing action aborts the caller's transaction: wrap each replayed dossier in
    its own ``transaction.atomic()``."""
    token = _bulk_mode.set(True)
    cache_token = _bulk_cache.set({})
    try:
        with notifications_muted():
            yield
    finally:
        _bulk_cache.reset(cache_token)
        _bulk_mode.reset(token)


def _atomic(func: Any) -> Any:
    """``transaction.atomic`` that skips the savepoint in :func:`bulk_mode`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        savepoint = not _bulk_mode.get()
        with transaction.atomic(savepoint=savepoint):
            return func(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def notifications_muted() -> Iterator[None]:
    """Run services without notifying anyone (demo history, bulk imports)."""
    token = _notifications_enabled.set(False)
    try:
        yield
    finally:
        _notifications_enabled.reset(token)


def _notify_applicant(
    dossier: Dossier, *, note: str = "", due_date: dt.datetime | None = None
) -> None:
    """Tell the applicant (SMS and e-mail) of the new status after commit, and record the outcome
    of every hand-off in the audit trail (a failed notification is visible, never silent)."""
    if not _notifications_enabled.get():
        return
    phone = dossier.applicant_phone or None
    email = dossier.applicant_email or None
    if not phone and not email:
        return
    context = {
        "citizen_name": dossier.applicant_name,
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "status_label": dossier.get_status_display(),
        "note": note,
        "due_date": due_date,
        "agency_name": dossier.agency.name,
        "lookup_url": "%s/tra-cuu/?code=%s" % (getattr(settings, "SITE_URL", ""), dossier.code),
    }
    pk = dossier.pk

    def send() -> None:
        from congso.core.notify import notify

        report = notify(phone=phone, email=email, template_name="dossier_status", context=context)
        target = Dossier.objects.filter(pk=pk).first()
        if target is not None:
            audit.record(
                actor=None,
                obj=target,
                action="notify",
                note="dossier_status: %s" % context["status_label"],
                data=report.as_dict(),
            )

    transaction.on_commit(send)


# ---------------------------------------------------------------- helpers
def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    return now


_RELATED = ("procedure", "agency", "receiving_agency")


def _lock(dossier: Dossier) -> Dossier:
    """Re-read ``dossier`` under a row lock; the caller must be inside ``transaction.atomic``.

    The procedure and agencies do not change with the dossier's state, so the caller's already
    loaded instances are reused instead of joining them again.
    """
    if _bulk_mode.get() and dossier.pk is not None:
        # A single writer replays history inside its own transaction and always passes the
        # instance the previous service returned: it is current, and nobody else can lock it.
        return dossier
    try:
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    except Dossier.DoesNotExist:
        raise NotFoundError("Không tìm thấy hồ sơ.") from None
    for name in _RELATED:
        field = Dossier._meta.get_field(name)
        if field.is_cached(dossier):  # type: ignore[union-attr]
            cached = field.get_cached_value(dossier)  # type: ignore[union-attr]
            if cached is not None and cached.pk == getattr(locked, field.attname):  # type: ignore[union-attr]
                field.set_cached_value(locked, cached)  # type: ignore[union-attr]
    return locked


def _office_hours(dossier: Dossier) -> str | None:
    return dossier.agency.office_hours or None


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "hệ thống"
    return str(actor.get_full_name() or actor.get_username())


def _step_agency(dossier: Dossier, role: str) -> Agency | None:
    if role == workflow.RECEPTIONIST:
        return dossier.receiving_agency
    if role in (workflow.SPECIALIST, workflow.LEADER):
        return dossier.agency
    return None


def _record(
    *,
    actor: Any,
    dossier: Dossier,
    action: str,
    from_status: str,
    role: str = "",
    at: dt.datetime,
    note: str = "",
    public_note: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> DossierStep:
    """Append the timeline step and the audit event of one action."""
    agency = _step_agency(dossier, role)
    step = DossierStep.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name or _actor_name(actor),
        agency=agency,
        at=at,
        note=note,
        public_note=public_note[:300],
        due_at=dossier.due_at,
    )
    payload = dict(data or {})
    payload.setdefault("at", at.isoformat())
    if role:
        payload.setdefault("role", role)
    audit.record(
        actor=actor,
        obj=dossier,
        action="dossier.%s" % action,
        from_state=from_status,
        to_state=dossier.status,
        note=note,
        agency=agency,
        data=payload,
        at=at if _bulk_mode.get() else None,
    )
    # Readers that cache dossier figures (the dashboard's KPIs) key their caches on this version.
    cache_versions.bump_on_commit("dossiers")
    return step


def _save(dossier: Dossier, at: dt.datetime, *fields: str) -> None:
    dossier.updated_at = at
    dossier.save(update_fields=[*fields, "updated_at"])


def _rule_set_for(moment: dt.datetime) -> str:
    local = timezone.localtime(moment).date()
    return RuleSet.D118_2025 if local >= DECREE_118_FROM else RuleSet.D61_2018


def _clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    # NUL cannot be stored in PostgreSQL text; no legitimate input contains it.
    text = vntext.nfc(str(value or "")).replace("\x00", "").strip()
    if required and not text:
        raise ApplicationError("Vui lòng nhập %s." % field, {"fields": {field: ["Bắt buộc nhập."]}})
    if len(text) > max_length:
        raise ApplicationError(
            "%s quá dài (tối đa %d ký tự)." % (field[:1].upper() + field[1:], max_length),
            {"fields": {field: ["Tối đa %d ký tự." % max_length]}},
        )
    return text
