"""Diacritic-insensitive full-text search over documents, inside the database.

Text is folded in Python (``vntext.fold_lower``, which maps đ→d: SQLite's ``remove_diacritics``
keeps đ, so "quyet dinh" would miss "quyết định"). SQLite indexes the folded text in an FTS5
table ``documents_fts(meta, body)`` ranked by bm25; PostgreSQL keeps a ``tsvector`` column built
with the ``simple`` configuration from the same folded text (metadata weighted A, body D) under a
GIN index. The index is written by the services in the document's own transaction, so it cannot
drift from the rows the way a side index does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

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
    # Plain space-separated syllables: PostgreSQL's parser would otherwise read "05/qd-ubnd" as
    # one file-path token and "05" would never match.
    return " ".join(folded_tokens(meta)), " ".join(folded_tokens(body))


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


#: Above this many text matches, results are listed newest first instead of by relevance: bm25 or
#: ts_rank over tens of thousands of near-identical matches costs hundreds of milliseconds at
#: 200,000 documents and tells the reader little (measured in bench/documents_search.py).
RANK_LIMIT = 5_000
#: PostgreSQL reads a heap row per match to filter and rank it (FTS5 ranks inside its index), so
#: it switches to newest-first earlier.
PG_RANK_LIMIT = 2_000


@dataclass(frozen=True)
class ParsedQuery:
    tokens: list[str]

    @property
    def fts5(self) -> str:
        # Whole syllables only: a prefix on a short last syllable ("qua"*) expands to the most
        # frequent words of the language and made one query take half a second.
        return " AND ".join('"%s"' % t for t in self.tokens)

    @property
    def tsquery(self) -> str:
        return " & ".join(self.tokens)


def parse_query(q: str) -> ParsedQuery | None:
    # Tokens are letters and digits only after folding, so they are safe inside both syntaxes.
    tokens = [t for t in folded_tokens(q) if t][:12]
    return ParsedQuery(tokens) if tokens else None


def _estimated_matches(parsed: ParsedQuery) -> int:
    """PostgreSQL's own estimate of the text matches (from the GIN statistics, no scan).

    It only decides between ranking and newest-first, so an estimate is enough; counting for
    real read thousands of heap rows (40 ms) for frequent words.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM documents_document "
            "WHERE search_vector @@ to_tsquery('simple', %s)",
            [parsed.tsquery],
        )
        row = cursor.fetchone()
    plan = row[0] if row else []
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0


@dataclass
class Hits:
    """One page of matching document ids, best first, with the number of matches."""

    ids: list[int]
    total: int
    ranked: bool
    exact: bool = True  # False: there are more than ``total``; the list is newest first


#: Pages say "hơn 1.000" beyond this many matches.
COUNT_CAP = 1001


def find(qs: QuerySet[Document], q: str, *, limit: int, offset: int) -> Hits:
    """Ids of the documents of ``qs`` matching ``q``: by relevance when there are at most
    :data:`RANK_LIMIT` text matches, newest first otherwise (and when ``q`` has no words).

    Newest-first results are not counted (that would read every match the actor may see):
    ``total`` is then a lower bound and ``exact`` is False while more pages remain.
    """
    parsed = parse_query(q)
    if parsed is None:
        return _newest_first(qs.order_by("-id"), limit=limit, offset=offset)
    if connection.vendor == "postgresql":
        return _find_postgresql(qs, parsed, limit=limit, offset=offset)
    return _find_sqlite(qs, parsed, limit=limit, offset=offset)


def _newest_first(ordered: QuerySet[Document], *, limit: int, offset: int) -> Hits:
    page = list(ordered.values_list("id", flat=True)[offset : offset + limit + 1])
    more = len(page) > limit
    return Hits(page[:limit], offset + min(len(page), limit), False, exact=not more)


# Raw fragments below are constant strings; user input only ever travels as a parameter.
def _find_postgresql(
    qs: QuerySet[Document], parsed: ParsedQuery, *, limit: int, offset: int
) -> Hits:
    matching = qs.extra(
        where=["documents_document.search_vector @@ to_tsquery('simple', %s)"],
        params=[parsed.tsquery],
    )
    newest = matching.order_by("-id")
    # Plans over the whole table cost enough to trigger JIT compilation (about 70 ms here) for
    # queries that then run in a few milliseconds.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        if _estimated_matches(parsed) > PG_RANK_LIMIT:
            return _newest_first(newest, limit=limit, offset=offset)
        # One pass over the matches the actor may see gives the scores and the exact count.
        # The estimate can be ten times too low for words that occur together ("y tế cơ sở"),
        # so the pass stops after PG_RANK_LIMIT + 1 rows.
        scored = list(
            matching.extra(
                select={
                    "rank": "ts_rank(documents_document.search_vector, to_tsquery('simple', %s))"
                },
                select_params=[parsed.tsquery],
            )
            .order_by()
            .values_list("id", "rank")[: PG_RANK_LIMIT + 1]
        )
        if len(scored) <= PG_RANK_LIMIT:
            ordered = [i for i, _rank in sorted(scored, key=lambda r: (-r[1], -r[0]))]
            return Hits(ordered[offset : offset + limit], min(len(ordered), COUNT_CAP), True)
        # Many visible matches although the planner expects few: it would read them all through
        # the GIN index (or the whole table) and sort them, where walking the primary key
        # backwards finds the newest page after a few hundred rows.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        return _newest_first(newest, limit=limit, offset=offset)


def _find_sqlite(qs: QuerySet[Document], parsed: ParsedQuery, *, limit: int, offset: int) -> Hits:
    # One pass over the text matches (stopping after RANK_LIMIT + 1) both scores them and tells
    # whether there are few enough to rank: with several frequent syllables the MATCH itself is
    # the costly part, so it is evaluated once.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, bm25(documents_fts, 10.0, 1.0) FROM documents_fts "
            "WHERE documents_fts MATCH %s LIMIT %s",
            [parsed.fts5, RANK_LIMIT + 1],
        )
        scored = cursor.fetchall()
    if len(scored) <= RANK_LIMIT:
        # Rank in the FTS table alone, then keep what the actor may see and the filters allow.
        # Joining first let SQLite's planner drive the query from another index and probe the
        # FTS table row by row, which took 200 ms at 200k documents. The ids go back as one
        # JSON parameter: thousands of separate parameters cost more time in Django's query
        # compiler than the whole search in SQLite.
        order = [rowid for rowid, _score in sorted(scored, key=lambda r: (r[1], -r[0]))]
        ids_json = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(order)])
        allowed = set(qs.filter(pk__in=ids_json).values_list("id", flat=True)) if order else set()
        ordered = [i for i in order if i in allowed]
        return Hits(ordered[offset : offset + limit], min(len(ordered), COUNT_CAP), True)
    # Many matches: FTS5 walks them in descending rowid order itself, so the first page is found
    # without reading every match (ordering by the document's own id would read them all).
    matching = qs.extra(
        tables=["documents_fts"],
        where=["documents_fts.rowid = documents_document.id", "documents_fts MATCH %s"],
        params=[parsed.fts5],
        order_by=["-documents_fts.rowid"],
    )
    return _newest_first(matching, limit=limit, offset=offset)


def folded(text: str) -> str:
    return fold_lower(text)
