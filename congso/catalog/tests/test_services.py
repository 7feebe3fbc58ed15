from __future__ import annotations

from django.core.files.base import ContentFile

import pytest

from congso.catalog import services
from congso.catalog.models import Field, Procedure, RequiredDocument
from congso.catalog.selectors import procedure_search
from congso.catalog.tests.conftest import records
from congso.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_import_creates_procedures_with_documents_fees_and_agencies(agencies):
    report = services.procedure_import(records(), source="test")

    assert len(report.created) == len(records())
    birth = Procedure.objects.get(code="1.001193")
    assert birth.field.name == "Hộ tịch"
    assert birth.field.slug == "ho-tich"
    assert [d.name for d in birth.required_documents.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert birth.receiving_agencies.count() == 10  # "@communes": every commune of the demo
    assert birth.name_folded == "dang ky khai sinh"
    assert "lam giay khai sinh" in birth.search_text
    land = Procedure.objects.get(code="1.010002")
    assert set(land.receiving_agencies.values_list("kind", flat=True)) == {"commune", "department"}
    assert AuditEvent.objects.filter(action="procedure_imported").count() == len(records())


def test_importing_the_same_records_twice_changes_nothing(catalog):
    history = Procedure.history.count()
    events = AuditEvent.objects.count()

    report = services.procedure_import(records())

    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == len(records())
    assert Procedure.history.count() == history
    assert AuditEvent.objects.count() == events


def test_import_updates_a_changed_procedure_and_records_what_changed(catalog):
    history = Procedure.objects.get(code="1.000894").history.count()
    data = records()
    data[1]["processing_time"]["value"] = 2
    data[1]["fees"] = [{"case": "Trường hợp đặc biệt", "amount": 50000, "kind": "le_phi"}]

    report = services.procedure_import(data, source="sửa thời hạn")

    assert report.updated == ["1.000894"]
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.processing_time_value == 2
    assert marriage.total_fee == 50000
    event = AuditEvent.objects.filter(action="procedure_updated").get()
    assert event.data["changed"] == ["fees", "processing_time"]
    assert event.note == "sửa thời hạn"
    assert marriage.history.count() == history + 1
    assert marriage.history.first().processing_time_value == 2


def test_reimport_keeps_an_uploaded_form_template(catalog):
    document = RequiredDocument.objects.get(procedure__code="1.001193", position=0)
    document.template_file.save("to-khai.pdf", ContentFile(b"%PDF-1.4 mau"))
    data = records()
    data[0]["required_documents"][0]["name"] = "Tờ khai đăng ký khai sinh (mẫu mới)"

    services.procedure_import(data)

    document.refresh_from_db()
    assert document.name == "Tờ khai đăng ký khai sinh (mẫu mới)"
    assert document.template_file.name.endswith(".pdf")


def test_invalid_records_are_all_reported_and_nothing_is_written(agencies):
    data = records()
    data[0]["level"] = "huyện"
    data[0]["processing_time"]["value"] = 0
    data[2]["receiving_agencies"] = ["so-khong-co"]
    data[3]["required_documents"] = []
    data[4]["legal_basis"] = []
    data[5]["fees"][0]["amount"] = "một trăm"
    data[6]["code"] = data[7]["code"]

    with pytest.raises(services.CatalogImportError) as caught:
        services.procedure_import(data)

    texts = [str(p) for p in caught.value.problems]
    assert len(texts) == 7, texts
    assert any("Bản ghi thứ 1" in t and "Cấp thực hiện" in t and "huyện" in t for t in texts)
    assert any("Bản ghi thứ 1" in t and "Thời hạn giải quyết" in t for t in texts)
    assert any("Bản ghi thứ 3" in t and "so-khong-co" in t for t in texts)
    assert any("Bản ghi thứ 4" in t and "Thành phần hồ sơ" in t for t in texts)
    assert any("Bản ghi thứ 5" in t and "Căn cứ pháp lý" in t for t in texts)
    assert any("Bản ghi thứ 6" in t and "một trăm" in t for t in texts)
    assert any("Bản ghi thứ 8" in t and "trùng" in t for t in texts)
    assert caught.value.extra["errors"][0]["index"] == 0
    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0


def test_labels_and_flat_fields_are_accepted(agencies):
    record = records()[1]
    record["level"] = "Cấp xã"
    record["online_level"] = "Toàn trình"
    record.pop("processing_time")
    record.update(processing_time_value="3", processing_time_unit="ngày làm việc")
    record["required_documents"][0].update(
        original_or_copy="Bản sao có chứng thực", mandatory="Không"
    )

    services.procedure_import([record])

    procedure = Procedure.objects.get(code=record["code"])
    assert procedure.online_level == "full"
    assert procedure.processing_time_value == 3
    document = procedure.required_documents.get()
    assert document.original_or_copy == "certified_copy"
    assert document.mandatory is False


def test_renaming_a_field_refreshes_the_search_text(catalog):
    field = Field.objects.get(name="Căn cước")
    field.name = "Quản lý căn cước và định danh điện tử"
    field.save()

    services.field_refresh_search(field)

    assert [p.code for p in procedure_search("dinh danh dien tu")][:1] == ["1.010000"]


def test_refresh_search_after_a_queryset_update(catalog):
    Procedure.objects.filter(code="1.000894").update(synonyms=["cưới hỏi"])
    procedure = Procedure.objects.get(code="1.000894")

    services.procedure_refresh_search(procedure)

    assert [p.code for p in procedure_search("cuoi hoi")] == ["1.000894"]
