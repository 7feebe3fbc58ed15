"""Read queries of the documents app, with the access gates.

Who sees a document (Decree 30 and the Law on State Secrets Protection):
- an ordinary document: every officer of its agency, and the units and officers it is assigned to;
- a secret document (Mật, Tối mật, Tuyệt mật): only the agency's clerks, the officers it is
  assigned to by name, the leader it was submitted to, and its drafter.
Denials raise :class:`NotFoundError` (404) so the existence of a document is not leaked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from congso.agencies.models import Agency, Membership, Role
from congso.core.exceptions import NotFoundError
from congso.documents import search
from congso.documents.constants import (
    AssignmentStatus,
    Confidentiality,
    Direction,
    DocumentStatus,
)
from congso.documents.models import (
    Assignment,
    AssignmentQuerySet,
    Document,
    DocumentBook,
    DocumentFile,
    DocumentQuerySet,
)


def _memberships(user: Any) -> list[tuple[int, str]]:
    cached = getattr(user, "_doc_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("agency_id", "role"))
        user._doc_memberships = cached
    return cached


def agency_ids(user: Any, *roles: str) -> list[int]:
    return sorted({a for a, r in _memberships(user) if not roles or r in roles})


def visibility_q(user: Any) -> Q:
    """The condition selecting the documents ``user`` may see."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    mine = agency_ids(user)
    clerk_of = agency_ids(user, Role.CLERK)
    by_name = Assignment.objects.filter(user=user).values("document_id")
    by_unit = Assignment.objects.filter(Q(user=user) | Q(unit_id__in=mine)).values("document_id")
    normal = Q(confidentiality=Confidentiality.NORMAL) & (Q(agency_id__in=mine) | Q(pk__in=by_unit))
    secret = ~Q(confidentiality=Confidentiality.NORMAL) & (
        Q(agency_id__in=clerk_of) | Q(pk__in=by_name) | Q(leader=user) | Q(created_by=user)
    )
    return normal | secret


def documents_visible_to(user: Any) -> DocumentQuerySet:
    return Document.objects.filter(visibility_q(user)).select_related("agency", "doc_type", "book")


def document_get_for(*, actor: Any, document_id: int) -> Document:
    """The document if ``actor`` may see it, else :class:`NotFoundError`."""
    document = documents_visible_to(actor).filter(pk=document_id).first()
    if document is None:
        raise NotFoundError("Không tìm thấy văn bản.")
    return document


def file_get_for(*, actor: Any, document_id: int, file_id: int) -> DocumentFile:
    document = document_get_for(actor=actor, document_id=document_id)
    item = document.files.filter(pk=file_id).first()
    if item is None:
        raise NotFoundError("Không tìm thấy tệp.")
    return item


def assignment_get_for(*, actor: Any, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("document", "unit", "user")
        .filter(pk=assignment_id, document__in=Document.objects.filter(visibility_q(actor)))
        .first()
    )
    if assignment is None:
        raise NotFoundError("Không tìm thấy phân công.")
    return assignment


# ---------------------------------------------------------------- work lists
def inbox(user: Any) -> DocumentQuerySet:
    """Incoming documents of the user's agencies (visible ones), newest first."""
    return (
        documents_visible_to(user)
        .filter(direction=Direction.INCOMING, agency_id__in=agency_ids(user))
        .order_by("-received_at", "-id")
    )


def outgoing(user: Any) -> DocumentQuerySet:
    return (
        documents_visible_to(user)
        .filter(direction=Direction.OUTGOING, agency_id__in=agency_ids(user))
        .order_by("-updated_at", "-id")
    )


def drafts_to_approve(user: Any) -> DocumentQuerySet:
    return (
        documents_visible_to(user)
        .filter(
            direction=Direction.OUTGOING,
            status=DocumentStatus.SUBMITTED,
            agency_id__in=agency_ids(user, Role.LEADER),
        )
        .order_by("updated_at")
    )


