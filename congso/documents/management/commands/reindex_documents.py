"""Rebuild the full-text index of every document (after a restore or a change of folding)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from congso.documents import search
from congso.documents.models import Document


class Command(BaseCommand):
    help = "Lập lại chỉ mục tìm kiếm toàn văn của văn bản."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        queryset = Document.objects.select_related("agency", "doc_type").order_by("pk")
        for start in range(0, queryset.count(), 1000):
            with transaction.atomic():
                for document in queryset[start : start + 1000]:
                    search.index_document(document)
                    count += 1
        self.stdout.write(self.style.SUCCESS("Đã lập chỉ mục %d văn bản." % count))
