"""Store the working hours a decided dossier used (for the dashboard's average processing time).

``working_hours_used`` = office hours from receipt to decision (the handling agency's office
hours, else ``OFFICE_HOURS``) − ``paused_hours``, as ``services.transitions._finish`` sets it.
The backfill walks the decided dossiers in primary-key order, 500 at a time (keyset pagination:
no cursor stays open while rows are written, which SQLite would not like), computing each with
``core.workdays`` — a few seconds for the demo's few thousand dossiers.
"""

from typing import Any

from django.db import migrations, models

CHUNK = 500


def backfill(apps: Any, schema_editor: Any) -> None:
    from congso.core import workdays

    Dossier = apps.get_model("dossiers", "Dossier")
    decided = Dossier.objects.using(schema_editor.connection.alias).filter(
        finished_at__isnull=False, received_at__isnull=False, working_hours_used__isnull=True
    )
    last = 0
    while True:
        rows = list(
            decided.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "received_at", "finished_at", "paused_hours", "agency__office_hours")[
                :CHUNK
            ]
        )
        if not rows:
            return
        batch = []
        for pk, received_at, finished_at, paused, spec in rows:
            hours = workdays.working_hours_between(received_at, finished_at, spec=spec or None)
            batch.append(Dossier(pk=pk, working_hours_used=hours - (paused or 0.0)))
        Dossier.objects.using(schema_editor.connection.alias).bulk_update(
            batch, ["working_hours_used"]
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_event_time"),
        ("dossiers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="working_hours_used",
            field=models.FloatField(blank=True, null=True, verbose_name="giờ làm việc đã dùng"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
