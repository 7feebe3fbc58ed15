"""Read and write catalog files: ``.json`` (a list of records) or ``.xlsx`` (see excel.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from congso.catalog import excel
from congso.catalog import records as rec

FORMATS = (".json", ".xlsx")


def file_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError("Chỉ hỗ trợ tệp .json hoặc .xlsx (nhận được «%s»)." % (suffix or name))
    return suffix


def read_records(
    source: str | Path | IO[bytes], name: str = ""
) -> tuple[list[Any], list[rec.Problem]]:
    """Records of a catalog file and the problems of its shape (bad JSON, missing sheet...)."""
    name = name or str(source)
    if file_format(name) == ".xlsx":
        return excel.read_workbook(source if not isinstance(source, Path) else str(source))
    try:
        if isinstance(source, str | Path):
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        else:
            data = json.loads(source.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return [], [rec.Problem(rec.Location(), "", "không đọc được JSON: %s" % exc)]
    if isinstance(data, dict):
        data = data.get("procedures")
    if not isinstance(data, list):
        return [], [
            rec.Problem(
                rec.Location(),
                "",
                'tệp JSON phải là một danh sách thủ tục (hoặc {"procedures": [...]})',
            )
        ]
    return data, []


def write_records(records: list[dict[str, Any]], target: str | Path) -> None:
    if file_format(str(target)) == ".xlsx":
        excel.write_workbook(records, str(target))
        return
    Path(target).write_text(
        json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
