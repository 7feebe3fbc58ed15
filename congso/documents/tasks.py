"""Background work of the documents app (Celery; runs in-process when no broker is configured)."""

from __future__ import annotations

from celery import shared_task

from congso.documents import services, textextract
from congso.documents.constants import FileRole
from congso.documents.models import Document


@shared_task(ignore_result=True)
def ocr_document(document_id: int) -> None:
    """OCR the original file of a scanned incoming document and index the recognised text."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return
    original = document.current_file(FileRole.ORIGINAL)
    if original is None:
        return
    text = textextract.ocr_pdf(original.read_bytes())
    if text:
        services.document_apply_ocr(document_id=document_id, text=text)
