"""Builders of test data through the real services."""

from __future__ import annotations

import io
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from congso.agencies.models import Agency
from congso.core import pdf as core_pdf
from congso.documents import services
from congso.documents.constants import Confidentiality
from congso.documents.models import Document, DocumentType


def vietnamese_pdf(*lines: str, pages: int = 1) -> bytes:
    core_pdf.register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595, 842))
    for _ in range(pages):
        canvas.setFont(core_pdf.SERIF, 13)
        y = 780
        for line in lines:
            canvas.drawString(72, y, line)
            y -= 18
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def register_incoming(
    clerk: Any,
    agency: Agency,
    *,
    summary: str = "Về việc triển khai kế hoạch cải cách hành chính",
    pdf: bytes | None = None,
    confidentiality: str = Confidentiality.NORMAL,
    leader: Any = None,
    code: str = "cong-van",
) -> Document:
    return services.document_register_incoming(
        actor=clerk,
        agency=agency,
        data=services.IncomingData(
            doc_type=doc_type(code),
            summary=summary,
            original_symbol="123/BNV-VP",
            issuing_agency_name="Bộ Nội vụ",
            confidentiality=confidentiality,
            leader=leader,
        ),
        file_data=pdf if pdf is not None else vietnamese_pdf(summary),
        file_name="den.pdf",
    )


def draft(
    author: Any,
    agency: Agency,
    *,
    code: str = "quyet-dinh",
    summary: str = "Quyết định về việc thành lập Tổ công tác chuyển đổi số",
    recipients: list[Agency] | None = None,
    unit: str = "",
    confidentiality: str = Confidentiality.NORMAL,
    leader: Any = None,
    attachments: list[tuple[str, bytes]] | None = None,
) -> Document:
    return services.document_create_draft(
        actor=author,
        agency=agency,
        data=services.DraftData(
            doc_type=doc_type(code),
            summary=summary,
            body="Điều 1. Thành lập Tổ công tác.\nĐiều 2. Quyết định có hiệu lực từ ngày ký.",
            drafting_unit=unit,
            signing_authority="TM. ỦY BAN NHÂN DÂN",
            signer_title="CHỦ TỊCH",
            signer_name="Trần Quốc Bảo",
            recipients=recipients or [],
            recipients_text="Lưu trữ",
            confidentiality=confidentiality,
            leader=leader,
        ),
        attachments=attachments or [],
    )


def approved(people: dict[str, Any], agency: Agency, **kwargs: Any) -> Document:
    document = draft(people["chuyenvientinh"], agency, **kwargs)
    services.document_transition(actor=people["chuyenvientinh"], document=document, action="submit")
    return services.document_transition(
        actor=people["lanhdaotinh"], document=document, action="approve"
    )


def issued_and_signed(people: dict[str, Any], agency: Agency, **kwargs: Any) -> Document:
    document = approved(people, agency, **kwargs)
    document = services.document_issue(actor=people["vanthu"], document=document)
    services.document_sign(actor=people["lanhdaotinh"], document=document)
    services.document_sign(actor=people["vanthu"], document=document)
    document.refresh_from_db()
    return document