def to_issue(user: Any) -> DocumentQuerySet:
    """For clerks: approved (to number), issued (to sign) and signed (to send) documents."""
    return (
        documents_visible_to(user)
        .filter(
            direction=Direction.OUTGOING,
            status__in=[DocumentStatus.APPROVED, DocumentStatus.ISSUED, DocumentStatus.SIGNED],
            agency_id__in=agency_ids(user, Role.CLERK, Role.LEADER),
        )
        .order_by("updated_at")
    )


def assignments_for(user: Any, *, open_only: bool = True) -> AssignmentQuerySet:
    """Assignments given to the user by name, or to one of the user's units."""
    qs = Assignment.objects.filter(
        Q(user=user) | Q(user__isnull=True, unit_id__in=agency_ids(user))
    ).filter(document__in=Document.objects.filter(visibility_q(user)))
    if open_only:
        qs = qs.filter(status=AssignmentStatus.OPEN)
    return qs.select_related("document", "document__doc_type", "unit", "user").order_by(
        "deadline", "id"
    )


def overdue_assignments(user: Any) -> AssignmentQuerySet:
    """Open assignments past their deadline: the user's own, and all of the agencies they lead."""
    today = timezone.localdate()
    led = agency_ids(user, Role.LEADER, Role.CLERK)
    qs = Assignment.objects.overdue(today).filter(
        Q(user=user)
        | Q(user__isnull=True, unit_id__in=agency_ids(user))
        | Q(document__agency_id__in=led)
    )
    return (
        qs.filter(document__in=Document.objects.filter(visibility_q(user)))
        .select_related("document", "document__doc_type", "unit", "user")
        .order_by("deadline", "id")
    )


def books_for(user: Any) -> list[DocumentBook]:
    return list(
        DocumentBook.objects.filter(agency_id__in=agency_ids(user))
        .select_related("agency")
        .prefetch_related("doc_types")
    )


def book_get_for(*, actor: Any, book_id: int) -> DocumentBook:
    book = DocumentBook.objects.filter(pk=book_id, agency_id__in=agency_ids(actor)).first()
    if book is None and getattr(actor, "is_superuser", False):
        book = DocumentBook.objects.filter(pk=book_id).first()
    if book is None:
        raise NotFoundError("Không tìm thấy sổ văn bản.")
    return book


def register_rows(*, actor: Any, book: DocumentBook, year: int) -> DocumentQuerySet:
    """The printable register of a book for a year, in number order (visible documents only)."""
    order = "incoming_number" if book.direction == Direction.INCOMING else "number"
    return (
        documents_visible_to(actor)
        .filter(book=book, year=year)
        .exclude(**{"%s__isnull" % order: True})
        .prefetch_related("assignments__unit", "assignments__user", "recipients")
        .order_by(order)
    )


# ---------------------------------------------------------------- search
@dataclass
class SearchFilters:
    q: str = ""
    doc_type: str = ""  # DocumentType.code
    book: int | None = None
    agency: str = ""  # Agency.slug
    direction: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class SearchPage:
    results: list[Document]
    total: int
    ranked: bool
    exact: bool = True


def document_search(
    *, actor: Any, filters: SearchFilters, limit: int = 20, offset: int = 0
) -> SearchPage:
    """Full-text search (diacritics optional) within what ``actor`` may see, best first."""
    qs: QuerySet[Document] = Document.objects.filter(visibility_q(actor))
    if filters.doc_type:
        qs = qs.filter(doc_type__code=filters.doc_type)
    if filters.book:
        qs = qs.filter(book_id=filters.book)
    if filters.agency:
        agency = Agency.objects.filter(slug=filters.agency).first()
        qs = qs.filter(agency=agency) if agency else qs.none()
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(
            Q(issued_on__gte=filters.date_from)
            | Q(issued_on__isnull=True, created_at__date__gte=filters.date_from)
        )
    if filters.date_to:
        qs = qs.filter(
            Q(issued_on__lte=filters.date_to)
            | Q(issued_on__isnull=True, created_at__date__lte=filters.date_to)
        )
    hits = search.find(qs, filters.q, limit=limit, offset=offset)
    by_id = Document.objects.select_related("agency", "doc_type", "book").in_bulk(hits.ids)
    results = [by_id[i] for i in hits.ids if i in by_id]
    return SearchPage(results=results, total=hits.total, ranked=hits.ranked, exact=hits.exact)
