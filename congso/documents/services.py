"""Use cases of the document system; every one runs in a transaction and writes the audit trail.

Legal basis: Decree 30/2020/NĐ-CP on correspondence work — registration and numbering (art. 15,
20–22), assignment and follow-up (art. 23–24), issuance, signing and dispatch (art. 16–19).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from congso.agencies.models import Agency, Membership, Role
from congso.core import audit
from congso.core.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from congso.core.numbering import next_number
from congso.core.workdays import add_working_days_to_date
from congso.documents import rendering, search, signing, textextract
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    Confidentiality,
    Direction,
    DocumentStatus,
    FileRole,
    Urgency,
)
from congso.documents.models import (
    Assignment,
    Document,
    DocumentBook,
    DocumentFile,
    DocumentType,
    Opinion,
    SignatureCheck,
    SigningCredential,
)
from congso.documents.workflow import TRANSITIONS, can_transition

PACKAGE_FORMAT = "congso-exchange/1"


def _now() -> dt.datetime:
    return timezone.now()


def _today() -> dt.date:
    return timezone.localtime(_now()).date()


# ---------------------------------------------------------------- roles and books
def roles_in(user: Any, agency: Agency) -> set[str]:
    """The actor's roles in ``agency`` (superusers act as admin)."""
    if user is None or not user.is_authenticated:
        return set()
    roles = set(Membership.objects.filter(user=user, agency=agency).values_list("role", flat=True))
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def _require_role(actor: Any, agency: Agency, *roles: str, message: str) -> set[str]:
    held = roles_in(actor, agency)
    if not held & set(roles):
        raise PermissionDeniedError(message)
    return held


def book_for(
    agency: Agency, direction: str, doc_type: DocumentType | None, *, confidential: bool = False
) -> DocumentBook:
    """The agency's book for this document type: its own book if it has one, else the shared one.

    A shared book is created on first use, so a new agency can work without configuration.
    """
    books = DocumentBook.objects.filter(
        agency=agency, direction=direction, is_active=True, is_confidential=confidential
    )
    if doc_type is not None:
        own = books.filter(doc_types=doc_type).first()
        if own is not None:
            return own
    shared = books.filter(doc_types__isnull=True).order_by("id").first()
    if shared is not None:
        return shared
    name = "Sổ văn bản đến" if direction == Direction.INCOMING else "Sổ văn bản đi"
    if confidential:
        name += " mật"
    return DocumentBook.objects.create(
        agency=agency, direction=direction, name=name, is_confidential=confidential
    )


def format_number(number: int) -> str:
    """Decree 30: numbers below 10 are written with a leading zero ("05")."""
    return "%02d" % number


def symbol_suffix(document: Document) -> str:
    """ "QĐ-UBND" for a decision, "UBND-VP" for a công văn drafted by the office."""
    agency_abbr = document.agency.abbreviation
    if document.doc_type.abbreviation:
        return "%s-%s" % (document.doc_type.abbreviation, agency_abbr)
    unit = document.drafting_unit.strip()
    return "%s-%s" % (agency_abbr, unit) if unit else agency_abbr


