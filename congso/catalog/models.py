"""The catalog of administrative procedures (thủ tục hành chính, TTHC)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from simple_history.models import HistoricalRecords

from congso.agencies.models import Agency
from congso.core import vntext


class Field(models.Model):
    """Field of administration (lĩnh vực), e.g. Hộ tịch, Đất đai."""

    name = models.CharField("tên lĩnh vực", max_length=200, unique=True)
    slug = models.SlugField("định danh", max_length=200, unique=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def active(self) -> ProcedureQuerySet:
        return self.filter(is_active=True)

    def received_by(self, agency: Agency) -> ProcedureQuerySet:
        return self.filter(receiving_agencies=agency)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published in the national database."""

    class Level(models.TextChoices):
        PROVINCE = "province", "Cấp tỉnh"
        COMMUNE = "commune", "Cấp xã"

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", "ngày làm việc"
        WORKING_HOURS = "working_hours", "giờ làm việc"

    class OnlineLevel(models.TextChoices):
        FULL = "full", "Toàn trình"
        PARTIAL = "partial", "Một phần"

    code = models.CharField("mã thủ tục", max_length=40, unique=True)
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(
        Field, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField("cấp thực hiện", max_length=20, choices=Level.choices)
    competent_agency = models.CharField("cơ quan có thẩm quyền", max_length=300)
    receiving_agencies = models.ManyToManyField(
        Agency, verbose_name="cơ quan tiếp nhận", related_name="procedures", blank=True
    )
    processing_time_value = models.PositiveIntegerField("thời hạn giải quyết")
    processing_time_unit = models.CharField(
        "đơn vị thời hạn", max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    processing_time_note = models.TextField("ghi chú thời hạn", blank=True)
    steps = models.JSONField("trình tự thực hiện", default=list, blank=True)
    who_may_apply = models.TextField("đối tượng thực hiện", blank=True)
    conditions = models.TextField("yêu cầu, điều kiện", blank=True)
    result = models.TextField("kết quả thực hiện")
    legal_basis = models.JSONField("căn cứ pháp lý", default=list)
    online_level = models.CharField(
        "mức độ dịch vụ công trực tuyến",
        max_length=20,
        choices=OnlineLevel.choices,
        default=OnlineLevel.PARTIAL,
    )
    synonyms = models.JSONField("tên gọi khác (từ đồng nghĩa)", default=list, blank=True)
    form = models.JSONField("biểu mẫu trực tuyến", default=dict, blank=True)
    source_note = models.TextField("ghi chú nguồn", blank=True)
    is_active = models.BooleanField("đang áp dụng", default=True)
    popularity = models.PositiveIntegerField("mức độ sử dụng", default=0)
    #: Diacritic-free, lower-case text of name, synonyms, field and result, filled by the
    #: catalog services; the search indexes read it.
    search_text = models.TextField(editable=False, blank=True)
    #: Diacritic-free, lower-case name (exact-name lookups and the heaviest search column).
    name_folded = models.CharField(max_length=500, editable=False, blank=True, db_index=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[receiving_agencies], excluded_fields=["search_text", "name_folded"]
    )
    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "level"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # The search columns are derived from the row itself; filling them here keeps the
        # full-text indexes (an SQLite FTS5 table fed by triggers, a PostgreSQL generated
        # tsvector) right even for rows written outside the catalog services.
        self.fill_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "name_folded"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:procedure-detail", kwargs={"code": self.code})

    def fill_search_fields(self) -> None:
        """Compute ``name_folded`` and ``search_text`` from name, synonyms, field and result."""
        field_name = self.field.name if self.field_id else ""
        synonyms = [str(s) for s in (self.synonyms or []) if s]
        self.name_folded = " ".join(vntext.folded_tokens(self.name))
        parts = [self.name, *synonyms, field_name, self.result or ""]
        self.search_text = " ".join(" ".join(vntext.folded_tokens(p)) for p in parts if p)

    @property
    def is_full_online(self) -> bool:
        return self.online_level == self.OnlineLevel.FULL

    @property
    def total_fee(self) -> int:
        """The fee of the first (default) case; 0 when free of charge."""
        first = self.fees.order_by("position").first()
        return first.amount if first else 0


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) in VND for one case of the procedure."""

    class Kind(models.TextChoices):
        LE_PHI = "le_phi", "Lệ phí"
        PHI = "phi", "Phí"

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    case = models.CharField("trường hợp áp dụng", max_length=500)
    amount = models.PositiveBigIntegerField("mức thu (đồng)", default=0)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.LE_PHI)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["procedure", "position"]

    def __str__(self) -> str:
        return "%s: %s" % (self.case, self.amount)


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ); each is an upload slot online."""

    class Form(models.TextChoices):
        ORIGINAL = "original", "Bản chính"
        COPY = "copy", "Bản sao"
        CERTIFIED_COPY = "certified_copy", "Bản sao có chứng thực"
        ORIGINAL_OR_CERTIFIED_COPY = (
            "original_or_certified_copy",
            "Bản chính hoặc bản sao có chứng thực",
        )
        PRESENT_ORIGINAL = "present_original", "Xuất trình bản chính"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="required_documents"
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    name = models.CharField("tên giấy tờ", max_length=500)
    original_or_copy = models.CharField(
        "loại bản", max_length=40, choices=Form.choices, default=Form.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField("số lượng", default=1)
    mandatory = models.BooleanField("bắt buộc", default=True)
    condition = models.CharField("điều kiện (nếu có)", max_length=500, blank=True)
    template_name = models.CharField("mẫu đơn, tờ khai", max_length=300, blank=True)
    template_file = models.FileField("tệp mẫu", upload_to="public/templates/", blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["procedure", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def slot(self) -> str:
        """Stable upload-slot name used by online submission (``doc-<position>``)."""
        return "doc-%d" % self.position
