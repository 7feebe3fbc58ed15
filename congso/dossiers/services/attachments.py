"""Files of a dossier: type sniffed from the content (PDF, JPEG, PNG), size limits, slots;
nothing is stored when a check fails."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from typing import Any

from django.conf import settings
from django.db import transaction

from congso.core import audit, vntext
from congso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from congso.dossiers import workflow
from congso.dossiers.constants import AttachmentKind, Status
from congso.dossiers.models import Dossier, DossierAttachment
from congso.dossiers.services.base import _atomic, _lock, _now

# ---------------------------------------------------------------- attachments
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes (PDF, JPEG, PNG), never from its name."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def _read_upload(uploaded_file: Any) -> tuple[bytes, str]:
    """Validate an uploaded file's size and content; return its head and its content type."""
    limit = int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    size = getattr(uploaded_file, "size", None)
    if size is None:
        raise ApplicationError("Không đọc được tệp tải lên.")
    if size == 0:
        raise ApplicationError(
            "Tệp rỗng (0 byte). Vui lòng chọn lại tệp.", {"fields": {"file": ["Tệp rỗng."]}}
        )
    if size > limit:
        raise ApplicationError(
            "Tệp quá lớn (%.1f MB); dung lượng tối đa là %.0f MB."
            % (size / 1024 / 1024, limit / 1024 / 1024),
            {"fields": {"file": ["Tệp quá lớn."]}, "max_bytes": limit},
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ApplicationError(
            "Tệp không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).",
            {"fields": {"file": ["Định dạng không được chấp nhận."]}},
        )
    return head, content_type


def _valid_slot(dossier: Dossier, slot: str) -> bool:
    if slot in ("result", "draft-result", "other"):
        return True
    if re.fullmatch(r"supplement-\d{1,2}", slot):
        return True
    if re.fullmatch(r"doc-\d{1,3}", slot):
        slots = {d.slot for d in dossier.procedure.required_documents.all()}
        return not slots or slot in slots
    return False


def _attach_kind(dossier: Dossier, roles: set[str], slot: str) -> str | None:
    """Which kind of file ``roles`` may add to ``slot`` in the dossier's current state."""
    status = dossier.status
    if slot == "result":
        return (
            AttachmentKind.RESULT
            if workflow.LEADER in roles and status in (Status.AWAITING_APPROVAL,)
            else None
        )
    if slot == "draft-result":
        return (
            AttachmentKind.DRAFT_RESULT
            if workflow.SPECIALIST in roles and status == Status.IN_PROGRESS
            else None
        )
    if workflow.APPLICANT in roles and status == Status.DRAFT:
        return AttachmentKind.APPLICANT
    if status == Status.AWAITING_SUPPLEMENT and (
        roles & {workflow.APPLICANT, workflow.RECEPTIONIST}
    ):
        return AttachmentKind.SUPPLEMENT
    if workflow.RECEPTIONIST in roles and status in (Status.DRAFT, Status.SUBMITTED):
        # Counter staff digitise the paper documents of a walk-in dossier (Decree 118/2025).
        return AttachmentKind.APPLICANT
    return None


def _store_file(
    *,
    dossier: Dossier,
    slot: str,
    kind: str,
    uploaded_file: Any,
    content_type: str,
    actor: Any,
    at: dt.datetime,
) -> DossierAttachment:
    digest = hashlib.sha256()
    for chunk in (
        uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]
    ):
        digest.update(chunk)
    uploaded_file.seek(0)
    original = vntext.nfc(str(getattr(uploaded_file, "name", "") or "tep"))
    original = re.sub(r"[\\/\x00-\x1f]", "_", original).rsplit("/", 1)[-1][:255]
    attachment = DossierAttachment(
        dossier=dossier,
        slot=slot,
        kind=kind,
        original_name=original,
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        uploaded_at=at,
    )
    attachment.file.save(original, uploaded_file, save=False)
    stored_name = str(attachment.file.name)
    try:
        attachment.save()
    except Exception:
        # Every check ran before the file was written; only a database failure can leave it
        # orphaned here, so remove it.
        attachment.file.storage.delete(stored_name)
        raise
    return attachment


@_atomic
def dossier_attach(
    *,
    actor: Any,
    dossier: Dossier,
    slot: str,
    uploaded_file: Any,
    now: dt.datetime | None = None,
) -> DossierAttachment:
    """Attach a file to ``slot`` (``doc-N``, ``supplement-N``, ``draft-result``, ``result``).

    The type is sniffed from the content (PDF, JPEG, PNG only); an empty file or one over
    ``settings.UPLOAD_MAX_BYTES`` is refused. Nothing is stored when any check fails. In a draft a
    new file replaces the one in the same slot.
    """
    at = _now(now)
    dossier = _lock(dossier)
    roles = workflow.actor_roles(actor, dossier)
    if not roles:
        raise PermissionDeniedError("Bạn không có quyền đính kèm tệp vào hồ sơ này.")
    slot = str(slot or "").strip()
    if not _valid_slot(dossier, slot):
        raise ApplicationError(
            "Vị trí đính kèm không hợp lệ: %s." % (slot or "(trống)"),
            {"fields": {"slot": ["Không hợp lệ."]}},
        )
    kind = _attach_kind(dossier, roles, slot)
    if kind is None:
        raise ConflictError(
            "Không thể đính kèm tệp khi hồ sơ đang ở trạng thái %s."
            % dossier.get_status_display().lower()
        )
    _head, content_type = _read_upload(uploaded_file)
    replaced = []
    if dossier.status == Status.DRAFT:
        replaced = list(dossier.attachments.filter(slot=slot))
    attachment = _store_file(
        dossier=dossier,
        slot=slot,
        kind=kind,
        uploaded_file=uploaded_file,
        content_type=content_type,
        actor=actor,
        at=at,
    )
    for old in replaced:
        old.delete()
        transaction.on_commit(_deleter(old.file.storage, str(old.file.name)))
    audit.record(
        actor=actor,
        obj=dossier,
        action="dossier.attach",
        note=attachment.original_name,
        data={
            "slot": slot,
            "kind": kind,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "content_type": content_type,
            "at": at.isoformat(),
        },
    )
    return attachment


def _deleter(storage: Any, name: str) -> Any:
    def delete() -> None:
        with contextlib.suppress(OSError):
            storage.delete(name)

    return delete


def _missing_documents(dossier: Dossier) -> list[str]:
    present = set(dossier.attachments.values_list("slot", flat=True))
    return [
        d.name
        for d in dossier.procedure.required_documents.all()
        if d.mandatory and not d.condition and d.slot not in present
    ]
