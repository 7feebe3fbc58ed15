"""Full-text index of the catalog, one implementation per database, same folded text.

Both backends index the Python-folded columns ``Procedure.name_folded`` and
``Procedure.search_text`` (lower case, no diacritics, đ → d, see :mod:`congso.core.vntext`), so a
query folded by the same function matches whatever the citizen typed, with or without marks.

* SQLite: an FTS5 table with external content (``catalog_procedure_fts``) kept in step by three
  triggers on ``catalog_procedure``. FTS5's own ``remove_diacritics`` keeps "đ", which is why the
  folded shadow columns are indexed rather than the names. Ranked with ``bm25`` (name weighs 8×).
* PostgreSQL: a stored generated ``tsvector`` column (``search_vector``, name weight A, the rest B)
  with a GIN index, queried with the ``simple`` configuration and ranked with ``ts_rank``. Folding
  happens in Python rather than with ``unaccent``: the query and the index then go through the one
  same function on both databases, and no extension (which managed servers often refuse to
  non-superusers) is needed.

The index is part of the database schema: migrations create it, :func:`ensure_index` repairs it
after ``migrate`` (SQLite drops triggers when a later migration rebuilds the table), and nothing
has to be refreshed by hand after a row changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "catalog_procedure_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "catalog_procedure_search_gin"

_SQLITE_TRIGGERS = {
    "catalog_procedure_fts_ai": (
        "CREATE TRIGGER IF NOT EXISTS catalog_procedure_fts_ai AFTER INSERT ON catalog_procedure "
        "BEGIN INSERT INTO catalog_procedure_fts(rowid, name_folded, search_text) "
        "VALUES (new.id, new.name_folded, new.search_text); END"
    ),
    "catalog_procedure_fts_ad": (
        "CREATE TRIGGER IF NOT EXISTS catalog_procedure_fts_ad AFTER DELETE ON catalog_procedure "
        "BEGIN INSERT INTO catalog_procedure_fts(catalog_procedure_fts, rowid, name_folded, "
        "search_text) VALUES ('delete', old.id, old.name_folded, old.search_text); END"
    ),
    "catalog_procedure_fts_au": (
        "CREATE TRIGGER IF NOT EXISTS catalog_procedure_fts_au AFTER UPDATE OF name_folded, "
        "search_text ON catalog_procedure BEGIN "
        "INSERT INTO catalog_procedure_fts(catalog_procedure_fts, rowid, name_folded, search_text) "
        "VALUES ('delete', old.id, old.name_folded, old.search_text); "
        "INSERT INTO catalog_procedure_fts(rowid, name_folded, search_text) "
        "VALUES (new.id, new.name_folded, new.search_text); END"
    ),
}

_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_procedure_fts USING fts5("
    "name_folded, search_text, content='catalog_procedure', content_rowid='id', "
    "tokenize='unicode61', prefix='2 3')"
)

_PG_SETUP = [
    "ALTER TABLE catalog_procedure ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(name_folded, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_text, '')), 'B')) STORED",
    # fastupdate off: the catalog is read far more than written, and entries parked in GIN's
    # pending list until the next VACUUM made the planner prefer a sequential scan (100× slower).
    "CREATE INDEX IF NOT EXISTS catalog_procedure_search_gin ON catalog_procedure "
    "USING gin (search_vector) WITH (fastupdate = off)",
]

# bm25 column weights: a word of the name counts eight times a word elsewhere.
_BM25 = "bm25(catalog_procedure_fts, 8.0, 1.0)"


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index for ``connection``'s database (used by the migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(_SQLITE_TABLE)
            for sql in _SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            cursor.execute(
                "INSERT INTO catalog_procedure_fts(catalog_procedure_fts) VALUES ('rebuild')"
            )
        elif connection.vendor == "postgresql":
            for sql in _PG_SETUP:
                cursor.execute(sql)


def disable_gin_fastupdate(connection: BaseDatabaseWrapper) -> None:
    """Index new rows straight into the GIN index (see _PG_SETUP) and flush what is pending."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER INDEX catalog_procedure_search_gin SET (fastupdate = off)")
        cursor.execute("SELECT gin_clean_pending_list('catalog_procedure_search_gin')")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute("DROP TRIGGER IF EXISTS %s" % name)
            cursor.execute("DROP TABLE IF EXISTS catalog_procedure_fts")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS catalog_procedure_search_gin")
            cursor.execute("ALTER TABLE catalog_procedure DROP COLUMN IF EXISTS search_vector")


