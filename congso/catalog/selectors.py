"""Reads of the catalog: search, public lookups, the home page, export.

The catalog is public: every active procedure may be seen by anyone, so the gate
:func:`procedure_get_public` only hides inactive procedures (404, like a missing one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from congso.agencies.models import Agency
from congso.catalog import records as rec
from congso.catalog import search
from congso.catalog.models import Fee, Field, Procedure
from congso.core import vntext, workdays
from congso.core.exceptions import NotFoundError

#: Words that carry no meaning for finding a procedure; dropped only when a query that requires
#: every word finds nothing and the search retries with any word.
STOPWORDS = frozenset(
    [
        "thu",
        "tuc",
        "lam",
        "xin",
        "can",
        "gi",
        "nhung",
        "the",
        "nao",
        "o",
        "dau",
        "bao",
        "lau",
        "nhieu",
        "tien",
        "cho",
        "toi",
        "minh",
        "em",
        "anh",
        "chi",
        "co",
        "khong",
        "ko",
        "duoc",
        "dc",
        "va",
        "voi",
        "cua",
        "la",
        "thi",
        "mat",
        "nop",
        "ho",
        "so",
        "giay",
        "to",
        "muon",
        "hoi",
        "ve",
    ]
)

#: Syllables found in a large share of procedure names ("Cấp giấy phép...", "Đăng ký...").
COMMON_WORDS = frozenset(
    [
        "dang",
        "ky",
        "cap",
        "lai",
        "doi",
        "giay",
        "phep",
        "chung",
        "nhan",
        "xac",
        "to",
        "chuc",
        "ca",
        "nhan",
        "doanh",
        "nghiep",
        "dieu",
        "kien",
        "kinh",
        "doanh",
        "hoat",
        "dong",
        "thanh",
        "lap",
        "thay",
        "noi",
        "dung",
    ]
)

#: How many of the best database-ranked matches are re-ranked by the closeness of the name.
RERANK_DEPTH = 60
#: When no procedure has every word, the best of those having any word (the rest is noise).
FALLBACK_LIMIT = 200
#: Looks like a procedure code: national "1.001193" or local "HGI-001" (one word with a digit).
_CODE_RE = re.compile(r"^(?=.*\d)[\w.\-]{3,40}$")


def _with_related(queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """Everything a procedure page or the API detail shows."""
    return queryset.select_related("field").prefetch_related(
        Prefetch("receiving_agencies", queryset=Agency.objects.order_by("path")),
        "fees",
        "required_documents",
    )


def _load_for_lists(ids: list[int]) -> list[Procedure]:
    """Procedures ``ids`` in that order, with what a result list shows, in three light queries.

    Prefetching every receiving agency (ten communes for a commune-level procedure) and every fee
    of a page as model instances cost more than the search itself; plain value rows give the
    agency and fee summaries (see :func:`primary_agency_name` and :func:`fee_summary`).
    """
    found = Procedure.objects.select_related("field").in_bulk(ids)
    procedures = [found[pk] for pk in ids if pk in found]
    agencies: dict[int, list[tuple[str, str, str]]] = {p.pk: [] for p in procedures}
    links = Procedure.receiving_agencies.through.objects.filter(procedure_id__in=list(agencies))
    for pk, path, name, kind in links.values_list(
        "procedure_id", "agency__path", "agency__name", "agency__kind"
    ):
        agencies[pk].append((path, name, kind))
    amounts: dict[int, list[int]] = {p.pk: [] for p in procedures}
    for pk, amount in Fee.objects.filter(procedure_id__in=list(amounts)).values_list(
        "procedure_id", "amount"
    ):
        amounts[pk].append(amount)
    for procedure in procedures:
        rows = sorted(agencies[procedure.pk])
        procedure.list_agency_count = len(rows)  # type: ignore[attr-defined]
        procedure.list_agency_first = rows[0][1] if rows else None  # type: ignore[attr-defined]
        procedure.list_agency_other = _desk(  # type: ignore[attr-defined]
            [(kind, name) for _, name, kind in rows]
        )
        fees = amounts[procedure.pk] or [0]
        procedure.list_fee_min, procedure.list_fee_max = min(fees), max(fees)  # type: ignore[attr-defined]
    return procedures


def procedures_public() -> QuerySet[Procedure]:
    """Active procedures, most used first."""
    return Procedure.objects.active().order_by("-popularity", "name")


def procedure_get_public(*, code: str) -> Procedure:
    """An active procedure with everything its page shows; NotFoundError otherwise."""
    procedure = _with_related(Procedure.objects.active()).filter(code=code).first()
    if procedure is None:
        raise NotFoundError("Không tìm thấy thủ tục có mã %s." % code)
    return procedure


def field_get(*, slug: str) -> Field:
    found = Field.objects.filter(slug=slug).first()
    if found is None:
        raise NotFoundError("Không tìm thấy lĩnh vực này.")
    return found


def agency_get(*, slug: str) -> Agency:
    found = Agency.objects.active().filter(slug=slug).first()
    if found is None:
        raise NotFoundError("Không tìm thấy cơ quan này.")
    return found


def fields_with_counts() -> list[dict[str, Any]]:
    """Fields that have active procedures: [{"name", "slug", "url", "count"}], by name."""
    rows = (
        Field.objects.annotate(count=Count("procedures", filter=Q(procedures__is_active=True)))
        .filter(count__gt=0)
        .order_by("name")
    )
    return [
        {
            "name": f.name,
            "slug": f.slug,
            "url": reverse("catalog:field-detail", kwargs={"slug": f.slug}),
            "count": f.count,
        }
        for f in rows
    ]


def agencies_with_procedures() -> QuerySet[Agency]:
    """Receiving agencies of active procedures (for the agency filter), in tree order."""
    return (
        Agency.objects.active()
        .filter(procedures__is_active=True)
        .annotate(count=Count("procedures", filter=Q(procedures__is_active=True)))
        .order_by("path")
    )


def home_context(*, popular: int = 8) -> dict[str, Any]:
    """What the portal's home page shows: the most used procedures and every field."""
    return {
        "popular_procedures": _load_for_lists(
            list(procedures_public().values_list("pk", flat=True)[:popular])
        ),
        "fields": fields_with_counts(),
    }


