from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "In địa chỉ truy cập và các tài khoản demo."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        from congso.accounts.demo import ACCOUNTS, DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Công Số đang chạy tại %s" % options["url"]))
        self.stdout.write(
            "  API: %sapi/v1/docs/   Quản trị: %squan-tri/" % (options["url"], options["url"])
        )
        self.stdout.write("  Tài khoản demo (mật khẩu %s):" % DEMO_PASSWORD)
        for username, full_name, *_rest in ACCOUNTS:
            self.stdout.write("    %-11s %s" % (username, full_name))
        self.stdout.write("")
