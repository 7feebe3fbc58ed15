"""Incoming registration, text extraction, OCR (when installed) and diacritic-free search."""

from __future__ import annotations

import datetime as dt
import shutil

from django.utils import timezone

import pytest

from congso.core.exceptions import ApplicationError, PermissionDeniedError
from congso.documents import selectors, services, textextract
from congso.documents.constants import DocumentStatus, FileRole
from congso.documents.tests.factories import register_incoming, vietnamese_pdf

pytestmark = pytest.mark.django_db


def _search(actor, q: str, **filters):  # type: ignore[no-untyped-def]
    return selectors.document_search(actor=actor, filters=selectors.SearchFilters(q=q, **filters))


def test_registered_vietnamese_pdf_is_found_first_by_two_words_without_diacritics(officers, agency):
    clerk, tinh = officers["vanthu"], agency("ubnd-tinh")
    # Competitors share one of the two words each, or only the summary wording.
    register_incoming(
        clerk,
        tinh,
        summary="Về việc nạo vét kênh thủy lợi",
        pdf=vietnamese_pdf("Đề nghị các xã nạo vét kênh mương trước mùa khô."),
    )
    register_incoming(
        clerk,
        tinh,
        summary="Về tiêm chủng mở rộng",
        pdf=vietnamese_pdf("Tổ chức tiêm chủng cho trẻ em dưới 5 tuổi."),
    )
    target = register_incoming(
        clerk,
        tinh,
        summary="Về việc phòng chống dịch bệnh",
        pdf=vietnamese_pdf(
            "Sở Y tế đề nghị tăng cường phòng chống sốt xuất huyết tại các phường.",
            "Khẩn trương phun hóa chất diệt muỗi, tuyên truyền người dân.",
        ),
    )
    assert target.incoming_number == 3
    assert target.text_source == "pdf" and "sốt xuất huyết" in target.extracted_text
    original = target.current_file(FileRole.ORIGINAL)
    assert original is not None and original.size > 0

    page = _search(clerk, "sot xuat")
    assert page.ranked and page.results[0] == target
    page = _search(clerk, "diet muoi")
    assert page.results[0] == target
    assert [d.pk for d in _search(clerk, "tiem chung").results][:1] != [target.pk]


def test_d_with_stroke_is_folded_both_ways(officers, agency):
    clerk, tinh = officers["vanthu"], agency("ubnd-tinh")
    document = register_incoming(
        clerk, tinh, summary="Quyết định phê duyệt Đề án chuyển đổi số", code="quyet-dinh"
    )
    assert _search(clerk, "quyet dinh de an").results == [document]
    assert _search(clerk, "QUYẾT ĐỊNH").results == [document]
    assert _search(clerk, "chuyen doi").results == [document]


def test_search_filters_by_type_date_and_status(officers, agency):
    clerk, tinh = officers["vanthu"], agency("ubnd-tinh")
    letter = register_incoming(clerk, tinh, summary="Về cải cách hành chính", code="cong-van")
    decision = register_incoming(clerk, tinh, summary="Cải cách hành chính", code="quyet-dinh")
    assert _search(clerk, "cai cach", doc_type="quyet-dinh").results == [decision]
    assert set(_search(clerk, "", doc_type="cong-van").results) == {letter}
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    assert _search(clerk, "cai cach", date_from=tomorrow).results == []
    assert len(_search(clerk, "cai cach", status=DocumentStatus.REGISTERED).results) == 2
    assert _search(clerk, "cai cach", status=DocumentStatus.DONE).results == []


def test_search_returns_nothing_outside_the_actor_agencies(officers, agency):
    register_incoming(officers["vanthu"], agency("ubnd-tinh"), summary="Kế hoạch tiếp công dân")
    assert _search(officers["lanhdaosotp"], "tiep cong dan").results == []
    assert _search(officers["vanthusotp"], "tiep cong dan").total == 0


