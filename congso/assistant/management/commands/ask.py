"""``manage.py ask "câu hỏi"`` and ``manage.py ask --jsonl < questions.txt``."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from congso.assistant import services
from congso.assistant.retrieval import get_index


class Command(BaseCommand):
    help = (
        "Hỏi trợ lý ảo từ dòng lệnh. Với --jsonl: đọc mỗi dòng một câu hỏi từ stdin, in mỗi "
        "dòng một đối tượng JSON (các trường như API, thêm 'question'); chỉ nạp chỉ mục một lần."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("question", nargs="?", help="câu hỏi (có dấu hoặc không dấu)")
        parser.add_argument("--jsonl", action="store_true", help="đọc câu hỏi từ stdin")
        parser.add_argument("--phone", default="", help="số điện thoại/định danh để tra cứu hồ sơ")
        parser.add_argument("--session", default="", help="mã phiên (để hỏi tiếp)")
        parser.add_argument("--log", action="store_true", help="ghi câu hỏi vào nhật ký")

    def handle(self, *args: Any, **options: Any) -> None:
        get_index(force_check=True)
        if options["jsonl"]:
            # Each line is an independent question; sessions are not shared between lines.
            for line in sys.stdin:
                question = line.strip()
                if not question:
                    continue
                result = services.assistant_ask(
                    question=question, phone=options["phone"], channel="cli", log=options["log"]
                )
                self.stdout.write(json.dumps(_payload(result), ensure_ascii=False))
            return
        if not options["question"]:
            raise CommandError('Hãy nhập câu hỏi, ví dụ: manage.py ask "làm khai sinh ở đâu"')
        result = services.assistant_ask(
            question=options["question"],
            phone=options["phone"],
            session=options["session"],
            channel="cli",
            log=options["log"],
        )
        self.stdout.write(result.answer)
        if result.procedures:
            self.stdout.write("")
            for hit in result.procedures:
                self.stdout.write("  %.3f  %s  %s" % (hit.score, hit.code, hit.name))
        self.stdout.write(
            "[ý định: %s%s · %.1f ms]"
            % (result.intent, (", " + result.aspect) if result.aspect else "", result.elapsed_ms)
        )


def _payload(result: services.AskResult) -> dict[str, Any]:
    """The API's fields, with the question first."""
    data = result.as_dict()
    return {"question": data.pop("question"), **data}
