from __future__ import annotations

import pytest

from congso.catalog.models import Procedure
from congso.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, catalog, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "qt@example.vn", None)
    client.force_login(user)
    return client


def test_admin_lists_filters_and_shows_history(admin_client):
    listing = admin_client.get("/quan-tri/catalog/procedure/", {"level__exact": "province"})
    assert listing.status_code == 200
    assert "Cấp thẻ căn cước" in listing.content.decode()
    assert "Đăng ký khai sinh" not in listing.content.decode()
    procedure = Procedure.objects.get(code="1.001193")
    change = admin_client.get("/quan-tri/catalog/procedure/%d/change/" % procedure.pk)
    assert change.status_code == 200
    assert "Giấy chứng sinh" in change.content.decode()  # the documents inline
    history = admin_client.get("/quan-tri/catalog/procedure/%d/history/" % procedure.pk)
    assert history.status_code == 200


def test_admin_export_action_downloads_an_excel_file(admin_client):
    ids = list(Procedure.objects.values_list("pk", flat=True)[:2])
    response = admin_client.post(
        "/quan-tri/catalog/procedure/",
        {"action": "export_xlsx", "_selected_action": ids},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_admin_edit_is_audited_and_keeps_search_in_step(admin_client):
    procedure = Procedure.objects.get(code="1.000894")
    form = admin_client.get("/quan-tri/catalog/procedure/%d/change/" % procedure.pk)
    data = _form_data(form)
    data["name"] = "Đăng ký kết hôn trong nước"
    response = admin_client.post("/quan-tri/catalog/procedure/%d/change/" % procedure.pk, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="procedure_updated", object_id=str(procedure.pk))
    assert "name" in event.data["changed"]
    assert event.actor.username == "quantri"
    from congso.catalog.selectors import procedure_search

    assert [p.code for p in procedure_search("ket hon trong nuoc")][:1] == ["1.000894"]


def _form_data(response) -> dict:
    """The values of the admin change form as a browser would post them."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "receiving_agencies":
            data[name] = [a.pk for a in value] if value else []
        elif isinstance(value, list | dict):
            import json

            data[name] = json.dumps(value, ensure_ascii=False)
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value.pk if hasattr(value, "pk") else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data["%s-%s" % (formset.formset.prefix, name)] = management.initial.get(name, 0)
        for subform in formset.formset.forms:
            for name, field in subform.fields.items():
                if name == "template_file":
                    continue
                value = subform.initial.get(name, field.initial)
                key = "%s-%s" % (subform.prefix, name)
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                elif value is not None:
                    data[key] = value.pk if hasattr(value, "pk") else value
    return data


def test_admin_import_refuses_a_bad_file_with_every_row_and_imports_a_good_one(
    admin_client, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from openpyxl import load_workbook

    good = tmp_path / "good.xlsx"
    call_command("export_procedures", str(good))
    workbook = load_workbook(good)
    workbook["Thủ tục"]["D3"] = "Cấp huyện"
    workbook["Phí lệ phí"]["D2"] = "nhiều tiền"
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    before = list(Procedure.objects.values_list("code", "level", "updated_at"))

    page = admin_client.get("/quan-tri/catalog/procedure/")
    assert "/quan-tri/catalog/procedure/nhap/" in page.content.decode()
    refused = admin_client.post(
        "/quan-tri/catalog/procedure/nhap/",
        {"file": SimpleUploadedFile("bad.xlsx", bad.read_bytes())},
    )
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Tệp có 2 lỗi" in text
    assert "Trang «Thủ tục», dòng 3" in text and "Trang «Phí lệ phí», dòng 2" in text
    assert list(Procedure.objects.values_list("code", "level", "updated_at")) == before

    workbook["Thủ tục"]["D3"] = "Cấp tỉnh"
    workbook["Phí lệ phí"]["D2"] = 20000
    workbook.save(bad)
    done = admin_client.post(
        "/quan-tri/catalog/procedure/nhap/",
        {"file": SimpleUploadedFile("fixed.xlsx", bad.read_bytes())},
    )
    assert done.status_code == 302
    changed = Procedure.objects.get(code=workbook["Thủ tục"]["A3"].value)
    assert changed.level == "province"
    assert AuditEvent.objects.filter(action="procedure_updated", note="fixed.xlsx").exists()


def test_admin_import_rejects_other_file_types(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        "/quan-tri/catalog/procedure/nhap/",
        {"file": SimpleUploadedFile("catalog.csv", b"a,b")},
    )
    assert response.status_code == 200
    assert ".json hoặc .xlsx" in response.content.decode()
