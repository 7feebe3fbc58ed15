"""One-stop dossiers (hồ sơ thủ tục hành chính, Nghị định 118/2025/NĐ-CP).

Deadlines are stored on the row so that "late" and "due soon" are plain indexed queries:
``due_at`` is the legal appointment (received time + the procedure's processing time in working
time, moved later by the working hours spent waiting for the applicant's supplement),
``original_due_at`` the appointment printed on the receipt, and ``due_soon_at`` the moment 80 % of
the allowed working time is used. An apology letter proposes a new date to the applicant but does
not move ``due_at``: the dossier still counts as late (Decision 766).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from congso.dossiers.constants import (
    FINAL_STATUSES,
    NATIONAL_STATUS_CODES,
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    ApplicantKind,
    AttachmentKind,
    Channel,
    PaymentMethod,
    RuleSet,
    Status,
)

__all__ = [
    "NATIONAL_STATUS_CODES",
    "ApologyLetter",
    "ApplicantKind",
    "AttachmentKind",
    "Channel",
    "Dossier",
    "DossierAttachment",
    "DossierStep",
    "Feedback",
    "Payment",
    "PaymentMethod",
    "Rating",
    "RuleSet",
    "Status",
    "SupplementRequest",
]


def day_start(value: dt.date | dt.datetime) -> dt.datetime:
    """The first moment of a local calendar day (a datetime is returned unchanged)."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=timezone.get_current_timezone())


def day_end(value: dt.date | dt.datetime) -> dt.datetime:
    """The first moment after a local calendar day (exclusive bound; datetimes kept as they are
    plus a microsecond so that the bound stays inclusive)."""
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(microseconds=1)
    return day_start(value + dt.timedelta(days=1))


#: Share of the allowed working time after which a dossier is "due soon" (sắp đến hạn).
DUE_SOON_RATIO = 0.8


