"""Load the demo province (idempotent): agencies, accounts, catalog, history, documents, KPIs.

Each app that contributes demo data has a ``demo.py`` with ``load(stdout)``; they run in
dependency order. A module that is not there yet is skipped.
"""

from __future__ import annotations

import importlib
import time

from django.core.management.base import BaseCommand

DEMO_MODULES = [
    "congso.agencies.demo",
    "congso.accounts.demo",
    "congso.catalog.demo",
    "congso.dossiers.demo",
    "congso.documents.demo",
    "congso.dashboard.demo",
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu tỉnh Hậu Giang (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--only", nargs="*", help="chỉ nạp các module này (vd. agencies)")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        only = options.get("only")
        for name in DEMO_MODULES:
            short = name.split(".")[1]
            if only and short not in only:
                continue
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            started = time.monotonic()
            self.stdout.write("Nạp dữ liệu mẫu: %s" % short)
            module.load(stdout=self.stdout)
            self.stdout.write("  xong (%.1f s)" % (time.monotonic() - started))
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))