def test_only_the_clerk_registers_and_bad_files_get_a_clear_message(officers, agency):
    tinh = agency("ubnd-tinh")
    with pytest.raises(PermissionDeniedError):
        register_incoming(officers["chuyenvientinh"], tinh)
    with pytest.raises(ApplicationError, match="không phải là tệp PDF"):
        register_incoming(officers["vanthu"], tinh, pdf=b"GIF89a not a pdf")
    with pytest.raises(ApplicationError, match="bị hỏng"):
        register_incoming(officers["vanthu"], tinh, pdf=b"%PDF-1.7\n garbage")


def test_scan_without_text_layer_is_marked_for_ocr():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buf, format="PDF")
    info = textextract.read_pdf(buf.getvalue())
    assert info.page_count == 1 and info.needs_ocr


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("tesseract") and shutil.which("pdftoppm")),
    reason="cần tesseract (tesseract-ocr-vie) và pdftoppm để thử OCR",
)
def test_scanned_vietnamese_pdf_is_ocred_beside_the_original(
    officers, agency, tmp_path, django_capture_on_commit_callbacks
):
    import subprocess

    from PIL import Image

    text_pdf = tmp_path / "text.pdf"
    text_pdf.write_bytes(
        vietnamese_pdf("ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", "Kế hoạch phòng chống thiên tai năm 2027")
    )
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(text_pdf), str(tmp_path / "scan")],  # noqa: S607
        check=True,
    )
    scan = tmp_path / "scan.pdf"
    Image.open(tmp_path / "scan.png").convert("RGB").save(scan, format="PDF", resolution=200)
    data = scan.read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        document = register_incoming(
            officers["vanthu"], agency("ubnd-tinh"), summary="Bản quét", pdf=data
        )
    document.refresh_from_db()
    assert document.text_source == "ocr"
    assert "thiên tai" in document.extracted_text.lower()
    assert document.current_file(FileRole.ORIGINAL).read_bytes() == data
    assert _search(officers["vanthu"], "thien tai").results == [document]


def test_ocr_is_skipped_quietly_when_tesseract_is_missing(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert not textextract.ocr_available()
    assert textextract.ocr_pdf(vietnamese_pdf("x")) == ""


def test_register_records_an_audit_event(officers, agency):
    from congso.core.audit import events_for

    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    events = list(events_for(document))
    assert [e.action for e in events] == ["document.register_incoming"]
    assert events[0].actor == officers["vanthu"]
    assert services.format_number(document.incoming_number or 0) == "01"


def test_very_broad_queries_list_newest_first_without_counting_everything(
    officers, agency, monkeypatch
):
    from congso.documents import search

    clerk, tinh = officers["vanthu"], agency("ubnd-tinh")
    documents = [
        register_incoming(clerk, tinh, summary="Báo cáo tình hình kinh tế tháng %d" % month)
        for month in range(1, 6)
    ]
    assert _search(clerk, "kinh te").ranked
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(search, "PG_RANK_LIMIT", 3)
    monkeypatch.setattr(search, "_estimated_matches", lambda parsed: 5)
    filters = selectors.SearchFilters(q="kinh te")
    page = selectors.document_search(actor=clerk, filters=filters, limit=2)
    assert not page.ranked and not page.exact
    assert page.results == [documents[-1], documents[-2]]
    assert page.total == 2  # a lower bound: more pages remain
    last = selectors.document_search(actor=clerk, filters=filters, limit=2, offset=4)
    assert last.results == [documents[0]] and last.exact and last.total == 5


def test_number_and_symbol_are_searchable_however_they_are_typed(officers, agency):
    from congso.documents.tests.factories import issued_and_signed

    document = issued_and_signed(officers, agency("ubnd-tinh"))
    clerk = officers["vanthu"]
    for query in ("01/QĐ-UBND", "01/QD-UBND", "01 qd ubnd", "qđ-ubnd 01"):
        assert _search(clerk, query).results[:1] == [document], query
