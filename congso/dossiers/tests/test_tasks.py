"""The hourly deadline task: late dossiers flagged, handlers reminded once."""

from __future__ import annotations

import pytest

from congso.core.models import AuditEvent
from congso.dossiers import tasks
from congso.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_reminders_flag_late_and_notify_the_handler_once(make_dossier, demo_people, mailoutbox):
    late = make_dossier("in_progress", when=at("2026-03-02", "08:00"))
    soon = make_dossier("received", when=at("2026-03-16", "08:00"))
    make_dossier("received", when=at("2026-03-19", "08:00"))  # far from its deadline
    now = at("2026-03-19", "15:00")
    result = tasks.deadline_reminders(now=now)
    assert result == {"flagged": 1, "officers": 1, "dossiers": 2}
    late.refresh_from_db()
    assert late.is_late_flag
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert late.code in body and soon.code in body and "ĐÃ QUÁ HẠN" in body
    assert mailoutbox[0].to == [demo_people["chuyenvien"].email]
    assert AuditEvent.objects.filter(action="dossier.reminder").count() == 2
    again = tasks.deadline_reminders(now=now)
    assert again["officers"] == 0 and len(mailoutbox) == 1


def test_celery_entry_point_is_registered_under_the_scheduled_name():
    from django.conf import settings

    name = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]["task"]
    assert tasks.send_deadline_reminders.name == name


def test_commands(make_dossier, demo_people, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from congso.dossiers import services

    dossier = make_dossier("approved", procedure="hours")
    services.payment_create(actor=demo_people["congdan"], dossier=dossier)
    statement = tmp_path / "sao-ke.csv"
    statement.write_text("25/11/2026,2000,HS %s\n" % dossier.code, encoding="utf-8")
    out = StringIO()
    call_command("reconcile_payments", str(statement), "--as", "motcua", stdout=out)
    assert "Khớp 1 dòng" in out.getvalue()
    dossier.refresh_from_db()
    assert dossier.paid_online
    with pytest.raises(CommandError):
        call_command("reconcile_payments", str(statement), "--as", "congdan", stdout=out)
    out = StringIO()
    call_command("send_deadline_reminders", stdout=out)
    assert "quá hạn" in out.getvalue()
