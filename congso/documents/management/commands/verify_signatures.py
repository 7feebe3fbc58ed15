"""Re-verify the digital signatures of stored signed files and report the broken ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from congso.documents import services
from congso.documents.constants import FileRole
from congso.documents.models import DocumentFile


class Command(BaseCommand):
    help = "Kiểm tra lại chữ ký số của các tệp văn bản đã ký; báo tệp không còn toàn vẹn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=0, help="chỉ kiểm tra N tệp mới nhất")

    def handle(self, *args: Any, **options: Any) -> None:
        files = DocumentFile.objects.filter(role__in=[FileRole.SIGNED, FileRole.ORIGINAL])
        files = files.order_by("-created_at")
        if options["limit"]:
            files = files[: options["limit"]]
        checked = broken = 0
        for item in files:
            result = services.file_verify(actor=None, item=item)
            if not result.signatures:
                continue
            checked += 1
            if not all(s.intact for s in result.signatures):
                broken += 1
                self.stderr.write("Không toàn vẹn: tệp %d (%s)" % (item.pk, item.name))
        self.stdout.write("Đã kiểm tra %d tệp có chữ ký số, %d tệp lỗi." % (checked, broken))
        if broken:
            raise CommandError("Có tệp đã bị thay đổi sau khi ký.")
