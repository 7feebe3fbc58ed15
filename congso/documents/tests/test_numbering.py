"""Books and numbers (Decree 30, art. 15): allocated at issuance, per book and year, gap-free."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.db import connection, connections

import pytest

from congso.core.exceptions import ConflictError, PermissionDeniedError
from congso.documents import services
from congso.documents.constants import Confidentiality, Direction, DocumentStatus
from congso.documents.models import DocumentBook, DocumentType
from congso.documents.tests.factories import approved, draft

pytestmark = pytest.mark.django_db


def _at(monkeypatch: pytest.MonkeyPatch, year: int, month: int, day: int) -> None:
    moment = dt.datetime(year, month, day, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    monkeypatch.setattr(services, "_now", lambda: moment)


def test_number_is_allocated_at_issuance_only_and_shown_with_leading_zero(officers, agency):
    document = draft(officers["chuyenvientinh"], agency("ubnd-tinh"))
    assert document.number is None and document.symbol == ""
    services.document_transition(
        actor=officers["chuyenvientinh"], document=document, action="submit"
    )
    document = services.document_transition(
        actor=officers["lanhdaotinh"], document=document, action="approve"
    )
    assert document.number is None
    document = services.document_issue(actor=officers["vanthu"], document=document)
    assert document.number == 1
    assert document.symbol == "01/QĐ-UBND"
    assert document.status == DocumentStatus.ISSUED
    assert document.book.direction == Direction.OUTGOING
    issued_text = document.extracted_text
    assert "Số: 01/QĐ-UBND" in issued_text


def test_official_letter_symbol_uses_drafting_unit(officers, agency):
    document = approved(officers, agency("ubnd-tinh"), code="cong-van", unit="vp")
    document = services.document_issue(actor=officers["vanthu"], document=document)
    assert document.symbol == "01/UBND-VP"


def test_shared_book_numbers_all_types_in_sequence(officers, agency):
    tinh = agency("ubnd-tinh")
    first = services.document_issue(actor=officers["vanthu"], document=approved(officers, tinh))
    second = services.document_issue(
        actor=officers["vanthu"], document=approved(officers, tinh, code="ke-hoach")
    )
    assert (first.symbol, second.symbol) == ("01/QĐ-UBND", "02/KH-UBND")
    assert first.book_id == second.book_id


def test_agency_may_keep_a_separate_book_per_type(officers, agency):
    tinh = agency("ubnd-tinh")
    book = DocumentBook.objects.create(agency=tinh, direction=Direction.OUTGOING, name="Sổ QĐ")
    book.doc_types.add(DocumentType.objects.get(code="quyet-dinh"))
    plan = services.document_issue(
        actor=officers["vanthu"], document=approved(officers, tinh, code="ke-hoach")
    )
    decision = services.document_issue(actor=officers["vanthu"], document=approved(officers, tinh))
    assert decision.book_id == book.pk and decision.number == 1
    assert plan.book_id != book.pk and plan.number == 1


def test_secret_documents_have_their_own_series(officers, agency):
    tinh = agency("ubnd-tinh")
    normal = services.document_issue(actor=officers["vanthu"], document=approved(officers, tinh))
    secret = services.document_issue(
        actor=officers["vanthu"],
        document=approved(officers, tinh, confidentiality=Confidentiality.SECRET),
    )
    assert normal.number == 1 and secret.number == 1
    assert secret.book.is_confidential and secret.book_id != normal.book_id


def test_first_document_issued_in_a_new_year_is_number_one(officers, agency, monkeypatch):
    tinh = agency("ubnd-tinh")
    _at(monkeypatch, 2026, 12, 31)
    numbers = [
        services.document_issue(actor=officers["vanthu"], document=approved(officers, tinh)).number
        for _ in range(3)
    ]
    assert numbers == [1, 2, 3]
    _at(monkeypatch, 2027, 1, 4)
    document = services.document_issue(actor=officers["vanthu"], document=approved(officers, tinh))
    assert (document.year, document.number, document.symbol) == (2027, 1, "01/QĐ-UBND")


def test_only_the_clerk_issues_and_only_approved_documents(officers, agency):
    tinh = agency("ubnd-tinh")
    document = draft(officers["chuyenvientinh"], tinh)
    with pytest.raises(ConflictError):
        services.document_issue(actor=officers["vanthu"], document=document)
    document = approved(officers, tinh)
    with pytest.raises(PermissionDeniedError):
        services.document_issue(actor=officers["lanhdaotinh"], document=document)
    document = services.document_issue(actor=officers["vanthu"], document=document)
    with pytest.raises(ConflictError):
        services.document_issue(actor=officers["vanthu"], document=document)


def test_incoming_numbers_run_per_book_and_year(officers, agency, monkeypatch):
    from congso.documents.tests.factories import register_incoming

    tinh = agency("ubnd-tinh")
    assert [register_incoming(officers["vanthu"], tinh).incoming_number for _ in range(2)] == [1, 2]
    monkeypatch.setattr(
        services,
        "_now",
        lambda: dt.datetime(2099, 1, 2, 8, 0, tzinfo=dt.UTC),
    )
    assert register_incoming(officers["vanthu"], tinh).incoming_number == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="cần PostgreSQL để thử đồng thời")
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_issue_actions_give_fifty_consecutive_numbers(officers, agency):
    tinh = agency("ubnd-tinh")
    documents = [approved(officers, tinh) for _ in range(50)]
    clerk = officers["vanthu"]
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(10)

    def worker(chunk: list[Any]) -> None:
        try:
            barrier.wait()
            for document in chunk:
                issued = services.document_issue(actor=clerk, document=document)
                with lock:
                    results.append((issued.number, issued.symbol))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(documents[i::10],)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(n for n, _ in results) == list(range(1, 51))
    assert len({s for _, s in results}) == 50
