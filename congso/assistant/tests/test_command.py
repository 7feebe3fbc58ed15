"""``manage.py ask`` for one question and as a JSON-lines filter."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

from django.core.management import CommandError, call_command

import pytest


def test_ask_one_question(catalog: Any) -> None:
    out = io.StringIO()
    call_command("ask", "lam lai bang lai xe bi mat o dau", stdout=out)
    text = out.getvalue()
    assert "Cấp lại giấy phép lái xe" in text
    assert "1.002809" in text
    assert "ý định: procedure, place" in text


def test_ask_requires_a_question(catalog: Any) -> None:
    with pytest.raises(CommandError):
        call_command("ask", stdout=io.StringIO())


def test_ask_jsonl_reads_stdin_and_writes_one_object_per_line(
    catalog: Any, monkeypatch: Any
) -> None:
    questions = "khai sinh cần giấy tờ gì\n\ncách nấu phở\nxin chào\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
    out = io.StringIO()
    call_command("ask", "--jsonl", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [item["question"] for item in lines] == [
        "khai sinh cần giấy tờ gì",
        "cách nấu phở",
        "xin chào",
    ]
    assert [item["intent"] for item in lines] == ["procedure", "out_of_scope", "greeting"]
    for item in lines:
        assert {"intent", "answer", "procedures", "elapsed_ms", "question"} <= set(item)
    assert lines[0]["procedures"][0]["code"] == "1.001193"
    assert set(lines[0]["procedures"][0]) == {"code", "name", "score", "url"}