# ---------------------------------------------------------------- search
class SearchResults(Sequence[Procedure]):
    """Procedures in ranked order, loaded a page at a time (works with Django's Paginator)."""

    def __init__(self, ids: list[int], *, query: str = "") -> None:
        self.ids = ids
        self.query = query

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Procedure: ...

    @overload
    def __getitem__(self, index: slice) -> list[Procedure]: ...

    def __getitem__(self, index: int | slice) -> Procedure | list[Procedure]:
        if isinstance(index, int):
            return self[index : index + 1][0] if -len(self) <= index < len(self) else self._raise()
        return _load_for_lists(self.ids[index])

    def _raise(self) -> Procedure:
        raise IndexError("search result index out of range")

    def __iter__(self) -> Iterator[Procedure]:
        for start in range(0, len(self.ids), 100):
            yield from self[start : start + 100]


@dataclass(frozen=True)
class _Candidate:
    pk: int
    name_tokens: tuple[str, ...]
    synonym_tokens: tuple[tuple[str, ...], ...]
    text_tokens: frozenset[str]
    name_marked: frozenset[str]
    popularity: int


def _contains(haystack: Sequence[str], needle: Sequence[str], prefix_last: bool) -> bool:
    """``needle`` appears as consecutive tokens in ``haystack`` (last one may be a prefix)."""
    n = len(needle)
    for start in range(len(haystack) - n + 1):
        window = haystack[start : start + n]
        if list(window[:-1]) == list(needle[:-1]) and (
            window[-1] == needle[-1] or (prefix_last and window[-1].startswith(needle[-1]))
        ):
            return True
    return False


def _covers(tokens: Sequence[str], words: set[str] | frozenset[str], prefix_last: bool) -> int:
    """How many query tokens occur among ``words`` (the last may be a prefix)."""
    hits = 0
    for i, token in enumerate(tokens):
        if token in words or (
            prefix_last and i == len(tokens) - 1 and any(w.startswith(token) for w in words)
        ):
            hits += 1
    return hits


