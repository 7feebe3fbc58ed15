"""Reconcile a bank statement (CSV) with pending VietQR transfers, as a named officer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.core.exceptions import ApplicationError
from congso.dossiers import services


class Command(BaseCommand):
    help = (
        "Đối soát sao kê ngân hàng (CSV: ngày, số tiền, nội dung) với các khoản phí chờ thanh toán."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("statement", help="tệp CSV sao kê (UTF-8)")
        parser.add_argument("--as", dest="username", required=True, help="cán bộ thực hiện")

    def handle(self, *args: Any, **options: Any) -> None:
        from congso.accounts.models import User

        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError("Không có tài khoản %s." % options["username"])
        path = Path(options["statement"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError("Không đọc được %s: %s" % (path, exc)) from exc
        try:
            result = services.payment_reconcile(actor=actor, statement=text)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for row in result["matched"]:
            self.stdout.write("  khớp: dòng %(line)d → %(code)s (%(amount)d đồng)" % row)
        for key, label in (
            ("amount_mismatches", "sai số tiền"),
            ("duplicates", "trùng"),
            ("unmatched", "không khớp"),
            ("errors", "lỗi"),
        ):
            for row in result[key]:
                self.stdout.write("  %s: %s" % (label, row))
        self.stdout.write(
            "Khớp %d dòng; %d cần xem lại."
            % (
                len(result["matched"]),
                sum(
                    len(result[k])
                    for k in ("amount_mismatches", "duplicates", "unmatched", "errors")
                ),
            )
        )
