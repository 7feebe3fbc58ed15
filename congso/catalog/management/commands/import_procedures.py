"""``manage.py import_procedures FILE`` — load the catalog from .json or .xlsx (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congso.catalog import files, services


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục hành chính từ tệp .json hoặc .xlsx. Kiểm tra toàn bộ tệp trước; "
        "có lỗi thì liệt kê tất cả (trang, dòng) và không thay đổi gì."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="đường dẫn tệp .json hoặc .xlsx")
        parser.add_argument(
            "--check", action="store_true", help="chỉ kiểm tra, không ghi vào cơ sở dữ liệu"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError("Không tìm thấy tệp %s." % path)
        try:
            records, problems = files.read_records(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["check"]:
            cleaned, problems = services.procedure_validate(records, problems=problems)
            self._fail_if(problems)
            self.stdout.write(self.style.SUCCESS("Tệp hợp lệ: %d thủ tục." % len(cleaned)))
            return
        try:
            report = services.procedure_import(records, source=path.name, problems=problems)
        except services.CatalogImportError as exc:
            self._fail_if(exc.problems)
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _fail_if(self, problems) -> None:  # type: ignore[no-untyped-def]
        if not problems:
            return
        for problem in problems:
            self.stderr.write("- %s" % problem)
        raise CommandError(
            "Tệp có %d lỗi, chưa nhập thủ tục nào. Sửa các lỗi trên rồi nhập lại." % len(problems)
        )
