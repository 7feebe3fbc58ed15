"""The catalog's full-text index: SQLite FTS5 with triggers, or a PostgreSQL tsvector + GIN.

See congso.catalog.search for why each backend is built this way.
"""

from django.db import migrations

from congso.catalog import search


def forwards(apps, schema_editor):
    search.install(schema_editor.connection)


def backwards(apps, schema_editor):
    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_search_columns"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
