"""Assistant data: the staff-maintained synonym table and the anonymised question log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from congso.core.models import TimeStampedModel
from congso.core.vntext import fold_lower


class Synonym(TimeStampedModel):
    """A word people use for a catalog concept (từ đồng nghĩa), e.g. "sổ đỏ".

    Either ``expansion`` is set (every question containing the term is read as if it also said
    the expansion), or ``procedure`` is set (the term becomes another name of that procedure),
    or both. Staff grow this table from the question log's "no answer"/"wrong answer" feedback.
    """

    term = models.CharField(
        "cách người dân gọi", max_length=200, help_text="Ví dụ: sổ đỏ, bằng lái, hộ khẩu."
    )
    term_folded = models.CharField(max_length=200, editable=False, db_index=True)
    expansion = models.CharField(
        "nghĩa theo danh mục",
        max_length=300,
        blank=True,
        help_text="Cách gọi trong danh mục thủ tục, ví dụ: giấy chứng nhận quyền sử dụng đất.",
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name="gắn với thủ tục",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assistant_synonyms",
    )
    is_active = models.BooleanField(
        "đang dùng",
        default=True,
        help_text="Bỏ chọn để tắt một từ (kể cả từ có sẵn của hệ thống có cùng cách gọi).",
    )
    note = models.CharField("ghi chú", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "từ đồng nghĩa"
        verbose_name_plural = "từ đồng nghĩa"
        ordering = ["term_folded"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(expansion="")
                | models.Q(procedure__isnull=False)
                | models.Q(is_active=False),
                name="assistant_synonym_has_meaning",
                violation_error_message=(
                    "Hãy nhập nghĩa theo danh mục hoặc chọn thủ tục gắn với từ này "
                    "(hoặc bỏ chọn “đang dùng” để tắt một từ có sẵn)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.term_folded = fold_lower(self.term)
        super().save(*args, **kwargs)


class Intent(models.TextChoices):
    PROCEDURE = "procedure", "Hỏi về thủ tục"
    CLARIFY = "clarify", "Chưa chắc chắn (gợi ý)"
    STATUS = "status", "Tra cứu hồ sơ"
    GREETING = "greeting", "Chào hỏi"
    THANKS = "thanks", "Cảm ơn"
    OUT_OF_SCOPE = "out_of_scope", "Ngoài phạm vi"
    EMPTY = "empty", "Câu hỏi trống"


class Feedback(models.TextChoices):
    NONE = "", "Chưa có"
    HELPFUL = "helpful", "Hữu ích"
    NO_ANSWER = "no_answer", "Không có câu trả lời"
    WRONG_ANSWER = "wrong_answer", "Trả lời sai"


class QuestionLog(models.Model):
    """One question asked to the assistant, stored without personal data.

    Phone numbers, ID numbers, dossier codes and e-mail addresses are masked before the text is
    stored (Decree 13/2023 on personal data protection: collect no more than needed).
    """

    asked_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    session = models.CharField("phiên", max_length=64, blank=True, db_index=True)
    channel = models.CharField("kênh", max_length=20, default="web")
    question = models.TextField("câu hỏi (đã ẩn thông tin cá nhân)")
    normalised = models.TextField("câu hỏi đã chuẩn hóa", blank=True)
    intent = models.CharField("ý định", max_length=20, choices=Intent.choices)
    aspect = models.CharField("khía cạnh", max_length=20, blank=True)
    top_codes = models.JSONField("thủ tục gợi ý", default=list, blank=True)
    top_score = models.FloatField("điểm cao nhất", default=0)
    answered = models.BooleanField("đã trả lời", default=False)
    elapsed_ms = models.FloatField("thời gian xử lý (ms)", default=0)
    feedback = models.CharField(
        "phản hồi", max_length=20, choices=Feedback.choices, blank=True, default=""
    )
    feedback_at = models.DateTimeField("phản hồi lúc", null=True, blank=True)
    feedback_note = models.CharField("ghi chú phản hồi", max_length=500, blank=True)

    class Meta:
        verbose_name = "câu hỏi trợ lý ảo"
        verbose_name_plural = "nhật ký câu hỏi trợ lý ảo"
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["intent", "asked_at"])]

    def __str__(self) -> str:
        return self.question[:80]
