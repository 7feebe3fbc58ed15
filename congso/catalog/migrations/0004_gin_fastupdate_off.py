"""PostgreSQL: the catalog's GIN index takes new rows directly (no pending list)."""

from django.db import migrations

from congso.catalog import search


def forwards(apps, schema_editor):
    search.disable_gin_fastupdate(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_search_index"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
