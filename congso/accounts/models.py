"""Users: citizens (công dân), representatives of organisations, and officers (cán bộ)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from congso.accounts.validators import validate_personal_id, validate_phone


class User(AbstractUser):
    """A person who signs in: a citizen, or an officer whose roles come from memberships."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", "Công dân"
        OFFICER = "officer", "Cán bộ, công chức"

    kind = models.CharField(
        "loại tài khoản", max_length=20, choices=Kind.choices, default=Kind.CITIZEN
    )
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    personal_id = models.CharField(
        "số định danh cá nhân",
        max_length=12,
        blank=True,
        validators=[validate_personal_id],
        db_index=True,
    )
    phone = models.CharField(
        "số điện thoại", max_length=15, blank=True, validators=[validate_phone]
    )
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~models.Q(personal_id=""),
                name="uniq_user_personal_id",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def role_names(self) -> list[str]:
        if not self.pk:
            return []
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = sorted(set(self.memberships.values_list("role", flat=True)))
            if self.is_superuser and "admin" not in cached:
                cached.append("admin")
            self._role_names = cached
        return cached

    @property
    def is_officer(self) -> bool:
        return bool(self.role_names())
