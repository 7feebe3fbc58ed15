"""Sending to other agencies on the platform, and exchange packages for outside systems."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from congso.core.exceptions import ApplicationError, ConflictError
from congso.documents import selectors, services, signing
from congso.documents.constants import Direction, DocumentStatus, FileRole
from congso.documents.models import Document
from congso.documents.tests.factories import issued_and_signed, register_incoming, vietnamese_pdf

pytestmark = pytest.mark.django_db


def test_sent_document_arrives_in_the_recipient_inbox_with_attachment_and_signatures(
    officers, agency
):
    tinh, sotp = agency("ubnd-tinh"), agency("so-tu-phap")
    annex = vietnamese_pdf("Phụ lục: danh sách thành viên Tổ công tác")
    document = issued_and_signed(
        officers, tinh, recipients=[sotp], attachments=[("phu-luc.pdf", annex)]
    )
    signed = document.current_file(FileRole.SIGNED)
    delivered = services.document_send(actor=officers["vanthu"], document=document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SENT and document.sent_at is not None
    assert len(delivered) == 1

    inbox = list(selectors.inbox(officers["vanthusotp"]))
    assert len(inbox) == 1
    received = inbox[0]
    assert received.direction == Direction.INCOMING
    assert received.agency == sotp and received.sender_agency == tinh
    assert received.original_symbol == document.symbol == "01/QĐ-UBND"
    assert received.incoming_number == 1
    assert received.source_document == document
    main = received.current_file(FileRole.ORIGINAL)
    assert main is not None and main.sha256 == signed.sha256
    assert main.read_bytes() == signed.read_bytes()
    attachments = list(received.files.filter(role=FileRole.ATTACHMENT))
    assert [a.read_bytes() for a in attachments] == [annex]
    result = signing.verify_pdf(main.read_bytes(), services.trust_roots())
    assert result.ok and len(result.signatures) == 2
    checks = list(main.signature_checks.all())
    assert len(checks) == 2 and all(c.valid and c.intact and c.trusted for c in checks)
    # The recipient's leader can act on it at once; the sender cannot see the copy.
    services.assignment_create(
        actor=officers["lanhdaosotp"], document=received, role="lead", unit=sotp, deadline_days=3
    )
    assert received not in selectors.inbox(officers["vanthu"])


def test_send_requires_the_agency_signature(officers, agency):
    from congso.documents.tests.factories import approved

    document = approved(officers, agency("ubnd-tinh"), recipients=[agency("so-tu-phap")])
    document = services.document_issue(actor=officers["vanthu"], document=document)
    with pytest.raises(ConflictError):
        services.document_send(actor=officers["vanthu"], document=document)


def test_reply_links_an_outgoing_document_to_the_incoming_one(officers, agency):
    tinh = agency("ubnd-tinh")
    incoming = register_incoming(officers["vanthu"], tinh)
    reply = services.document_create_draft(
        actor=officers["chuyenvientinh"],
        agency=tinh,
        data=services.DraftData(
            doc_type=incoming.doc_type, summary="Trả lời", drafting_unit="VP", reply_to=incoming
        ),
    )
    assert list(incoming.replies.all()) == [reply]
    with pytest.raises(ApplicationError):
        services.document_create_draft(
            actor=officers["lanhdaosotp"],
            agency=agency("so-tu-phap"),
            data=services.DraftData(
                doc_type=incoming.doc_type, summary="x", drafting_unit="VP", reply_to=incoming
            ),
        )


def test_exchange_package_round_trip_and_tamper_detection(officers, agency):
    tinh, sotp = agency("ubnd-tinh"), agency("so-tu-phap")
    document = issued_and_signed(officers, tinh, recipients=[sotp])
    blob = services.package_export(document=document)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        metadata = json.loads(archive.read("metadata.json"))
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert metadata["Code"]["CodeNotation"] == "01/QĐ-UBND"
    assert metadata["From"]["OrganId"] == tinh.code
    assert {"document.pdf", "metadata.json", "manifest.json"} <= names
    assert set(manifest) == {"document.pdf"}

    imported = services.package_import(actor=officers["vanthusotp"], agency=sotp, data=blob)
    assert imported.agency == sotp and imported.original_symbol == "01/QĐ-UBND"
    assert imported.sender_agency == tinh and imported.incoming_number == 1
    assert imported.current_file(FileRole.ORIGINAL).sha256 == manifest["document.pdf"]
    again = services.package_import(actor=officers["vanthusotp"], agency=sotp, data=blob)
    assert again == imported and Document.objects.filter(agency=sotp).count() == 1

    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(buf, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "document.pdf":
                data = data.replace(b"/Type", b"/Typf", 1)
            dst.writestr(name, data)
    with pytest.raises(ApplicationError, match="bị thay đổi"):
        services.package_import(actor=officers["vanthusotp"], agency=sotp, data=buf.getvalue())
    with pytest.raises(ApplicationError, match="định dạng"):
        services.package_import(actor=officers["vanthusotp"], agency=sotp, data=b"not a zip")
