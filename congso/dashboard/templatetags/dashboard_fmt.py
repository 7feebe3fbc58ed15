"""Number formats of the dashboard pages (Vietnamese: 1.234 · 87,0 % · +5,99 %)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from congso.core.formatting import format_number

register = template.Library()


@register.filter
def vnnumber(value: Any) -> str:
    """12345 → "12.345"; None → "—"."""
    return "—" if value is None else format_number(value)


@register.filter
def vndec1(value: Any) -> str:
    """One decimal: 4.25 → "4,3"; None → "—"."""
    return "—" if value is None else format_number(value, 1)


@register.filter
def vnpct(value: Any) -> str:
    """A fraction as a percentage: 0.87 → "87,0 %"; None → "—"."""
    return "—" if value is None else "%s %%" % format_number(Decimal(str(value)) * 100, 1)


@register.filter
def vnpct100(value: Any) -> str:
    """A value already in percent: 87.0 → "87,0 %"."""
    return "—" if value is None else "%s %%" % format_number(value, 1)


@register.filter
def vnsignedpct(value: Any) -> str:
    """A growth in percent with its sign: 5.99 → "+5,99 %", −1.2 → "−1,20 %"."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    sign = "+" if number >= 0 else "−"
    return "%s%s %%" % (sign, format_number(abs(number), 2))