def missing_parts(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of the index objects that should exist but do not (empty when healthy)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "catalog_procedure" not in tables:
            return []
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            return [n for n in [FTS_TABLE, *_SQLITE_TRIGGERS] if n not in present]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = 'catalog_procedure' AND column_name = %s",
                [PG_COLUMN],
            )
            return [] if cursor.fetchone() else [PG_COLUMN]
    return []


def ensure_index(using: str = "default") -> bool:
    """Recreate a missing index part and rebuild it; True when something was repaired."""
    connection = connections[using]
    if not missing_parts(connection):
        return False
    install(connection)
    return True


def rebuild(using: str = "default") -> None:
    """Re-read every row into the index (SQLite); PostgreSQL's generated column needs nothing."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_procedure_fts(catalog_procedure_fts) VALUES ('rebuild')"
            )


def is_supported(using: str = "default") -> bool:
    return connections[using].vendor in {"sqlite", "postgresql"}


def ranked_ids(
    groups: Sequence[Sequence[str]],
    *,
    prefix: str | None,
    within: QuerySet[Any],
    limit: int | None = None,
) -> list[int]:
    """Ids of the rows of ``within`` matching any group of tokens, best first.

    A row matches a group when it contains every token of the group, in any order; tokens are
    folded syllables. A token equal to ``prefix`` (the word still being typed) also matches as
    a prefix. ``within`` is a Procedure queryset that limits the rows (active procedures,
    filters); ``limit`` keeps only the best matches.
    """
    groups = [list(g) for g in groups if g]
    if not groups:
        return []
    connection = connections[within.db]
    if connection.vendor == "sqlite":
        expression = " OR ".join(
            "(%s)" % " ".join('"%s"%s' % (t, "*" if t == prefix else "") for t in group)
            for group in groups
        )
        restrict_sql, restrict_params = within.order_by().values("pk").query.sql_with_params()
        # restrict_sql is SQL compiled by Django with placeholders; user text is a parameter.
        # The full-text match runs once, materialised, before the filter: written as a plain
        # "rowid IN (...)" SQLite may instead probe the FTS index once per allowed row.
        sql = (
            "WITH hits AS MATERIALIZED (SELECT rowid AS id, %s AS score "  # noqa: S608
            "FROM catalog_procedure_fts WHERE catalog_procedure_fts MATCH %%s) "
            "SELECT hits.id FROM hits WHERE hits.id IN (%s) ORDER BY hits.score, hits.id%s"
            % (_BM25, restrict_sql, " LIMIT %d" % limit if limit else "")
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *restrict_params])
            return [row[0] for row in cursor.fetchall()]
    # PostgreSQL: match and rank on the table itself (the generated column and its GIN index).
    expression = " | ".join(
        "(%s)" % " & ".join(t + (":*" if t == prefix else "") for t in group) for group in groups
    )
    # Constant SQL; the user's words travel as the parameter.
    matches = RawSQL(
        "search_vector @@ to_tsquery('simple'::regconfig, %s)",
        [expression],
        output_field=BooleanField(),
    )
    score = RawSQL(
        "ts_rank(search_vector, to_tsquery('simple'::regconfig, %s))",
        [expression],
        output_field=FloatField(),
    )
    ranked = within.filter(matches).annotate(score=score).order_by("-score", "pk")
    return list(ranked.values_list("pk", flat=True)[:limit])