class DossierQuerySet(models.QuerySet["Dossier"]):
    def received_between(self, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> Any:
        """Dossiers received in [start, end]; dates are whole local days, both ends included.

        Dates become a range of aware moments so that the ``received_at`` index is used (a
        ``__date`` lookup converts every row's time zone instead)."""
        return self.filter(received_at__gte=day_start(start), received_at__lt=day_end(end))

    def for_agency_tree(self, agency: Any) -> Any:
        """Dossiers handled or received by ``agency`` or any agency below it."""
        return self.filter(
            Q(agency__path__startswith=agency.path)
            | Q(receiving_agency__path__startswith=agency.path)
        )

    def handled_in_tree(self, agency: Any) -> Any:
        """Dossiers whose competent (handling) agency is ``agency`` or below it."""
        return self.filter(agency__path__startswith=agency.path)

    def resolved(self) -> Any:
        """Dossiers with a decision (approved or rejected), returned or not."""
        return self.filter(status__in=RESOLVED_STATUSES, finished_at__isnull=False)

    def open(self) -> Any:
        """Received and not yet decided (the clock runs or is paused)."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: dt.datetime | None = None) -> Any:
        """Open dossiers past their deadline (paused ones excluded: their clock is stopped)."""
        now = now or timezone.now()
        return self.open().filter(paused_at__isnull=True, due_at__lt=now)

    def due_soon(self, now: dt.datetime | None = None) -> Any:
        """Open dossiers that used ≥ 80 % of their working time but are not late yet."""
        now = now or timezone.now()
        return self.open().filter(paused_at__isnull=True, due_soon_at__lte=now, due_at__gte=now)

    def late(self) -> Any:
        """Dossiers decided after their deadline, or open past it (the stored flag)."""
        return self.filter(is_late_flag=True)


class Dossier(models.Model):
    """A dossier (hồ sơ) of one administrative procedure submitted by a person or organisation."""

    code = models.CharField("mã hồ sơ", max_length=60, unique=True)
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name="thủ tục",
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="cơ quan giải quyết",
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="nơi tiếp nhận",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    channel = models.CharField(
        "hình thức nộp", max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        "trạng thái", max_length=30, choices=Status.choices, default=Status.DRAFT
    )
    rule_set = models.CharField(
        "quy định áp dụng", max_length=10, choices=RuleSet.choices, default=RuleSet.D118_2025
    )

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản người nộp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(
        "đối tượng", max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField("họ tên người nộp", max_length=150)
    applicant_personal_id = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    applicant_phone = models.CharField("số điện thoại", max_length=15, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=300, blank=True)
    organisation_name = models.CharField("tên tổ chức", max_length=300, blank=True)
    organisation_tax_code = models.CharField("mã số thuế", max_length=14, blank=True)
    form_data = models.JSONField("nội dung tờ khai", default=dict, blank=True)

    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    received_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True, db_index=True)
    due_at = models.DateTimeField("hạn giải quyết", null=True, blank=True)
    original_due_at = models.DateTimeField(
        "hẹn trả (ghi trên giấy tiếp nhận)", null=True, blank=True
    )
    due_soon_at = models.DateTimeField("mốc sắp đến hạn (80%)", null=True, blank=True)
    finished_at = models.DateTimeField("có kết quả lúc", null=True, blank=True)
    returned_at = models.DateTimeField("trả kết quả lúc", null=True, blank=True)
    withdrawn_at = models.DateTimeField("rút hồ sơ lúc", null=True, blank=True)
    paused_at = models.DateTimeField("tạm dừng (chờ bổ sung) từ", null=True, blank=True)
    paused_hours = models.FloatField("số giờ làm việc tạm dừng", default=0)
    #: Office hours from receipt to decision minus ``paused_hours`` (the handling agency's office
    #: hours), set once when the dossier is decided; the dashboard sums it for the average
    #: processing time. Null while undecided, and for a dossier decided without a receipt.
    working_hours_used = models.FloatField("giờ làm việc đã dùng", null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    updated_at = models.DateTimeField("cập nhật lúc", default=timezone.now)

    current_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đang xử lý",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_dossiers",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_dossiers",
    )
    fee_amount = models.PositiveBigIntegerField("phí, lệ phí (đồng)", default=0)
    paid_at = models.DateTimeField("nộp phí lúc", null=True, blank=True)
    payment_method = models.CharField(
        "hình thức nộp phí",
        max_length=10,
        choices=PaymentMethod.choices,
        default=PaymentMethod.NONE,
        blank=True,
    )
    payment_reference = models.CharField("mã giao dịch", max_length=100, blank=True)
    result_digitised = models.BooleanField("kết quả điện tử", default=False)
    rejection_reason = models.TextField("lý do từ chối", blank=True)
    is_late_flag = models.BooleanField("quá hạn", default=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["receiving_agency", "status"], name="dossier_recv_status"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["status", "due_soon_at"], name="dossier_status_duesoon"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant"),
            models.Index(fields=["applicant_phone"], name="dossier_phone"),
            models.Index(fields=["applicant_personal_id"], name="dossier_pid"),
            models.Index(fields=["finished_at"], name="dossier_finished"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(paused_hours__gte=0), name="dossier_paused_hours_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(due_at__isnull=False),
                name="dossier_received_has_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        try:
            return reverse("dossiers:dossier-detail", kwargs={"code": self.code})
        except NoReverseMatch:
            return "/ho-so/%s/" % self.code

    # ------------------------------------------------------------ derived values
    @property
    def national_status_code(self) -> int:
        if self.status == Status.REJECTED and self.received_at is None:
            return 3
        return NATIONAL_STATUS_CODES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def end_of_processing(self) -> dt.datetime | None:
        """When processing ended (decision, or withdrawal); None while open."""
        return self.finished_at or (self.withdrawn_at if self.received_at else None)

    def is_late_at(self, now: dt.datetime) -> bool:
        if self.due_at is None or self.received_at is None:
            return False
        if self.finished_at is not None:
            return self.finished_at > self.due_at
        if self.status == Status.WITHDRAWN:
            return bool(self.withdrawn_at and self.withdrawn_at > self.due_at)
        if self.paused_at is not None:
            return self.paused_at > self.due_at
        return now > self.due_at

    @property
    def is_late(self) -> bool:
        """Decided after the deadline, or still open past it (supplement time excluded)."""
        return self.is_late_at(timezone.now())

    def is_due_soon_at(self, now: dt.datetime) -> bool:
        if not self.is_open or self.paused_at is not None or self.due_soon_at is None:
            return False
        return self.due_soon_at <= now <= (self.due_at or now)

    @property
    def is_due_soon(self) -> bool:
        """≥ 80 % of the allowed working time used and not late yet."""
        return self.is_due_soon_at(timezone.now())

    @property
    def paid_online(self) -> bool:
        return self.payment_method == PaymentMethod.ONLINE and self.paid_at is not None

    @property
    def is_paid(self) -> bool:
        return self.fee_amount == 0 or self.paid_at is not None

    @property
    def appointment_at(self) -> dt.datetime | None:
        """The date promised to the applicant: the apology letter's new date, else ``due_at``."""
        letter = getattr(self, "apology_letter", None) if self.pk else None
        if letter is not None:
            return letter.new_due_at
        return self.due_at

    @property
    def display_applicant(self) -> str:
        if self.applicant_kind == ApplicantKind.ORGANISATION and self.organisation_name:
            return self.organisation_name
        return self.applicant_name


class DossierStep(models.Model):
    """One row of the dossier's timeline (phiếu kiểm soát quá trình giải quyết)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("thao tác", max_length=30)
    from_status = models.CharField("trạng thái trước", max_length=30, blank=True)
    to_status = models.CharField("trạng thái sau", max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("tên người thực hiện", max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("thời điểm", default=timezone.now)
    note = models.TextField("ghi chú nội bộ", blank=True)
    public_note = models.CharField("thông tin công khai", max_length=300, blank=True)
    due_at = models.DateTimeField("hạn của bước", null=True, blank=True)

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quá trình xử lý"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="step_dossier_at")]

    def __str__(self) -> str:
        return "%s: %s" % (self.dossier_id, self.action)

    @property
    def action_label(self) -> str:
        from congso.dossiers.constants import Action

        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action

    @property
    def to_status_label(self) -> str:
        try:
            return str(Status(self.to_status).label)
        except ValueError:
            return self.to_status


def _attachment_path(instance: DossierAttachment, filename: str) -> str:
    # Files are stored under a random name: the original name is kept in the row only, so that
    # a crafted name can never choose the path.
    import uuid

    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return "dossiers/%s/%s.%s" % (
        timezone.localdate().strftime("%Y/%m"),
        uuid.uuid4().hex,
        ext,
    )


class DossierAttachment(models.Model):
    """A file of the dossier: a required document, a supplement, a draft or the final result."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    slot = models.CharField("vị trí", max_length=40)
    kind = models.CharField(
        "loại", max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.APPLICANT
    )
    original_name = models.CharField("tên tệp gốc", max_length=255)
    file = models.FileField("tệp", upload_to=_attachment_path, max_length=255)
    content_type = models.CharField("kiểu nội dung", max_length=60)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("tải lên lúc", default=timezone.now)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"
        ordering = ["slot", "uploaded_at", "id"]
        indexes = [models.Index(fields=["dossier", "slot"], name="attachment_slot")]

    def __str__(self) -> str:
        return self.original_name


class SupplementRequest(models.Model):
    """A request to supplement the dossier (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ).

    The rules allow one request after receipt, listing everything missing at once; the time
    between ``requested_at`` and ``fulfilled_at`` is not counted in the processing time.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    items = models.JSONField("giấy tờ cần bổ sung", default=list)
    note = models.TextField("hướng dẫn", blank=True)
    after_receipt = models.BooleanField("sau khi tiếp nhận", default=True)
    from_status = models.CharField("trạng thái khi yêu cầu", max_length=30, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("yêu cầu lúc", default=timezone.now)
    fulfilled_at = models.DateTimeField("bổ sung lúc", null=True, blank=True)
    paused_hours = models.FloatField("số giờ làm việc chờ bổ sung", default=0)

    class Meta:
        verbose_name = "yêu cầu bổ sung"
        verbose_name_plural = "yêu cầu bổ sung"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return "%s — %s" % (self.dossier_id, self.requested_at)


class ApologyLetter(models.Model):
    """Apology and new appointment (văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết).

    At most one per dossier: a second re-appointment is a violation to report, not a form.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology_letter")
    reason = models.TextField("lý do chậm")
    new_due_at = models.DateTimeField("hẹn lại ngày trả")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ban hành",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("ban hành lúc", default=timezone.now)

    class Meta:
        verbose_name = "văn bản xin lỗi, hẹn lại"
        verbose_name_plural = "văn bản xin lỗi, hẹn lại"

    def __str__(self) -> str:
        return "%s — %s" % (self.dossier_id, self.new_due_at)


def _score_validators() -> list[Any]:
    return [MinValueValidator(1), MaxValueValidator(5)]


class Rating(models.Model):
    """Satisfaction rating after the result is returned (Decision 766, group "Mức độ hài lòng")."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField("đánh giá chung", validators=_score_validators())
    reception = models.PositiveSmallIntegerField(
        "hướng dẫn, tiếp nhận", null=True, blank=True, validators=_score_validators()
    )
    timeliness = models.PositiveSmallIntegerField(
        "thời gian giải quyết", null=True, blank=True, validators=_score_validators()
    )
    attitude = models.PositiveSmallIntegerField(
        "thái độ phục vụ", null=True, blank=True, validators=_score_validators()
    )
    result = models.PositiveSmallIntegerField(
        "kết quả giải quyết", null=True, blank=True, validators=_score_validators()
    )
    publicity = models.PositiveSmallIntegerField(
        "công khai, minh bạch", null=True, blank=True, validators=_score_validators()
    )
    satisfied = models.BooleanField("hài lòng", default=True)
    comment = models.TextField("ý kiến", blank=True)
    rated_at = models.DateTimeField("đánh giá lúc", default=timezone.now)

    class Meta:
        verbose_name = "đánh giá"
        verbose_name_plural = "đánh giá mức độ hài lòng"
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_5"
            )
        ]

    def __str__(self) -> str:
        return "%s: %s/5" % (self.dossier_id, self.score)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.satisfied = self.score >= 4
        super().save(*args, **kwargs)


class Feedback(models.Model):
    """Feedback and petitions (phản ánh, kiến nghị), about a dossier or in general."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name="hồ sơ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("họ tên", max_length=150)
    phone = models.CharField("số điện thoại", max_length=15, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    content = models.TextField("nội dung")
    created_at = models.DateTimeField("gửi lúc", default=timezone.now)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answer = models.TextField("trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người trả lời",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "%s — %s" % (self.name, self.created_at)


class Payment(models.Model):
    """A fee payment request (e.g. a VietQR bank transfer) and its reconciliation."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ thanh toán"
        PAID = "paid", "Đã thanh toán"
        CANCELLED = "cancelled", "Đã huỷ"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="payments")
    provider = models.CharField("kênh thanh toán", max_length=30, default="vietqr")
    reference = models.CharField("nội dung chuyển khoản", max_length=60, unique=True)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    state = models.CharField(
        "trạng thái", max_length=12, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    bank_transaction = models.CharField("mã giao dịch ngân hàng", max_length=100, blank=True)
    statement_line = models.TextField("dòng sao kê", blank=True)

    class Meta:
        verbose_name = "thanh toán"
        verbose_name_plural = "thanh toán phí, lệ phí"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "%s %s" % (self.reference, self.get_state_display())
