"""Vietnamese formatting of money, dates and times (dd/mm/yyyy, 1.000.000 đ)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def format_vnd(amount: int | float | Decimal | None, *, free_text: str = "Miễn phí") -> str:
    """1000000 → "1.000.000 đ"; 0 or None → "Miễn phí"."""
    if not amount:
        return free_text
    return "%s đ" % format_number(amount)


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")


WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def format_long_date(value: dt.date | dt.datetime) -> str:
    """ "Thứ Sáu, ngày 13/02/2026"."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return "%s, ngày %s" % (WEEKDAYS[value.weekday()], value.strftime("%d/%m/%Y"))
