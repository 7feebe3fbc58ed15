"""Template filters for procedure facts: {{ procedure|fee_summary }}, {{ procedure|time_limit }}."""

from __future__ import annotations

from django import template

from congso.catalog import selectors
from congso.catalog.models import Procedure
from congso.core import workdays

register = template.Library()


@register.filter
def fee_summary(procedure: Procedure) -> str:
    return selectors.fee_summary(procedure)


@register.filter
def time_limit(procedure: Procedure) -> str:
    """ "07 ngày làm việc" as the national database writes it (two digits); "Trong ngày"."""
    text = "%02d %s" % (
        procedure.processing_time_value,
        procedure.get_processing_time_unit_display(),
    )
    if (
        procedure.processing_time_unit == Procedure.TimeUnit.WORKING_HOURS
        and procedure.processing_time_value == workdays.FULL_DAY_HOURS
    ):
        return "Trong ngày (%s)" % text
    return text


@register.filter
def agency_name(procedure: Procedure) -> str:
    return selectors.primary_agency_name(procedure)