# ---------------------------------------------------------------- files
def _validate_upload(data: bytes) -> textextract.PdfInfo:
    limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    if not data:
        raise ApplicationError("Tệp tải lên rỗng.", {"fields": {"file": ["empty"]}})
    if len(data) > limit:
        raise ApplicationError(
            "Tệp quá lớn (tối đa %d MB)." % (limit // (1024 * 1024)),
            {"fields": {"file": ["too_large"]}},
        )
    return textextract.read_pdf(data)


def _store_file(
    document: Document,
    *,
    role: str,
    data: bytes,
    name: str,
    actor: Any,
    derived_from: DocumentFile | None = None,
) -> DocumentFile:
    """Add a file to ``document``; identical bytes share one content-addressed blob."""
    digest = hashlib.sha256(data).hexdigest()
    item = DocumentFile(
        document=document,
        role=role,
        name=(name or "van-ban.pdf")[:200],
        size=len(data),
        sha256=digest,
        derived_from=derived_from,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    path = "documents/%s/%s.pdf" % (digest[:2], digest)
    if default_storage.exists(path):
        item.file.name = path
    else:
        item.file.save(path, ContentFile(data), save=False)
    item.save()
    return item


def _share_file(document: Document, source: DocumentFile, *, role: str) -> DocumentFile:
    """The same blob attached to another document (inter-agency delivery keeps bytes intact)."""
    return DocumentFile.objects.create(
        document=document,
        role=role,
        file=source.file.name,
        name=source.name,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        derived_from=source,
    )


def _audit(actor: Any, document: Document, action: str, **kwargs: Any) -> None:
    audit.record(actor=actor, obj=document, action=action, agency=document.agency, **kwargs)


def _needs_ocr_hook(document: Document, info: textextract.PdfInfo) -> None:
    if info.needs_ocr and textextract.ocr_available():
        from congso.documents import tasks

        document_id = document.pk
        transaction.on_commit(lambda: tasks.ocr_document.delay(document_id))


# ---------------------------------------------------------------- incoming
@dataclass
class IncomingData:
    """Metadata of an incoming document as the clerk enters it (Decree 30, Appendix IV)."""

    doc_type: DocumentType
    summary: str
    original_symbol: str = ""
    issuing_agency_name: str = ""
    issued_on: dt.date | None = None
    signer_name: str = ""
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    deadline: dt.date | None = None
    leader: Any = None
    received_at: dt.datetime | None = None


@transaction.atomic
def document_register_incoming(
    *,
    actor: Any,
    agency: Agency,
    data: IncomingData,
    file_data: bytes | None = None,
    file_name: str = "",
    ip_address: str | None = None,
) -> Document:
    """Register an incoming document (vào sổ văn bản đến): allocate its incoming number.

    Only the agency's clerk registers. The uploaded PDF is stored unchanged; its text layer is
    extracted now and, for scans, OCR runs after commit when Tesseract is installed.
    """
    _require_role(
        actor, agency, Role.CLERK, message="Chỉ văn thư của cơ quan mới được vào sổ văn bản đến."
    )
    if not data.summary.strip():
        raise ApplicationError(
            "Vui lòng nhập trích yếu nội dung.", {"fields": {"summary": ["required"]}}
        )
    info = _validate_upload(file_data) if file_data is not None else None
    if data.leader is not None and Role.LEADER not in roles_in(data.leader, agency):
        raise ApplicationError("Người được trình phải là lãnh đạo của cơ quan.")
    received_at = data.received_at or _now()
    year = timezone.localtime(received_at).year
    confidential = data.confidentiality != Confidentiality.NORMAL
    book = book_for(agency, Direction.INCOMING, data.doc_type, confidential=confidential)
    document = Document.objects.create(
        direction=Direction.INCOMING,
        agency=agency,
        book=book,
        doc_type=data.doc_type,
        status=DocumentStatus.REGISTERED,
        year=year,
        incoming_number=next_number(book.number_scope, year),
        original_symbol=data.original_symbol.strip(),
        issuing_agency_name=data.issuing_agency_name.strip(),
        issued_on=data.issued_on,
        received_at=received_at,
        summary=data.summary.strip(),
        signer_name=data.signer_name.strip(),
        urgency=data.urgency,
        confidentiality=data.confidentiality,
        deadline=data.deadline,
        leader=data.leader,
        created_by=actor,
        page_count=info.page_count if info else 0,
        extracted_text=info.text if info else "",
        text_source="pdf" if info and info.text else "",
    )
    if file_data is not None and info is not None:
        _store_file(document, role=FileRole.ORIGINAL, data=file_data, name=file_name, actor=actor)
        _needs_ocr_hook(document, info)
    search.index_document(document)
    _audit(
        actor,
        document,
        "document.register_incoming",
        to_state=document.status,
        note="Vào sổ văn bản đến số %s" % format_number(document.incoming_number or 0),
        data={"book": book.pk, "incoming_number": document.incoming_number},
        ip_address=ip_address,
    )
    return document


@transaction.atomic
def document_apply_ocr(*, document_id: int, text: str) -> None:
    """Store OCR text beside the original file (the PDF itself is never rewritten)."""
    document = Document.objects.select_for_update().get(pk=document_id)
    if not text.strip():
        return
    document.extracted_text = text
    document.text_source = "ocr"
    document.save(update_fields=["extracted_text", "text_source", "updated_at"])
    search.index_document(document)
    _audit(None, document, "document.ocr", note="Nhận dạng ký tự (OCR) %d ký tự" % len(text))


# ---------------------------------------------------------------- assignments
def _user_agency_ids(user: Any) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("agency_id", flat=True))


@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    document: Document,
    role: str,
    unit: Agency | None = None,
    user: Any = None,
    deadline_days: int | None = None,
    deadline: dt.date | None = None,
    instruction: str = "",
) -> Assignment:
    """A leader assigns the document: lead (chủ trì), cooperating (phối hợp) or for information.

    The deadline is counted in working days from today (holidays and swaps excluded). Secret
    documents are assigned to named officers only, since they are visible by assignment.
    """
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_role(
        actor,
        document.agency,
        Role.LEADER,
        message="Chỉ lãnh đạo cơ quan mới được phân công xử lý văn bản.",
    )
    if role not in AssignmentRole.values:
        raise ApplicationError("Vai trò phân công không hợp lệ.", {"fields": {"role": [role]}})
    if unit is None and user is None:
        raise ApplicationError(
            "Vui lòng chọn đơn vị hoặc cán bộ được giao.", {"fields": {"unit": ["required"]}}
        )
    if document.is_confidential and user is None:
        raise ApplicationError(
            "Văn bản mật chỉ được giao cho cán bộ cụ thể, không giao cho đơn vị."
        )
    if user is not None and not getattr(user, "is_officer", False):
        raise ApplicationError("Chỉ giao văn bản cho cán bộ, công chức.")
    if document.status in (DocumentStatus.DONE,) or document.direction != Direction.INCOMING:
        raise ConflictError("Văn bản này không ở trạng thái có thể phân công xử lý.")
    if role == AssignmentRole.LEAD and document.assignments.filter(role=role).exists():
        raise ConflictError("Văn bản đã có đơn vị chủ trì xử lý.")
    if deadline is None and deadline_days is not None:
        if deadline_days < 0 or deadline_days > 365:
            raise ApplicationError("Thời hạn xử lý phải từ 0 đến 365 ngày làm việc.")
        deadline = add_working_days_to_date(_today(), deadline_days)
    if deadline is None and role != AssignmentRole.INFORM:
        deadline = document.deadline
    assignment = Assignment.objects.create(
        document=document,
        role=role,
        unit=unit,
        user=user,
        instruction=instruction.strip(),
        deadline=deadline if role != AssignmentRole.INFORM else None,
        assigned_by=actor,
    )
    if document.status == DocumentStatus.REGISTERED:
        document.status = DocumentStatus.IN_PROGRESS
        document.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        document,
        "document.assign",
        from_state=DocumentStatus.REGISTERED,
        to_state=document.status,
        note="%s: %s" % (assignment.get_role_display(), assignment.assignee_name),
        data={"assignment": assignment.pk, "deadline": str(assignment.deadline or "")},
    )
    return assignment


