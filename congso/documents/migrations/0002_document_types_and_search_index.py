"""Seed the document types of Decree 30/2020, Appendix III, and create the full-text index.

SQLite gets an FTS5 table over the folded text; PostgreSQL a GIN index on ``search_vector``.
"""

from django.db import migrations

from congso.documents.constants import DOCUMENT_TYPES
from congso.documents.search import create_index_sql, drop_index_sql


def seed_types(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for order, (code, name, abbreviation) in enumerate(DOCUMENT_TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "abbreviation": abbreviation, "sort_order": order * 10},
        )


def create_index(apps, schema_editor):
    for sql in create_index_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    for sql in drop_index_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunPython(seed_types, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
