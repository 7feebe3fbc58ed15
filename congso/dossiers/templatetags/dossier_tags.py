"""Template helpers of the dossier pages: status badges, countdowns, form fields."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from congso.core import workdays

register = template.Library()

STATUS_BADGES = {
    "draft": "",
    "submitted": "badge-warn",
    "received": "badge-info",
    "in_progress": "badge-info",
    "awaiting_supplement": "badge-warn",
    "awaiting_approval": "badge-info",
    "approved": "badge-ok",
    "rejected": "badge-bad",
    "returned": "badge-ok",
    "withdrawn": "",
}


@register.filter
def status_badge(status: str) -> str:
    """CSS class of a status badge."""
    return STATUS_BADGES.get(str(status), "")


@register.filter
def working_days_left(dossier: Any) -> str:
    """ "còn 3 ngày làm việc" / "quá hạn 2 ngày làm việc" for an open dossier, else ""."""
    due = getattr(dossier, "due_at", None)
    if due is None or not getattr(dossier, "is_open", False):
        return ""
    now = timezone.now()
    if getattr(dossier, "paused_at", None):
        return "tạm dừng chờ bổ sung"
    if now <= due:
        days = workdays.working_days_in(timezone.localdate(), timezone.localtime(due).date())
        if days <= 0:
            return "đến hạn hôm nay"
        return "còn %d ngày làm việc" % days
    days = workdays.working_days_in(timezone.localtime(due).date(), timezone.localdate())
    return "quá hạn %d ngày làm việc" % max(days, 1) if days else "quá hạn"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.inclusion_tag("dossiers/partials/_field.html")
def field(bound: Any, extra_class: str = "") -> dict[str, Any]:
    """Render one form field: label, widget, help and Vietnamese errors, accessibly linked."""
    widget = bound.field.widget
    kind = widget.__class__.__name__
    return {
        "f": bound,
        "is_checkbox": kind == "CheckboxInput",
        "is_radio": kind == "RadioSelect",
        "extra_class": extra_class,
    }


@register.filter
def procedure_url(procedure: Any) -> str:
    """The catalog page of a procedure, or the catalog home when that page is not wired."""
    from django.urls import NoReverseMatch

    try:
        return str(procedure.get_absolute_url())
    except NoReverseMatch:
        return "/thu-tuc/"


@register.filter
def office_hours_text(agency: Any = None) -> str:
    """ "07:00–11:30, 13:00–17:00" — the agency's desk hours, else the province's."""
    spec = getattr(agency, "office_hours", "") or None
    intervals = workdays.office_hours(spec).intervals
    return ", ".join("%s–%s" % (a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in intervals)