def can_act_on_assignment(actor: Any, assignment: Assignment) -> bool:
    if assignment.user_id is not None:
        return bool(assignment.user_id == actor.pk)
    return assignment.unit_id in _user_agency_ids(actor)


@transaction.atomic
def opinion_add(*, actor: Any, assignment: Assignment, text: str) -> Opinion:
    """Record a processing opinion (ý kiến xử lý) of an assignee or of the agency's leader."""
    if not text.strip():
        raise ApplicationError("Vui lòng nhập ý kiến.", {"fields": {"text": ["required"]}})
    is_leader = Role.LEADER in roles_in(actor, assignment.document.agency)
    if not (can_act_on_assignment(actor, assignment) or is_leader):
        raise PermissionDeniedError("Bạn không được giao xử lý phần việc này.")
    opinion = Opinion.objects.create(assignment=assignment, author=actor, text=text.strip())
    _audit(actor, assignment.document, "document.opinion", note=text.strip()[:500])
    return opinion


@transaction.atomic
def assignment_close(*, actor: Any, assignment: Assignment, result: str = "") -> Assignment:
    """The assignee closes their part; when the lead part closes the document is done."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not can_act_on_assignment(actor, assignment):
        raise PermissionDeniedError("Bạn không được giao xử lý phần việc này.")
    if assignment.status == AssignmentStatus.DONE:
        raise ConflictError("Phần việc này đã kết thúc.")
    assignment.status = AssignmentStatus.DONE
    assignment.closed_by = actor
    assignment.closed_at = _now()
    assignment.result = result.strip()
    assignment.save(update_fields=["status", "closed_by", "closed_at", "result"])
    document = assignment.document
    previous = document.status
    if assignment.role == AssignmentRole.LEAD:
        document.status = DocumentStatus.DONE
        document.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        document,
        "document.assignment_close",
        from_state=previous,
        to_state=document.status,
        note="%s: %s" % (assignment.get_role_display(), result.strip()[:300]),
    )
    return assignment


# ---------------------------------------------------------------- outgoing
@dataclass
class DraftData:
    """An outgoing draft (dự thảo văn bản đi)."""

    doc_type: DocumentType
    summary: str
    body: str = ""
    drafting_unit: str = ""
    signing_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    recipients: Iterable[Agency] = ()
    recipients_text: str = ""
    reply_to: Document | None = None
    leader: Any = None
    deadline: dt.date | None = None


def _layout(document: Document) -> rendering.Layout:
    agency = document.agency
    parent = agency.parent.name if agency.parent_id and agency.parent else ""
    recipients = [a.name for a in document.recipients.all()]
    recipients += [line.strip() for line in document.recipients_text.splitlines() if line.strip()]
    return rendering.Layout(
        parent_agency=parent,
        agency=agency.name,
        symbol_suffix=symbol_suffix(document),
        number=document.number,
        place=getattr(settings, "PROVINCE_NAME", "Hậu Giang").replace("tỉnh ", "").strip(),
        date=document.issued_on,
        type_name="" if document.doc_type.is_official_letter else document.doc_type.name,
        summary=document.summary,
        body=document.body,
        signing_authority=document.signing_authority,
        signer_title=document.signer_title,
        signer_name=document.signer_name,
        recipients=recipients,
        urgency=document.get_urgency_display() if document.urgency != Urgency.NORMAL else "",
        confidentiality=(
            document.get_confidentiality_display() if document.is_confidential else ""
        ),
    )


@transaction.atomic
def document_create_draft(
    *,
    actor: Any,
    agency: Agency,
    data: DraftData,
    file_data: bytes | None = None,
    file_name: str = "",
    attachments: Iterable[tuple[str, bytes]] = (),
) -> Document:
    """Create an outgoing draft. Without a file, the PDF is generated from the body text."""
    _require_role(
        actor,
        agency,
        Role.SPECIALIST,
        Role.CLERK,
        Role.LEADER,
        message="Bạn không thuộc cơ quan này nên không thể soạn văn bản của cơ quan.",
    )
    if not data.summary.strip():
        raise ApplicationError(
            "Vui lòng nhập trích yếu nội dung.", {"fields": {"summary": ["required"]}}
        )
    if data.doc_type.is_official_letter and not data.drafting_unit.strip():
        raise ApplicationError(
            "Công văn cần chữ viết tắt của đơn vị soạn thảo (ví dụ VP).",
            {"fields": {"drafting_unit": ["required"]}},
        )
    if data.reply_to is not None and data.reply_to.agency_id != agency.pk:
        raise ApplicationError("Chỉ trả lời được văn bản đến của chính cơ quan mình.")
    info = _validate_upload(file_data) if file_data is not None else None
    attachment_list = [(name, blob, _validate_upload(blob)) for name, blob in attachments]
    document = Document.objects.create(
        direction=Direction.OUTGOING,
        agency=agency,
        doc_type=data.doc_type,
        status=DocumentStatus.DRAFT,
        summary=data.summary.strip(),
        body=data.body.strip(),
        drafting_unit=data.drafting_unit.strip().upper(),
        signing_authority=data.signing_authority.strip(),
        signer_title=data.signer_title.strip(),
        signer_name=data.signer_name.strip(),
        urgency=data.urgency,
        confidentiality=data.confidentiality,
        recipients_text=data.recipients_text.strip(),
        reply_to=data.reply_to,
        leader=data.leader,
        deadline=data.deadline,
        created_by=actor,
        extracted_text=info.text if info else "",
        text_source="pdf" if info else "",
    )
    document.recipients.set([a for a in data.recipients if a.pk != agency.pk])
    if file_data is not None and info is not None:
        document.page_count = info.page_count
        document.save(update_fields=["page_count"])
        _store_file(document, role=FileRole.DRAFT, data=file_data, name=file_name, actor=actor)
    else:
        pdf = rendering.render_document(_layout(document))
        _store_file(
            document,
            role=FileRole.DRAFT,
            data=pdf,
            name="du-thao-%d.pdf" % document.pk,
            actor=actor,
        )
    for name, blob, _info in attachment_list:
        _store_file(document, role=FileRole.ATTACHMENT, data=blob, name=name, actor=actor)
    search.index_document(document)
    _audit(actor, document, "document.draft", to_state=document.status)
    return document


def _lock(document: Document) -> Document:
    return (
        Document.objects.select_for_update()
        .select_related("agency", "doc_type")
        .get(pk=document.pk)
    )


def _check_transition(actor: Any, document: Document, action: str) -> set[str]:
    roles = roles_in(actor, document.agency)
    transition = TRANSITIONS[action]
    if not roles & set(transition.roles):
        raise PermissionDeniedError(
            "Bạn không có quyền thực hiện thao tác “%s” với văn bản này." % transition.label
        )
    if not can_transition(document.status, action, roles):
        raise ConflictError(
            "Văn bản đang ở trạng thái “%s”, không thể %s."
            % (document.get_status_display(), transition.label.lower())
        )
    return roles


@transaction.atomic
def document_transition(*, actor: Any, document: Document, action: str, note: str = "") -> Document:
    """submit / approve / return: the review steps before issuance."""
    if action not in ("submit", "approve", "return"):
        raise ApplicationError("Thao tác không hợp lệ.")
    document = _lock(document)
    if document.direction != Direction.OUTGOING:
        raise ConflictError("Thao tác này chỉ dành cho văn bản đi.")
    _check_transition(actor, document, action)
    if action == "return" and not note.strip():
        raise ApplicationError("Vui lòng ghi lý do trả lại.", {"fields": {"note": ["required"]}})
    previous = document.status
    document.status = TRANSITIONS[action].target
    fields = ["status", "updated_at"]
    if action == "approve":
        document.approved_by = actor
        document.leader = actor
        if not document.signer_name:
            document.signer_name = actor.get_full_name()
        fields += ["approved_by", "leader", "signer_name"]
    document.save(update_fields=fields)
    _audit(
        actor,
        document,
        "document.%s" % action,
        from_state=previous,
        to_state=document.status,
        note=note.strip(),
    )
    return document


@transaction.atomic
def document_issue(*, actor: Any, document: Document) -> Document:
    """The clerk issues an approved document: the number is allocated now, in this transaction.

    Numbers run per book from 01 each calendar year without gaps (a rolled-back issuance gives its
    number back). The issued PDF carries the number, symbol and date.
    """
    document = _lock(document)
    if document.direction != Direction.OUTGOING:
        raise ConflictError("Chỉ văn bản đi mới được cấp số phát hành.")
    _check_transition(actor, document, "issue")
    today = _today()
    book = book_for(
        document.agency,
        Direction.OUTGOING,
        document.doc_type,
        confidential=document.is_confidential,
    )
    number = next_number(book.number_scope, today.year)
    document.book = book
    document.year = today.year
    document.number = number
    document.symbol = "%s/%s" % (format_number(number), symbol_suffix(document))
    document.issued_on = today
    document.issued_by = actor
    document.issued_at = _now()
    previous = document.status
    document.status = DocumentStatus.ISSUED
    draft = document.current_file(FileRole.DRAFT)
    if document.body or draft is None:
        pdf = rendering.render_document(_layout(document))
    else:
        pdf = rendering.stamp_number(
            draft.read_bytes(),
            number_line="Số: %s" % document.symbol,
            date_line="Ngày %s" % today.strftime("%d/%m/%Y"),
        )
    info = textextract.read_pdf(pdf)
    document.page_count = info.page_count
    document.extracted_text = info.text
    document.text_source = "pdf"
    document.save(
        update_fields=[
            "book",
            "year",
            "number",
            "symbol",
            "issued_on",
            "issued_by",
            "issued_at",
            "status",
            "page_count",
            "extracted_text",
            "text_source",
            "updated_at",
        ]
    )
    _store_file(
        document,
        role=FileRole.ISSUED,
        data=pdf,
        name="%s.pdf" % document.symbol.replace("/", "-"),
        actor=actor,
        derived_from=draft,
    )
    search.index_document(document)
    _audit(
        actor,
        document,
        "document.issue",
        from_state=previous,
        to_state=document.status,
        note="Cấp số %s" % document.symbol,
        data={"book": book.pk, "number": number, "year": today.year},
    )
    return document


# ---------------------------------------------------------------- signing
def trust_roots() -> list[str]:
    return list(
        SigningCredential.objects.filter(
            kind=SigningCredential.Kind.CA, is_active=True
        ).values_list("certificate_pem", flat=True)
    )


def _credential(**filters: Any) -> SigningCredential | None:
    now = _now()
    return (
        SigningCredential.objects.filter(
            is_active=True, not_before__lte=now, not_after__gt=now, **filters
        )
        .exclude(key_file="")
        .select_related("issuer")
        .order_by("-created_at")
        .first()
    )


def _chain(credential: SigningCredential) -> list[str]:
    return [credential.issuer.certificate_pem] if credential.issuer else []


@transaction.atomic
def document_sign(*, actor: Any, document: Document) -> DocumentFile:
    """Sign the issued document digitally: the leader personally, then the agency (clerk).

    The leader's signature is placed between the title and the name of the signer's block; the
    agency's signature carries the seal image over the left third of it (Decree 30, Appendix I).
    When both are present the document becomes "signed" and may be sent.
    """
    document = _lock(document)
    if document.direction != Direction.OUTGOING:
        raise ConflictError("Chỉ ký số văn bản đi của cơ quan.")
    roles = _check_transition(actor, document, "sign")
    current = document.current_file(FileRole.SIGNED, FileRole.ISSUED)
    if current is None:
        raise ConflictError("Văn bản chưa có bản phát hành để ký.")
    data = current.read_bytes()
    present = signing.signature_field_names(data) if current.role == FileRole.SIGNED else set()
    moment = timezone.localtime(_now())
    if "LanhDao" not in present:
        if Role.LEADER not in roles:
            raise ConflictError("Văn bản cần lãnh đạo ký số trước khi văn thư ký số cơ quan.")
        credential = _credential(kind=SigningCredential.Kind.PERSONAL, user=actor)
        if credential is None:
            raise ApplicationError("Bạn chưa có chứng thư số cá nhân còn hiệu lực để ký.")
        request = signing.SigningRequest(
            certificate_pem=credential.certificate_pem,
            key_file=credential.key_file,
            chain_pems=_chain(credential),
            field_name="LanhDao",
            stamp_text="Ký bởi: %s\n%s\nNgày ký: %s"
            % (
                actor.get_full_name(),
                document.signer_title or "Lãnh đạo %s" % document.agency.display_name,
                moment.strftime("%d/%m/%Y %H:%M:%S %z"),
            ),
            box=signing.PERSONAL_BOX,
            reason="Ký ban hành văn bản %s" % document.symbol,
        )
        kind = "personal"
    else:
        if Role.CLERK not in roles:
            raise ConflictError("Lãnh đạo đã ký; văn thư ký số của cơ quan để hoàn tất.")
        credential = _credential(kind=SigningCredential.Kind.AGENCY, agency=document.agency)
        if credential is None:
            raise ApplicationError("Cơ quan chưa có chứng thư số còn hiệu lực.")
        request = signing.SigningRequest(
            certificate_pem=credential.certificate_pem,
            key_file=credential.key_file,
            chain_pems=_chain(credential),
            field_name="CoQuan",
            stamp_text="%s\n%s" % (document.agency.name, moment.isoformat(timespec="seconds")),
            box=signing.AGENCY_BOX,
            reason="Ký số của cơ quan",
            seal_for=document.agency.name,
            color=signing.RED,
        )
        kind = "agency"
    try:
        signed = signing.sign_pdf(data, request)
    except (OSError, ValueError, TypeError) as exc:
        # A missing file, or a key encrypted under another SECRET_KEY; never show the details.
        raise ApplicationError("Không mở được khoá ký của chứng thư số trên máy chủ.") from exc
    item = _store_file(
        document,
        role=FileRole.SIGNED,
        data=signed,
        name="%s-ky-so.pdf" % document.symbol.replace("/", "-"),
        actor=actor,
        derived_from=current,
    )
    previous = document.status
    if kind == "agency":
        document.status = DocumentStatus.SIGNED
        document.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        document,
        "document.sign",
        from_state=previous,
        to_state=document.status,
        note="Ký số %s: %s" % ("cơ quan" if kind == "agency" else "cá nhân", credential.subject),
        data={"file": item.pk, "credential": credential.pk, "kind": kind},
    )
    return item


@transaction.atomic
def file_verify(*, actor: Any, item: DocumentFile) -> signing.VerificationResult:
    """Verify a stored file's signatures and keep the result (SignatureCheck rows)."""
    result = signing.verify_pdf(item.read_bytes(), trust_roots())
    item.signature_checks.all().delete()
    SignatureCheck.objects.bulk_create(
        [
            SignatureCheck(
                file=item,
                field_name=s.field_name,
                signer=s.signer[:300],
                issuer=s.issuer[:300],
                serial=s.serial[:80],
                signed_at=s.signed_at,
                intact=s.intact,
                trusted=s.trusted,
                valid=s.valid,
                coverage=s.coverage,
                modification_level=s.modification_level,
            )
            for s in result.signatures
        ]
    )
    return result


