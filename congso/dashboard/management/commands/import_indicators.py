"""``manage.py import_indicators FILE.xlsx`` — import socio-economic indicator figures."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congso.core.exceptions import ApplicationError
from congso.dashboard.services import indicators_import_xlsx


class Command(BaseCommand):
    help = "Nhập số liệu chỉ tiêu kinh tế - xã hội từ tệp Excel (.xlsx); lỗi một dòng thì không nhập gì."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="đường dẫn tệp .xlsx")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError("Không tìm thấy tệp %s" % path)
        try:
            with path.open("rb") as handle:
                report = indicators_import_xlsx(actor=None, file=handle)
        except ApplicationError as exc:
            details = "\n".join(exc.extra.get("errors", []))
            raise CommandError("%s\n%s" % (exc.message, details)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary))
