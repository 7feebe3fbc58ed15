"""Import/export of catalog files: JSON and Excel round trips, bad files refused whole."""

from __future__ import annotations

import json

from django.core.management import CommandError, call_command

import pytest
from openpyxl import load_workbook

from congso.catalog import excel, files, selectors, services
from congso.catalog.models import Fee, Field, Procedure, RequiredDocument
from congso.catalog.tests.conftest import records

pytestmark = pytest.mark.django_db


def _wipe_catalog() -> None:
    Fee.objects.all().delete()
    RequiredDocument.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_round_trip_export_import_into_empty_database_export(catalog, tmp_path, suffix):
    first = tmp_path / ("first" + suffix)
    second = tmp_path / ("second" + suffix)
    call_command("export_procedures", str(first))
    exported = selectors.procedure_export_records()
    _wipe_catalog()
    assert Procedure.objects.count() == 0

    call_command("import_procedures", str(first))
    call_command("export_procedures", str(second))

    assert selectors.procedure_export_records() == exported
    assert files.read_records(second)[0] == files.read_records(first)[0]
    if suffix == ".json":
        assert second.read_bytes() == first.read_bytes()


def test_export_matches_the_imported_records(catalog):
    expected = sorted(services.procedure_validate(records())[0], key=lambda r: r["code"])
    assert selectors.procedure_export_records() == expected


def test_excel_layout_has_vietnamese_headers_and_one_row_per_item(catalog, tmp_path):
    path = tmp_path / "catalog.xlsx"
    call_command("export_procedures", str(path))
    workbook = load_workbook(path)

    assert workbook.sheetnames == ["Thủ tục", "Thành phần hồ sơ", "Phí lệ phí"]
    procedures = workbook["Thủ tục"]
    header = [c.value for c in procedures[1]]
    assert header[:4] == ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện"]
    assert procedures.max_row == 1 + len(records())
    row = {h: c.value for h, c in zip(header, procedures[2], strict=False)}
    assert row["Mã thủ tục"] == "1.000894"
    assert row["Cấp thực hiện"] == "Cấp xã"
    assert row["Đơn vị thời hạn"] == "ngày làm việc"
    birth = next(r for r in procedures.iter_rows(values_only=True) if r[0] == "1.001193")
    assert (
        dict(zip(header, birth, strict=False))["Tên gọi khác"]
        == "làm giấy khai sinh\nkhai sinh cho con"
    )
    documents = workbook["Thành phần hồ sơ"]
    assert documents.max_row == 1 + sum(len(r["required_documents"]) for r in records())
    fees = workbook["Phí lệ phí"]
    assert [c.value for c in fees[1]] == [
        "Mã thủ tục",
        "STT",
        "Trường hợp áp dụng",
        "Mức thu (đồng)",
        "Loại",
    ]


def _bad_workbook(catalog, tmp_path):
    path = tmp_path / "good.xlsx"
    call_command("export_procedures", str(path))
    workbook = load_workbook(path)
    procedures = workbook["Thủ tục"]
    header = [c.value for c in procedures[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    procedures.cell(row=3, column=col["Cấp thực hiện"]).value = "Cấp huyện"
    procedures.cell(row=4, column=col["Thời hạn giải quyết"]).value = "mười"
    procedures.cell(row=5, column=col["Tên thủ tục"]).value = None
    procedures.cell(row=6, column=col["Cơ quan tiếp nhận"]).value = "so-tu-phap\nso-khong-ton-tai"
    fees = workbook["Phí lệ phí"]
    fees.cell(row=2, column=4).value = "-5000"
    fees.append(["9.999999", 1, "Không có thủ tục này", 1000, "Lệ phí"])
    documents = workbook["Thành phần hồ sơ"]
    documents.cell(row=3, column=4).value = "Bản photo"
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    return bad


def test_a_bad_excel_file_lists_every_problem_with_its_row_and_changes_nothing(catalog, tmp_path):
    bad = _bad_workbook(catalog, tmp_path)
    Procedure.objects.filter(code="1.000894").update(processing_time_value=9)
    before = selectors.procedure_export_records()
    records_, problems = files.read_records(bad)

    with pytest.raises(services.CatalogImportError) as caught:
        services.procedure_import(records_, problems=problems)

    texts = [str(p) for p in caught.value.problems]
    assert len(texts) == 7, texts
    expected = [
        ("Trang «Thủ tục», dòng 3", "Cấp huyện"),
        ("Trang «Thủ tục», dòng 4", "Thời hạn giải quyết"),
        ("Trang «Thủ tục», dòng 5", "Tên thủ tục"),
        ("Trang «Thủ tục», dòng 6", "so-khong-ton-tai"),
        ("Trang «Phí lệ phí», dòng 2", "-5000"),
        (
            "Trang «Phí lệ phí», dòng %d" % (1 + sum(len(r["fees"]) for r in records()) + 1),
            "9.999999",
        ),
        ("Trang «Thành phần hồ sơ», dòng 3", "Bản photo"),
    ]
    for where, what in expected:
        assert any(t.startswith(where) and what in t for t in texts), (where, what, texts)
    assert selectors.procedure_export_records() == before


def test_import_command_prints_all_problems_and_fails(catalog, tmp_path, capsys):
    bad = _bad_workbook(catalog, tmp_path)

    with pytest.raises(CommandError, match="7 lỗi"):
        call_command("import_procedures", str(bad))

    err = capsys.readouterr().err
    assert "Trang «Thủ tục», dòng 3" in err
    assert "Trang «Phí lệ phí», dòng 2" in err


def test_check_option_validates_without_writing(agencies, tmp_path, capsys):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(records(), ensure_ascii=False), encoding="utf-8")

    call_command("import_procedures", str(path), "--check")

    assert "8 thủ tục" in capsys.readouterr().out
    assert Procedure.objects.count() == 0


def test_files_that_are_not_a_catalog_are_refused(agencies, tmp_path):
    not_excel = tmp_path / "fake.xlsx"
    not_excel.write_bytes(b"this is not a zip")
    broken_json = tmp_path / "broken.json"
    broken_json.write_text("{not json", encoding="utf-8")
    wrong_shape = tmp_path / "shape.json"
    wrong_shape.write_text('"hello"', encoding="utf-8")

    for path in (not_excel, broken_json, wrong_shape):
        with pytest.raises(CommandError):
            call_command("import_procedures", str(path))
    with pytest.raises(CommandError, match=r"\.json hoặc \.xlsx"):
        call_command("export_procedures", str(tmp_path / "catalog.csv"))


def test_missing_sheet_and_column_are_reported(agencies, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Thủ tục"
    sheet.append(["Mã thủ tục", "Tên thủ tục"])
    sheet.append(["1.0", "Thử"])
    path = tmp_path / "partial.xlsx"
    workbook.save(path)

    _, problems = excel.read_workbook(str(path))

    texts = [str(p) for p in problems]
    assert any("thiếu trang «Thành phần hồ sơ»" in t for t in texts)
    assert any("thiếu cột «Lĩnh vực»" in t for t in texts)