def verify_upload(*, data: bytes) -> signing.VerificationResult:
    """Verify any uploaded PDF against the platform's trust anchors (nothing is stored)."""
    limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    if len(data) > limit:
        raise ApplicationError("Tệp quá lớn (tối đa %d MB)." % (limit // (1024 * 1024)))
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ApplicationError("Tệp tải lên không phải là tệp PDF.")
    return signing.verify_pdf(data, trust_roots())


# ---------------------------------------------------------------- sending and exchange
def _delivery_id(document: Document, recipient: Agency) -> uuid.UUID:
    return uuid.uuid5(
        uuid.NAMESPACE_URL, "congso:document:%s:to:%s" % (document.pk, recipient.code)
    )


def _deliver(
    *,
    source: Document,
    recipient: Agency,
    signed: DocumentFile,
    attachments: list[DocumentFile],
    actor: Any,
) -> Document:
    """Create the recipient's incoming record (registered, with its incoming number)."""
    year = timezone.localtime(_now()).year
    confidential = source.is_confidential
    book = book_for(recipient, Direction.INCOMING, source.doc_type, confidential=confidential)
    incoming = Document.objects.create(
        direction=Direction.INCOMING,
        agency=recipient,
        book=book,
        doc_type=source.doc_type,
        status=DocumentStatus.REGISTERED,
        year=year,
        incoming_number=next_number(book.number_scope, year),
        original_symbol=source.symbol,
        issuing_agency_name=source.agency.name,
        sender_agency=source.agency,
        issued_on=source.issued_on,
        received_at=_now(),
        summary=source.summary,
        signer_name=source.signer_name,
        urgency=source.urgency,
        confidentiality=source.confidentiality,
        deadline=source.deadline,
        page_count=source.page_count,
        extracted_text=source.extracted_text,
        text_source=source.text_source,
        source_document=source,
        exchange_id=_delivery_id(source, recipient),
        created_by=actor,
    )
    main = _share_file(incoming, signed, role=FileRole.ORIGINAL)
    for item in attachments:
        _share_file(incoming, item, role=FileRole.ATTACHMENT)
    search.index_document(incoming)
    file_verify(actor=actor, item=main)
    audit.record(
        actor=actor,
        obj=incoming,
        action="document.receive",
        agency=recipient,
        to_state=incoming.status,
        note="Nhận qua liên thông nội bộ từ %s (%s)" % (source.agency.name, source.symbol),
    )
    return incoming


@transaction.atomic
def document_send(*, actor: Any, document: Document) -> list[Document]:
    """Send a signed document: each recipient agency on the platform receives it at once.

    The recipients' records share the signed file's bytes, so signatures stay intact; their
    incoming numbers are allocated in the same transaction.
    """
    document = _lock(document)
    _check_transition(actor, document, "send")
    signed = document.current_file(FileRole.SIGNED)
    if signed is None:
        raise ConflictError("Văn bản chưa được ký số.")
    attachments = list(document.files.filter(role=FileRole.ATTACHMENT))
    recipients = list(document.recipients.exclude(pk=document.agency_id).order_by("path"))
    if not recipients and not document.recipients_text.strip():
        raise ApplicationError("Văn bản chưa có nơi nhận.")
    delivered = [
        _deliver(source=document, recipient=r, signed=signed, attachments=attachments, actor=actor)
        for r in recipients
        if not Document.objects.filter(agency=r, exchange_id=_delivery_id(document, r)).exists()
    ]
    previous = document.status
    document.status = DocumentStatus.SENT
    document.sent_at = _now()
    document.save(update_fields=["status", "sent_at", "updated_at"])
    _audit(
        actor,
        document,
        "document.send",
        from_state=previous,
        to_state=document.status,
        note="Gửi %d cơ quan trên nền tảng" % len(delivered),
        data={"recipients": [r.code for r in recipients]},
    )
    return delivered


def package_export(*, document: Document) -> bytes:
    """An exchange package (ZIP): metadata.json (edXML field names), the PDFs, manifest.json.

    The manifest lists each file's SHA-256; the PDF carries the agency's signature, so the receiver
    can check both that nothing was altered and who issued it.
    """
    main = document.current_file(FileRole.SIGNED, FileRole.ORIGINAL, FileRole.ISSUED)
    if main is None:
        raise ConflictError("Văn bản chưa có tệp để đóng gói.")
    files: dict[str, bytes] = {"document.pdf": main.read_bytes()}
    for index, item in enumerate(document.files.filter(role=FileRole.ATTACHMENT), start=1):
        files["attachments/%02d-%s" % (index, item.name.replace("/", "_"))] = item.read_bytes()
    sender = document.sender_agency or document.agency
    metadata = {
        "format": PACKAGE_FORMAT,
        "MessageId": str(document.exchange_id or _delivery_id(document, document.agency)),
        "From": {"OrganId": sender.code, "OrganName": sender.name},
        "To": [{"OrganId": a.code, "OrganName": a.name} for a in document.recipients.all()],
        "Code": {
            "CodeNumber": format_number(document.number) if document.number else "",
            "CodeNotation": document.symbol or document.original_symbol,
        },
        "PromulgationInfo": {
            "Place": getattr(settings, "PROVINCE_NAME", ""),
            "PromulgationDate": document.issued_on.isoformat() if document.issued_on else "",
        },
        "DocumentType": {"Code": document.doc_type.code, "Name": document.doc_type.name},
        "Subject": document.summary,
        "SignerInfo": {"FullName": document.signer_name, "Position": document.signer_title},
        "Urgency": document.urgency,
        "Confidentiality": document.confidentiality,
        "DueDate": document.deadline.isoformat() if document.deadline else "",
        "PageAmount": document.page_count,
    }
    manifest = {name: hashlib.sha256(blob).hexdigest() for name, blob in files.items()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2))
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
        for name, blob in files.items():
            archive.writestr(name, blob)
    return buf.getvalue()


@transaction.atomic
def package_import(*, actor: Any, agency: Agency, data: bytes) -> Document:
    """Register an incoming document from an exchange package (idempotent by message id).

    The package is refused when a file does not match the manifest or the PDF's signatures are
    not intact.
    """
    _require_role(
        actor, agency, Role.CLERK, message="Chỉ văn thư của cơ quan mới được nhận gói tin."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if not {"metadata.json", "manifest.json", "document.pdf"} <= names:
                raise ApplicationError(
                    "Gói tin thiếu metadata.json, manifest.json hoặc document.pdf."
                )
            metadata = json.loads(archive.read("metadata.json").decode("utf-8"))
            manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
            blobs = {name: archive.read(name) for name in manifest if name in names}
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, KeyError) as exc:
        raise ApplicationError("Gói tin không đúng định dạng.") from exc
    if metadata.get("format") != PACKAGE_FORMAT:
        raise ApplicationError("Gói tin không đúng định dạng %s." % PACKAGE_FORMAT)
    for name, digest in manifest.items():
        if name not in blobs or hashlib.sha256(blobs[name]).hexdigest() != digest:
            raise ApplicationError("Gói tin đã bị thay đổi: tệp %s không khớp mã băm." % name)
    try:
        message_id = uuid.UUID(str(metadata.get("MessageId", "")))
    except ValueError as exc:
        raise ApplicationError("Gói tin thiếu mã gói tin hợp lệ.") from exc
    existing = Document.objects.filter(agency=agency, exchange_id=message_id).first()
    if existing is not None:
        return existing
    main = blobs["document.pdf"]
    verification = signing.verify_pdf(main, trust_roots())
    if any(not s.intact for s in verification.signatures):
        raise ApplicationError("Chữ ký số trong văn bản không còn toàn vẹn; gói tin bị từ chối.")
    doc_type = DocumentType.objects.filter(
        code=str(metadata.get("DocumentType", {}).get("Code", ""))
    ).first() or DocumentType.objects.get(code="cong-van")
    sender = metadata.get("From", {})
    sender_agency = Agency.objects.filter(code=str(sender.get("OrganId", ""))).first()
    promulgated = metadata.get("PromulgationInfo", {}).get("PromulgationDate") or None
    due = metadata.get("DueDate") or None
    data_in = IncomingData(
        doc_type=doc_type,
        summary=str(metadata.get("Subject", ""))[:2000],
        original_symbol=str(metadata.get("Code", {}).get("CodeNotation", ""))[:80],
        issuing_agency_name=str(sender.get("OrganName", ""))[:200],
        issued_on=dt.date.fromisoformat(promulgated) if promulgated else None,
        signer_name=str(metadata.get("SignerInfo", {}).get("FullName", ""))[:150],
        urgency=metadata.get("Urgency") if metadata.get("Urgency") in Urgency.values else "normal",
        confidentiality=(
            metadata.get("Confidentiality")
            if metadata.get("Confidentiality") in Confidentiality.values
            else Confidentiality.NORMAL
        ),
        deadline=dt.date.fromisoformat(due) if due else None,
    )
    document = document_register_incoming(
        actor=actor, agency=agency, data=data_in, file_data=main, file_name="document.pdf"
    )
    document.exchange_id = message_id
    document.sender_agency = sender_agency
    document.save(update_fields=["exchange_id", "sender_agency"])
    for name, blob in blobs.items():
        if name.startswith("attachments/"):
            _store_file(
                document,
                role=FileRole.ATTACHMENT,
                data=blob,
                name=name.split("/", 1)[1],
                actor=actor,
            )
    main_file = document.current_file(FileRole.ORIGINAL)
    if main_file is not None:
        file_verify(actor=actor, item=main_file)
    _audit(actor, document, "document.import_package", note="Mã gói tin %s" % message_id)
    return document
