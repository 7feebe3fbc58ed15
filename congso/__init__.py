"""Công Số — the digital gate: one Django project for a province's e-government."""

from .celery import app as celery_app

__all__ = ["celery_app"]