def _score(c: _Candidate, q: list[str], marked: list[str], prefix_last: bool) -> tuple:
    """Sort key: lower is better. Tiers go from the exact name down to a partial match."""
    name = c.name_tokens
    if tuple(q) == name:
        tier = 0
    elif any(tuple(q) == s for s in c.synonym_tokens):
        tier = 1
    elif name[: len(q)] == tuple(q) or _contains(name, q, prefix_last):
        tier = 2
    elif any(_contains(s, q, prefix_last) for s in c.synonym_tokens):
        tier = 3
    elif _covers(q, set(name), prefix_last) == len(q):
        tier = 4
    elif any(_covers(q, set(s), prefix_last) == len(q) for s in c.synonym_tokens):
        tier = 5
    elif _covers(q, c.text_tokens, prefix_last) == len(q):
        tier = 6
    else:
        tier = 7
    coverage = _covers(q, c.text_tokens, prefix_last)
    # A query typed with marks prefers the procedure whose name has the same marks.
    accent_hits = sum(1 for w in marked if w in c.name_marked)
    closeness = len(q) / max(len(name), 1)
    return (tier, -coverage, -accent_hits, -round(closeness, 3), -c.popularity)


def _rerank(ids: list[int], q: list[str], marked: list[str], prefix_last: bool) -> list[int]:
    head = ids[:RERANK_DEPTH]
    rows = Procedure.objects.filter(pk__in=head).values_list(
        "pk", "name", "name_folded", "synonyms", "search_text", "popularity"
    )
    candidates = {}
    for pk, name, name_folded, synonyms, text, popularity in rows:
        candidates[pk] = _Candidate(
            pk=pk,
            name_tokens=tuple(name_folded.split()),
            synonym_tokens=tuple(tuple(vntext.folded_tokens(s)) for s in synonyms or []),
            text_tokens=frozenset(text.split()),
            name_marked=frozenset(vntext.tokenize(name)) if marked else frozenset(),
            popularity=popularity,
        )
    position = {pk: i for i, pk in enumerate(head)}
    ordered = sorted(
        (pk for pk in head if pk in candidates),
        key=lambda pk: (*_score(candidates[pk], q, marked, prefix_last), position[pk]),
    )
    return ordered + ids[RERANK_DEPTH:]


def _filtered(
    field: str | Field | None, level: str | None, agency: str | Agency | None
) -> QuerySet[Procedure]:
    queryset = Procedure.objects.active().order_by()
    if field:
        field_obj = field if isinstance(field, Field) else Field.objects.filter(slug=field).first()
        if field_obj is None:
            return queryset.none()
        queryset = queryset.filter(field=field_obj)
    if level:
        queryset = queryset.filter(level=level)
    if agency:
        target = (
            agency if isinstance(agency, Agency) else Agency.objects.filter(slug=agency).first()
        )
        if target is None:
            return queryset.none()
        queryset = queryset.filter(receiving_agencies=target)
    return queryset


def procedure_search(
    query: str,
    field: str | Field | None = None,
    level: str | None = None,
    agency: str | Agency | None = None,
) -> SearchResults:
    """Active procedures matching ``query``, best first, optionally filtered.

    Diacritic-insensitive and word-order tolerant, over the name, synonyms, field and result.
    The exact name (with or without marks) comes first, then a synonym said exactly, then names
    containing the words in order, then in any order, then other matches. All words must match;
    when that finds nothing, all but one meaningful word, then any word (the 200 best). ``field`` and
    ``agency`` are slugs (or objects), ``level`` is ``province``/``commune``. An empty query
    lists the filtered procedures by popularity. A procedure code finds that procedure.
    """
    base = _filtered(field, level, agency)
    text = vntext.nfc(query or "").strip()
    if base.query.is_empty():
        return SearchResults([])
    if not text:
        return SearchResults(
            list(base.order_by("-popularity", "name").values_list("pk", flat=True))
        )
    tokens = vntext.folded_tokens(text)[:12]
    if not tokens:
        return SearchResults([])
    exact_code = (
        list(base.filter(code=text).values_list("pk", flat=True)) if _CODE_RE.match(text) else []
    )
    # A word still being typed ("khai si") matches as a prefix once it has two letters.
    prefix_last = len(tokens[-1]) >= 2 and not text.endswith(" ")
    prefix = tokens[-1] if prefix_last else None
    ids = search.ranked_ids([tokens], prefix=prefix, within=base)
    meaningful = list(dict.fromkeys(t for t in tokens if t not in STOPWORDS)) or tokens
    if not ids and 3 <= len(meaningful) <= 6:
        # Nothing has every word: accept those missing one meaningful word (for a short query;
        # a long one missing a word is better served by the ranking of the any-word search)...
        groups = [meaningful[:i] + meaningful[i + 1 :] for i in range(len(meaningful))]
        ids = search.ranked_ids(groups, prefix=prefix, within=base, limit=FALLBACK_LIMIT)
    if not ids:
        # ...and then any word at all, leaving out words most procedure names share: they match
        # thousands of rows, cost the most to rank and tell nothing apart.
        rare = [t for t in meaningful if t not in COMMON_WORDS] or meaningful
        groups = [[t] for t in rare]
        ids = search.ranked_ids(groups, prefix=prefix, within=base, limit=FALLBACK_LIMIT)
    marked = vntext.tokenize(text) if vntext.has_diacritics(text) else []
    ids = _rerank(ids, tokens, marked, prefix_last)
    if exact_code:
        ids = exact_code + [pk for pk in ids if pk not in exact_code]
    return SearchResults(ids, query=text)


