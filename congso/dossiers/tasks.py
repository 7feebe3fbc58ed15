"""Periodic work on dossiers: flag late ones and remind officers of deadlines.

Scheduled hourly by ``CELERY_BEAT_SCHEDULE`` (``congso.dossiers.tasks.send_deadline_reminders``);
runs in-process when Celery is eager. Each officer is reminded at most once per dossier in
``REMINDER_INTERVAL``, and every reminder is recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from celery import shared_task

from congso.agencies.models import Role
from congso.core import audit
from congso.core.models import AuditEvent
from congso.dossiers import services
from congso.dossiers.models import Dossier

REMINDER_INTERVAL = dt.timedelta(hours=20)


def _recently_reminded(now: dt.datetime) -> set[str]:
    return set(
        AuditEvent.objects.filter(
            object_type="dossiers.dossier",
            action="dossier.reminder",
            at__gte=now - REMINDER_INTERVAL,
        ).values_list("object_id", flat=True)
    )


def deadline_reminders(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Flag late dossiers, then send each handler one reminder listing their due-soon and
    overdue dossiers. Returns counts (flagged, officers notified, dossiers listed)."""
    from congso.core.notify import notify

    now = now or timezone.now()
    flagged = services.dossiers_flag_late(now=now)
    due = (
        Dossier.objects.open()
        .filter(paused_at__isnull=True)
        .filter(Q(due_soon_at__lte=now) | Q(due_at__lt=now))
        .select_related("procedure", "agency", "current_handler")
        .order_by("due_at")
    )
    skip = _recently_reminded(now)
    per_officer: dict[Any, list[Dossier]] = defaultdict(list)
    fallback: dict[int, list[Any]] = {}
    for dossier in due:
        if str(dossier.pk) in skip:
            continue
        officers = [dossier.current_handler] if dossier.current_handler else None
        if officers is None:
            if dossier.agency_id not in fallback:
                from congso.accounts.models import User

                fallback[dossier.agency_id] = list(
                    User.objects.filter(
                        memberships__agency_id=dossier.agency_id,
                        memberships__role=Role.SPECIALIST,
                        is_active=True,
                    )
                )
            officers = fallback[dossier.agency_id]
        for officer in officers:
            per_officer[officer].append(dossier)
    site = getattr(settings, "SITE_URL", "")
    listed = 0
    for officer, dossiers in per_officer.items():
        rows = [
            {
                "code": d.code,
                "procedure_name": d.procedure.name,
                "due_at": d.due_at,
                "overdue": bool(d.due_at and d.due_at < now),
                "url": site + d.get_absolute_url(),
            }
            for d in dossiers
        ]
        report = notify(
            to_user=officer,
            template_name="deadline_reminder",
            context={"officer": officer, "dossiers": rows, "dashboard_url": site + "/mot-cua/"},
        )
        for dossier in dossiers:
            audit.record(
                actor=None,
                obj=dossier,
                action="dossier.reminder",
                note="Nhắc hạn gửi %s" % officer.get_full_name(),
                data={"officer": officer.pk, "ok": report.ok},
            )
        listed += len(dossiers)
    return {"flagged": flagged, "officers": len(per_officer), "dossiers": listed}


@shared_task(name="congso.dossiers.tasks.send_deadline_reminders")
def send_deadline_reminders() -> dict[str, Any]:
    """Celery entry point of :func:`deadline_reminders`."""
    return deadline_reminders()
