"""Template filters for procedure facts: {{ procedure|fee_summary }}, {{ procedure|time_limit }}."""

from __future__ import annotations

from django import template

from congso.catalog import selectors
from congso.catalog.models import Procedure

register = template.Library()


@register.filter
def fee_summary(procedure: Procedure) -> str:
    return selectors.fee_summary(procedure)


@register.filter
def time_limit(procedure: Procedure) -> str:
    """ "07 ngày làm việc" as the national database writes it (two digits)."""
    return "%02d %s" % (
        procedure.processing_time_value,
        procedure.get_processing_time_unit_display(),
    )


@register.filter
def agency_name(procedure: Procedure) -> str:
    return selectors.primary_agency_name(procedure)
