"""``manage.py export_procedures FILE`` — write the catalog as .json or .xlsx."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from congso.catalog import files, selectors


class Command(BaseCommand):
    help = (
        "Xuất danh mục thủ tục hành chính ra tệp .json hoặc .xlsx (để sửa bằng Excel rồi nhập lại)."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="đường dẫn tệp .json hoặc .xlsx")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        target = options["file"]
        try:
            files.file_format(target)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        records = selectors.procedure_export_records()
        files.write_records(records, target)
        self.stdout.write(self.style.SUCCESS("Đã xuất %d thủ tục ra %s." % (len(records), target)))
