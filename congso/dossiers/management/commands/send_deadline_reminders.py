"""Flag late dossiers and remind officers of deadlines now (what the hourly task does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from congso.dossiers.tasks import deadline_reminders


class Command(BaseCommand):
    help = "Đánh dấu hồ sơ quá hạn và gửi nhắc hạn cho cán bộ xử lý (như tác vụ định kỳ)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = deadline_reminders()
        self.stdout.write(
            "Đã đánh dấu %(flagged)d hồ sơ quá hạn; nhắc %(officers)d cán bộ về %(dossiers)d hồ sơ."
            % result
        )
