"""Celery application.

With ``REDIS_URL`` set, tasks go through Redis to ``celery -A congso worker``; without it they run
eagerly in the web process (the embedded default), so the same code path serves both.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")

app = Celery("congso")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