# ---------------------------------------------------------------- facts for a procedure page
def procedure_due_at(procedure: Procedure, received_at: dt.datetime | None = None) -> dt.datetime:
    """The appointment date (hẹn trả) if a dossier were received at ``received_at`` (now)."""
    return workdays.due_at(
        received_at or timezone.now(),
        procedure.processing_time_value,
        procedure.processing_time_unit,
    )


def fee_summary(procedure: Procedure) -> str:
    """ "Miễn phí", "50.000 đ" or "Từ 8.000 đ đến 200.000 đ" from the procedure's fees."""
    from congso.core.formatting import format_vnd

    if hasattr(procedure, "list_fee_max"):  # set by _load_for_lists
        low, high = getattr(procedure, "list_fee_min", 0), getattr(procedure, "list_fee_max", 0)
    else:
        amounts = [f.amount for f in procedure.fees.all()] or [0]
        low, high = min(amounts), max(amounts)
    if not high:
        return "Miễn phí"
    if low == high:
        return format_vnd(high)
    if low == 0:
        return "Miễn phí hoặc đến %s tùy trường hợp" % format_vnd(high)
    return "Từ %s đến %s tùy trường hợp" % (format_vnd(low), format_vnd(high))


def _desk(agencies: list[tuple[str, str]]) -> str | None:
    """The non-commune agency a citizen goes to: the one-stop service centre if it receives."""
    others = [
        (kind != Agency.Kind.SERVICE_CENTER, name)
        for kind, name in agencies
        if kind != Agency.Kind.COMMUNE
    ]
    return min(others)[1] if others else None


def primary_agency_name(procedure: Procedure) -> str:
    """Where to go: the receiving agency (the one-stop service centre first), or the competent
    agency when the receivers are every commune.

    A commune-level procedure is received by the People's Committee of whichever commune the
    citizen lives in, so naming one commune would mislead; the competent agency
    ("Ủy ban nhân dân cấp xã") says it right.
    """
    if hasattr(procedure, "list_agency_count"):  # set by _load_for_lists
        count = getattr(procedure, "list_agency_count", 0)
        first = getattr(procedure, "list_agency_first", None)
        other = getattr(procedure, "list_agency_other", None)
    else:
        agencies = list(procedure.receiving_agencies.all())
        count = len(agencies)
        first = agencies[0].name if agencies else None
        other = _desk([(a.kind, a.name) for a in agencies])
    if count == 1 and first:
        return first
    if other:
        return other
    return procedure.competent_agency


# ---------------------------------------------------------------- export
def procedure_export_records(queryset: QuerySet[Procedure] | None = None) -> list[dict[str, Any]]:
    """Canonical records of the procedures (all by default), by code."""
    queryset = Procedure.objects.all() if queryset is None else queryset
    communes = set(Agency.objects.communes().values_list("slug", flat=True))
    rows = (
        queryset.select_related("field")
        .prefetch_related("receiving_agencies", "fees", "required_documents")
        .order_by("code")
    )
    return [rec.to_record(p, communes) for p in rows]
