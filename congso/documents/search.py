"""Diacritic-insensitive full-text search over documents, inside the database.

Text is folded in Python (``vntext.fold_lower``, which maps đ→d: SQLite's ``remove_diacritics``
keeps đ, so "quyet dinh" would miss "quyết định"). SQLite indexes the folded text in an FTS5
table ``documents_fts(meta, body)`` ranked by bm25; PostgreSQL keeps a ``tsvector`` column built
with the ``simple`` configuration from the same folded text (metadata weighted A, body D) under a
GIN index. The index is written by the services in the document's own transaction, so it cannot
drift from the rows the way a side index does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from congso.core.vntext import fold_lower, folded_tokens

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from congso.documents.models import Document

FTS_TABLE = "documents_fts"
#: Extracted text beyond this many characters is not indexed (keeps rows and postings small).
MAX_BODY_CHARS = 60_000


def create_index_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            "CREATE VIRTUAL TABLE IF NOT EXISTS %s USING fts5(meta, body, tokenize = 'unicode61')"
            % FTS_TABLE
        ]
    if vendor == "postgresql":
        return [
            "CREATE INDEX IF NOT EXISTS documents_document_search_gin "
            "ON documents_document USING GIN (search_vector)"
        ]
    return []


def drop_index_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return ["DROP TABLE IF EXISTS %s" % FTS_TABLE]
    if vendor == "postgresql":
        return ["DROP INDEX IF EXISTS documents_document_search_gin"]
    return []


def index_fields(document: Document) -> tuple[str, str]:
    """(metadata, body) folded to lower-case text without diacritics."""
    meta = " ".join(
        part
        for part in [
            document.symbol,
            document.original_symbol,
            document.doc_type.name if document.doc_type_id else "",
            document.summary,
            document.issuing_agency_name,
            document.signer_name,
            document.agency.name if document.agency_id else "",
            "so den %s" % document.incoming_number if document.incoming_number else "",
        ]
        if part
    )
    body = "%s\n%s" % (document.body, document.extracted_text[:MAX_BODY_CHARS])
    return fold_lower(meta), fold_lower(body)


def index_document(document: Document) -> None:
    """(Re)index one document; call inside the transaction that changed it."""
    meta, body = index_fields(document)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM documents_fts WHERE rowid = %s", [document.pk])
            cursor.execute(
                "INSERT INTO documents_fts (rowid, meta, body) VALUES (%s, %s, %s)",
                [document.pk, meta, body],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE documents_document SET search_vector = "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
                [meta, body, document.pk],
            )


def unindex_document(document_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_fts WHERE rowid = %s", [document_id])


@dataclass(frozen=True)
class ParsedQuery:
    tokens: list[str]

    @property
    def fts5(self) -> str:
        """Every token required; the last one also matches as a prefix (typing in progress)."""
        parts = ['"%s"' % t for t in self.tokens[:-1]]
        last = self.tokens[-1]
        parts.append('("%s" OR "%s"*)' % (last, last) if len(last) >= 2 else '"%s"' % last)
        return " AND ".join(parts)

    @property
    def tsquery(self) -> str:
        parts = list(self.tokens[:-1])
        last = self.tokens[-1]
        parts.append("%s:*" % last if len(last) >= 2 else last)
        return " & ".join(parts)


def parse_query(q: str) -> ParsedQuery | None:
    # Tokens are letters and digits only after folding, so they are safe inside both syntaxes.
    tokens = [t for t in folded_tokens(q) if t][:12]
    return ParsedQuery(tokens) if tokens else None


def apply_fulltext(qs: QuerySet[Document], q: str) -> tuple[QuerySet[Document], bool]:
    """Restrict ``qs`` to documents matching ``q`` and order them by relevance.

    Returns the queryset and whether a text condition was applied.
    """
    parsed = parse_query(q)
    if parsed is None:
        return qs, False
    extra: dict[str, Any]
    if connection.vendor == "postgresql":
        extra = {
            "where": ["documents_document.search_vector @@ to_tsquery('simple', %s)"],
            "params": [parsed.tsquery],
            "select": {
                "rank": "ts_rank(documents_document.search_vector, to_tsquery('simple', %s))"
            },
            "select_params": [parsed.tsquery],
            "order_by": ["-rank", "-id"],
        }
    else:
        # Joining the FTS5 table lets its MATCH drive the query; bm25 with the metadata column
        # weighted ten times the body text (lower is better).
        extra = {
            "tables": [FTS_TABLE],
            "where": ["%s.rowid = documents_document.id" % FTS_TABLE, "%s MATCH %%s" % FTS_TABLE],
            "params": [parsed.fts5],
            "select": {"rank": "bm25(%s, 10.0, 1.0)" % FTS_TABLE},
            "order_by": ["rank", "-id"],
        }
    # Raw fragments are constant strings; user input only ever travels as a parameter.
    return qs.extra(**extra), True


def folded(text: str) -> str:
    return fold_lower(text)
