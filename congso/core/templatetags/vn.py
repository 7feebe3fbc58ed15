"""Template filters for Vietnamese formats: {{ fee|vnd }}, {{ due_at|vndate }}."""

from __future__ import annotations

from django import template

from congso.core import formatting, vntext

register = template.Library()

register.filter("vnd", formatting.format_vnd)
register.filter("vndate", formatting.format_date)
register.filter("vndatetime", formatting.format_datetime)
register.filter("vnlongdate", formatting.format_long_date)
register.filter("vnnumber", formatting.format_number)
register.filter("fold", vntext.fold_lower)
