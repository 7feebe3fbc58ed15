"""Signals of the shared kernel: keep the working-day cache in step with admin exceptions."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from congso.core.models import CalendarException
from congso.core.workdays import invalidate_exceptions_cache


@receiver([post_save, post_delete], sender=CalendarException)
def _calendar_changed(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    invalidate_exceptions_cache()
