"""Official documents (văn bản hành chính) under Decree 30/2020/NĐ-CP on correspondence work.

Books (sổ đăng ký) number documents per agency and year, incoming documents (văn bản đến) are
registered and assigned, outgoing documents (văn bản đi) are drafted, approved, numbered at
issuance, digitally signed and sent. Files are immutable blobs: a signed or numbered version is a
new :class:`DocumentFile` derived from the previous one, so the original upload is never rewritten.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from congso.agencies.models import Agency
from congso.documents.constants import (
    AssignmentRole,
    AssignmentStatus,
    Confidentiality,
    Direction,
    DocumentStatus,
    FileRole,
    Urgency,
)


class TsVectorField(models.Field):
    """PostgreSQL ``tsvector`` of the folded text (NULL on SQLite, which uses an FTS5 table)."""

    description = "tsvector (PostgreSQL) hoặc text"

    def db_type(self, connection) -> str:  # type: ignore[no-untyped-def]
        return "tsvector" if connection.vendor == "postgresql" else "text"


class DocumentType(models.Model):
    """Document type (thể loại văn bản) with its abbreviation from Decree 30, Appendix III.

    Công văn and thư công have no abbreviation: a công văn's symbol is the issuing agency's
    abbreviation followed by the drafting unit's (``05/UBND-VP``).
    """

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên loại văn bản", max_length=100, unique=True)
    abbreviation = models.CharField("chữ viết tắt", max_length=10, blank=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản (Phụ lục III NĐ 30/2020)"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_official_letter(self) -> bool:
        """Công văn-like: the symbol uses the drafting unit instead of a type abbreviation."""
        return not self.abbreviation


class DocumentBook(models.Model):
    """A register book (sổ đăng ký văn bản) of one agency: its numbers restart at 01 each year.

    An agency keeps one shared outgoing book, or one per document type (``doc_types``); secret
    documents have their own series (Decree 30, art. 15). The printed register of a year lists the
    documents numbered in that book during that year.
    """

    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="document_books"
    )
    direction = models.CharField("loại sổ", max_length=10, choices=Direction.choices)
    name = models.CharField("tên sổ", max_length=150)
    doc_types = models.ManyToManyField(
        DocumentType,
        verbose_name="loại văn bản dùng sổ này",
        blank=True,
        help_text="Để trống: sổ chung cho các loại văn bản không có sổ riêng.",
    )
    is_confidential = models.BooleanField("sổ văn bản mật", default=False)
    is_active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "sổ văn bản"
        verbose_name_plural = "sổ văn bản"
        ordering = ["agency__path", "direction", "name"]

    def __str__(self) -> str:
        return "%s — %s" % (self.name, self.agency.display_name)

    @property
    def number_scope(self) -> str:
        """Counter scope of :func:`congso.core.numbering.next_number` (year given separately)."""
        prefix = "doc-out" if self.direction == Direction.OUTGOING else "doc-in"
        return "%s:%s:%s" % (prefix, self.agency.slug, self.pk)


class DocumentQuerySet(models.QuerySet["Document"]):
    def incoming(self) -> DocumentQuerySet:
        return self.filter(direction=Direction.INCOMING)

    def outgoing(self) -> DocumentQuerySet:
        return self.filter(direction=Direction.OUTGOING)

    def confidential(self) -> DocumentQuerySet:
        return self.exclude(confidentiality=Confidentiality.NORMAL)


class Document(models.Model):
    """An official document (văn bản), incoming or outgoing, of one agency.

    Incoming: ``incoming_number`` per book and year (số đến), the sender's number and symbol in
    ``original_symbol``. Outgoing: ``number`` and ``symbol`` are set only when the clerk issues it.
    """

    direction = models.CharField("loại", max_length=10, choices=Direction.choices)
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="documents"
    )
    book = models.ForeignKey(
        DocumentBook,
        verbose_name="sổ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    doc_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("trạng thái", max_length=20, choices=DocumentStatus.choices)
    year = models.PositiveIntegerField("năm", null=True, blank=True)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    symbol = models.CharField("số và ký hiệu", max_length=80, blank=True)
    incoming_number = models.PositiveIntegerField("số đến", null=True, blank=True)
    original_symbol = models.CharField("số, ký hiệu gốc", max_length=80, blank=True)
    issuing_agency_name = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    sender_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan gửi (trên nền tảng)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_on = models.DateField("ngày văn bản", null=True, blank=True)
    received_at = models.DateTimeField("thời điểm đến", null=True, blank=True)
    summary = models.TextField("trích yếu nội dung")
    body = models.TextField("nội dung (dự thảo)", blank=True)
    drafting_unit = models.CharField(
        "đơn vị soạn thảo (viết tắt)",
        max_length=20,
        blank=True,
        help_text="Dùng cho ký hiệu công văn, ví dụ VP trong 05/UBND-VP.",
    )
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=150, blank=True)
    signing_authority = models.CharField(
        "thẩm quyền ký", max_length=60, blank=True, help_text="Ví dụ TM. ỦY BAN NHÂN DÂN, KT."
    )
    urgency = models.CharField(
        "độ khẩn", max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        "độ mật", max_length=20, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    deadline = models.DateField("hạn xử lý", null=True, blank=True)
    page_count = models.PositiveIntegerField("số trang", default=0)
    recipients = models.ManyToManyField(
        Agency, verbose_name="nơi nhận (trên nền tảng)", blank=True, related_name="+"
    )
    recipients_text = models.TextField("nơi nhận khác", blank=True)
    reply_to = models.ForeignKey(
        "self",
        verbose_name="trả lời văn bản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    source_document = models.ForeignKey(
        "self",
        verbose_name="văn bản gốc (liên thông)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    exchange_id = models.UUIDField("mã gói tin liên thông", null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lãnh đạo xử lý / duyệt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người duyệt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="văn thư phát hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("phát hành lúc", null=True, blank=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    extracted_text = models.TextField("văn bản trích xuất", blank=True)
    text_source = models.CharField(
        "nguồn văn bản trích xuất",
        max_length=10,
        blank=True,
        help_text="pdf: lớp chữ của tệp; ocr: nhận dạng ký tự (Tesseract); trống: chưa có.",
    )
    search_vector = TsVectorField("chỉ mục tìm kiếm", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "direction", "status"]),
            models.Index(fields=["agency", "direction", "-created_at"]),
            models.Index(fields=["book", "year"]),
            models.Index(fields=["issued_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "year", "number"],
                condition=Q(number__isnull=False),
                name="uniq_document_number_per_book_year",
            ),
            models.UniqueConstraint(
                fields=["book", "year", "incoming_number"],
                condition=Q(incoming_number__isnull=False),
                name="uniq_document_incoming_number_per_book_year",
            ),
            models.UniqueConstraint(
                fields=["agency", "exchange_id"],
                condition=Q(exchange_id__isnull=False),
                name="uniq_document_exchange_per_agency",
            ),
        ]

    def __str__(self) -> str:
        ref = self.display_number or self.original_symbol or "(chưa cấp số)"
        return "%s — %s" % (ref, self.summary[:80])

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    @property
    def display_number(self) -> str:
        """ "Số: 05/QĐ-UBND" without the label; incoming: "Đến số 07"."""
        if self.direction == Direction.OUTGOING:
            return self.symbol
        if self.incoming_number:
            return "Đến số %02d" % self.incoming_number
        return ""

    @property
    def is_overdue(self) -> bool:
        if self.deadline is None or self.status in (DocumentStatus.DONE, DocumentStatus.SENT):
            return False
        return self.deadline < timezone.localdate()

    def current_file(self, *roles: str) -> DocumentFile | None:
        """The newest file among ``roles`` (signed before issued before draft by default)."""
        order = roles or (FileRole.SIGNED, FileRole.ISSUED, FileRole.ORIGINAL, FileRole.DRAFT)
        files = {f.role: f for f in self.files.filter(role__in=order).order_by("created_at", "id")}
        for role in order:
            if role in files:
                return files[role]
        return None


def _file_upload_to(instance: DocumentFile, filename: str) -> str:
    # Content-addressed names: the same bytes delivered to several agencies share one blob.
    return "documents/%s/%s.pdf" % (instance.sha256[:2], instance.sha256)


class DocumentFile(models.Model):
    """A file of a document: never updated, only added (signed versions derive from others)."""

    document = models.ForeignKey(
        Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="files"
    )
    role = models.CharField("vai trò", max_length=20, choices=FileRole.choices)
    file = models.FileField("tệp", upload_to=_file_upload_to, max_length=200)
    name = models.CharField("tên tệp", max_length=200)
    content_type = models.CharField("kiểu nội dung", max_length=100, default="application/pdf")
    size = models.PositiveIntegerField("kích thước (byte)")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    derived_from = models.ForeignKey(
        "self",
        verbose_name="tạo từ tệp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derivatives",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tệp văn bản"
        verbose_name_plural = "tệp văn bản"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return "%s (%s)" % (self.name, self.get_role_display())

    def read_bytes(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def open(self) -> AssignmentQuerySet:
        return self.filter(status=AssignmentStatus.OPEN)

    def overdue(self, today: dt.date | None = None) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)


class Assignment(models.Model):
    """A leader's instruction (bút phê, giao xử lý): lead unit, cooperating units, for information.

    The assignee is a unit (an agency the officers of which may act) or a named officer.
    """

    document = models.ForeignKey(
        Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField("vai trò", max_length=20, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        Agency,
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_assignments",
    )
    instruction = models.TextField("ý kiến chỉ đạo", blank=True)
    deadline = models.DateField("hạn xử lý", null=True, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.OPEN,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người giao",
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField("giao lúc", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người kết thúc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    result = models.TextField("kết quả xử lý", blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "phân công xử lý"
        verbose_name_plural = "phân công xử lý"
        ordering = ["document", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(user__isnull=False),
                name="assignment_has_assignee",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(role="lead"),
                name="uniq_assignment_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return "%s: %s" % (self.get_role_display(), self.assignee_name)

    @property
    def assignee_name(self) -> str:
        if self.user_id and self.user:
            name = self.user.get_full_name()
            return "%s (%s)" % (name, self.unit.display_name) if self.unit else name
        return self.unit.display_name if self.unit else ""

    @property
    def is_overdue(self) -> bool:
        if self.status != AssignmentStatus.OPEN or self.deadline is None:
            return False
        return self.deadline < timezone.localdate()


class Opinion(models.Model):
    """A processing opinion (ý kiến xử lý) recorded on an assignment."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="phân công", on_delete=models.CASCADE, related_name="opinions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người cho ý kiến", on_delete=models.PROTECT
    )
    text = models.TextField("ý kiến")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "ý kiến xử lý"
        verbose_name_plural = "ý kiến xử lý"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class SigningCredential(models.Model):
    """A certificate of the platform's PKI: a trust anchor (CA), an agency's or a person's.

    Private keys never live in the database: ``key_file`` names a PEM file (encrypted, mode 0600)
    under the PKI directory (``settings.DOCUMENTS_PKI_DIR``, default ``VAR_DIR/pki``); trust
    anchors imported from real CAs (VGCA, NEAC roots) have no key at all.
    """

    class Kind(models.TextChoices):
        CA = "ca", "Tổ chức chứng thực (gốc tin cậy)"
        AGENCY = "agency", "Chứng thư số của cơ quan"
        PERSONAL = "personal", "Chứng thư số cá nhân"

    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    subject = models.CharField("chủ thể", max_length=300)
    serial = models.CharField("số hiệu", max_length=80)
    certificate_pem = models.TextField("chứng thư (PEM)")
    issuer = models.ForeignKey(
        "self",
        verbose_name="cấp bởi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key_file = models.CharField("tệp khoá (trong thư mục PKI)", max_length=200, blank=True)
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    is_demo = models.BooleanField("chỉ dùng thử (DEMO)", default=False)
    is_active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "chứng thư số"
        verbose_name_plural = "chứng thư số"
        ordering = ["kind", "subject"]

    def __str__(self) -> str:
        return "%s — %s" % (self.get_kind_display(), self.subject)


class SignatureCheck(models.Model):
    """The stored result of verifying one signature of a document file."""

    file = models.ForeignKey(
        DocumentFile, verbose_name="tệp", on_delete=models.CASCADE, related_name="signature_checks"
    )
    field_name = models.CharField("trường chữ ký", max_length=100)
    signer = models.CharField("người ký (chủ thể chứng thư)", max_length=300)
    issuer = models.CharField("cơ quan cấp chứng thư", max_length=300, blank=True)
    serial = models.CharField("số hiệu chứng thư", max_length=80, blank=True)
    signed_at = models.DateTimeField("thời điểm ký", null=True, blank=True)
    intact = models.BooleanField("toàn vẹn")
    trusted = models.BooleanField("tin cậy")
    valid = models.BooleanField("hợp lệ")
    coverage = models.CharField("phạm vi", max_length=40, blank=True)
    modification_level = models.CharField("mức thay đổi sau ký", max_length=40, blank=True)
    checked_at = models.DateTimeField("kiểm tra lúc", auto_now_add=True)

    class Meta:
        verbose_name = "kết quả kiểm tra chữ ký"
        verbose_name_plural = "kết quả kiểm tra chữ ký"
        ordering = ["file", "id"]

    def __str__(self) -> str:
        return "%s: %s" % (self.signer, "hợp lệ" if self.valid else "không hợp lệ")


def new_exchange_id() -> uuid.UUID:
    return uuid.uuid4()
