"""Socio-economic indicators (chỉ tiêu kinh tế - xã hội) entered by the statistics office.

Service KPIs are not stored: they are computed from dossiers on demand (see :mod:`kpis`). The
indicators below are figures the province reports each month, quarter, half-year and year; the
growth against the same period of last year and the share of the plan are *computed* from the
stored value, plan and last-year figures, never typed in (a typed percentage drifts from the
numbers it claims to summarise).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Indicator(models.Model):
    """A socio-economic indicator (chỉ tiêu), e.g. GRDP, thu ngân sách, kim ngạch xuất khẩu."""

    class Group(models.TextChoices):
        GROWTH = "growth", "Tăng trưởng kinh tế"
        BUDGET = "budget", "Thu, chi ngân sách"
        TRADE = "trade", "Thương mại, xuất nhập khẩu"
        INVESTMENT = "investment", "Đầu tư"
        AGRICULTURE = "agriculture", "Nông nghiệp"
        INDUSTRY = "industry", "Công nghiệp"
        SOCIAL = "social", "Văn hóa - xã hội"

    code = models.SlugField(
        "mã chỉ tiêu",
        max_length=60,
        unique=True,
        help_text="Mã ổn định dùng khi nhập từ Excel, ví dụ grdp, thu-ngan-sach.",
    )
    name = models.CharField("tên chỉ tiêu", max_length=200)
    unit = models.CharField("đơn vị tính", max_length=40, help_text="Ví dụ: tỷ đồng, triệu USD.")
    group = models.CharField("nhóm", max_length=20, choices=Group.choices)
    source = models.CharField(
        "nguồn số liệu", max_length=200, blank=True, help_text="Ví dụ: Cục Thống kê tỉnh."
    )
    description = models.TextField("giải thích", blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="thuộc chỉ tiêu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Ví dụ: khu vực dịch vụ thuộc GRDP; thu nội địa thuộc thu ngân sách.",
    )
    order = models.PositiveIntegerField("thứ tự hiển thị", default=100)

    class Meta:
        verbose_name = "chỉ tiêu kinh tế - xã hội"
        verbose_name_plural = "chỉ tiêu kinh tế - xã hội"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return "%s (%s)" % (self.name, self.unit)


class PeriodType(models.TextChoices):
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    HALF = "half", "6 tháng"
    YEAR = "year", "Năm"


#: Largest period number per period type (month 12, quarter 4, half 2, year 1).
PERIOD_MAX = {PeriodType.MONTH: 12, PeriodType.QUARTER: 4, PeriodType.HALF: 2, PeriodType.YEAR: 1}


def period_label(period_type: str, year: int, number: int) -> str:
    """ "Tháng 3/2021", "Quý II/2021", "6 tháng đầu năm 2021", "Năm 2021"."""
    if period_type == PeriodType.MONTH:
        return "Tháng %d/%d" % (number, year)
    if period_type == PeriodType.QUARTER:
        return "Quý %s/%d" % (["I", "II", "III", "IV"][number - 1], year)
    if period_type == PeriodType.HALF:
        return "6 tháng %s năm %d" % ("đầu" if number == 1 else "cuối", year)
    return "Năm %d" % year


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def for_period(self, period_type: str, year: int, number: int) -> IndicatorValueQuerySet:
        return self.filter(period_type=period_type, year=year, number=number)


class IndicatorValue(models.Model):
    """The figure of one indicator for one period, with its plan and last year's same period.

    ``plan_target`` is the target the figure is measured against, as the province reports it:
    for budget revenue the estimate (dự toán) the central government assigned for the year, for
    exports the year's plan (kế hoạch). ``same_period_last_year`` is the figure of the same
    period one year earlier (cùng kỳ năm trước), at comparable prices where the indicator needs
    it (GRDP at 2010 prices).
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="values"
    )
    period_type = models.CharField("kỳ báo cáo", max_length=10, choices=PeriodType.choices)
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveSmallIntegerField(
        "số thứ tự kỳ", default=1, help_text="Tháng 1–12, quý 1–4, 6 tháng 1–2; năm: 1."
    )
    value = models.DecimalField("giá trị thực hiện", max_digits=20, decimal_places=4)
    plan_target = models.DecimalField(
        "kế hoạch / dự toán", max_digits=20, decimal_places=4, null=True, blank=True
    )
    same_period_last_year = models.DecimalField(
        "cùng kỳ năm trước", max_digits=20, decimal_places=4, null=True, blank=True
    )
    source = models.CharField("nguồn", max_length=300, blank=True)
    note = models.TextField("ghi chú", blank=True)
    is_demo = models.BooleanField(
        "số liệu minh hoạ",
        default=False,
        help_text="Đánh dấu số liệu dựng để trình diễn, không phải số liệu chính thức.",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        ordering = ["indicator__order", "year", "period_type", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_type", "year", "number"],
                name="uniq_indicator_period",
            )
        ]
        indexes = [models.Index(fields=["period_type", "year", "number"])]

    def __str__(self) -> str:
        return "%s — %s" % (self.indicator.name, self.period_label)

    def clean(self) -> None:
        maximum = PERIOD_MAX.get(PeriodType(self.period_type)) if self.period_type else None
        if maximum is not None and not 1 <= (self.number or 0) <= maximum:
            raise ValidationError({"number": "Số thứ tự kỳ phải từ 1 đến %d với kỳ này." % maximum})
        if self.year is not None and not 1990 <= self.year <= 2100:
            raise ValidationError({"year": "Năm không hợp lệ."})

    @property
    def period_label(self) -> str:
        return period_label(self.period_type, self.year, self.number)

    @property
    def growth_pct(self) -> Decimal | None:
        """Growth against the same period last year, in percent: (value / last year − 1) × 100."""
        return growth_pct(self.value, self.same_period_last_year)

    @property
    def plan_pct(self) -> Decimal | None:
        """Share of the plan achieved, in percent: value / plan × 100."""
        return plan_pct(self.value, self.plan_target)


def growth_pct(value: Decimal | None, last_year: Decimal | None) -> Decimal | None:
    """(value / last_year − 1) × 100, or None when last year's figure is missing or zero."""
    if value is None or not last_year:
        return None
    return (Decimal(value) / Decimal(last_year) - 1) * 100


def plan_pct(value: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """value / plan × 100, or None when there is no plan."""
    if value is None or not plan:
        return None
    return Decimal(value) / Decimal(plan) * 100
