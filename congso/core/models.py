"""Shared kernel models: audit events, calendar exceptions and numbering counters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Nhật ký kiểm tra không được xoá.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Append-only audit event (nhật ký): who did what to which object, when and why."""

    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("tên người thực hiện", max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_type = models.CharField("loại đối tượng", max_length=100)
    object_id = models.CharField("mã đối tượng", max_length=100)
    object_repr = models.CharField("đối tượng", max_length=300, blank=True)
    action = models.CharField("hành động", max_length=60)
    from_state = models.CharField("trạng thái trước", max_length=40, blank=True)
    to_state = models.CharField("trạng thái sau", max_length=40, blank=True)
    note = models.TextField("ghi chú", blank=True)
    data = models.JSONField("dữ liệu", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký kiểm tra"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return "%s %s %s" % (self.at, self.action, self.object_repr)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Nhật ký kiểm tra không được xoá.")


class CalendarException(models.Model):
    """A day that differs from the legal calendar: an extra day off or a compensatory working day.

    The Prime Minister announces swaps each year (e.g. 2025: Friday 2/5 off, Saturday 26/4 worked);
    administrators enter those the ``holidays`` package does not know yet.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "Ngày nghỉ"
        WORKING_DAY = "working_day", "Ngày làm việc (làm bù)"

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    description = models.CharField("lý do", max_length=200)

    class Meta:
        verbose_name = "ngày nghỉ/làm bù"
        verbose_name_plural = "lịch làm việc: ngày ngoại lệ"
        ordering = ["date"]

    def __str__(self) -> str:
        return "%s — %s" % (self.date.strftime("%d/%m/%Y"), self.get_kind_display())


class NumberCounter(models.Model):
    """Gap-free counter per scope and year (dossier codes, document numbers, incoming books)."""

    scope = models.CharField("phạm vi", max_length=150)
    year = models.PositiveIntegerField("năm")
    last_value = models.PositiveIntegerField("số cuối", default=0)

    class Meta:
        verbose_name = "bộ đếm số"
        verbose_name_plural = "bộ đếm số"
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="uniq_counter_scope_year")
        ]

    def __str__(self) -> str:
        return "%s/%s: %s" % (self.scope, self.year, self.last_value)
