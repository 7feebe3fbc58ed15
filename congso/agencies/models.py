"""Agencies (cơ quan, đơn vị) and the roles officers hold in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    RECEPTIONIST = "receptionist", "Cán bộ một cửa"
    SPECIALIST = "specialist", "Chuyên viên thụ lý"
    LEADER = "leader", "Lãnh đạo"
    CLERK = "clerk", "Văn thư"
    ADMIN = "admin", "Quản trị"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def communes(self) -> AgencyQuerySet:
        return self.filter(kind=Agency.Kind.COMMUNE)

    def subtree_of(self, agency: Agency) -> AgencyQuerySet:
        """The agency and every agency below it (materialised path prefix)."""
        return self.filter(path__startswith=agency.path)


class Agency(models.Model):
    """An agency of the province (UBND tỉnh, sở, trung tâm, UBND xã/phường) — a tree of any depth.

    ``code`` is the electronic identification code (mã định danh điện tử, Decision 20/2020/QĐ-TTg),
    e.g. ``000.00.00.H30`` for the People's Committee of Hậu Giang.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", "Ủy ban nhân dân tỉnh"
        DEPARTMENT = "department", "Sở, ban, ngành"
        SERVICE_CENTER = "service_center", "Trung tâm Phục vụ hành chính công"
        COMMUNE = "commune", "Xã, phường"
        UNIT = "unit", "Đơn vị trực thuộc"

    name = models.CharField("tên cơ quan", max_length=200)
    short_name = models.CharField("tên ngắn", max_length=100, blank=True)
    slug = models.SlugField("định danh", max_length=60, unique=True)
    code = models.CharField("mã định danh điện tử", max_length=40, unique=True)
    abbreviation = models.CharField(
        "chữ viết tắt (ký hiệu văn bản)", max_length=20, help_text="Ví dụ UBND, STP, SNV."
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("đường dẫn cây", max_length=500, db_index=True, editable=False)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    office_hours = models.CharField(
        "giờ làm việc",
        max_length=60,
        blank=True,
        help_text="Để trống để dùng giờ làm việc chung, ví dụ 07:00-11:30,13:00-17:00.",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        parent_path = self.parent.path if self.parent_id and self.parent else ""
        self.path = "%s%s/" % (parent_path, self.slug)
        super().save(*args, **kwargs)
        # Keep the children's paths in step when an agency moves in the tree.
        for child in self.children.all():
            if not child.path.startswith(self.path):
                child.save()

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestors(self) -> list[Agency]:
        chain: list[Agency] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Membership(models.Model):
    """An officer's role in an agency (one officer may hold several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    title = models.CharField("chức vụ", max_length=120, blank=True)

    class Meta:
        verbose_name = "phân công cán bộ"
        verbose_name_plural = "phân công cán bộ"
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return "%s — %s (%s)" % (self.user, self.agency, self.get_role_display())
