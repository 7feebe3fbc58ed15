from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

import pytest

from congso.catalog.models import Procedure, RequiredDocument
from congso.core import workdays

pytestmark = pytest.mark.django_db

LIST = "/api/v1/procedures/"


def test_list_is_paginated_and_best_match_first(catalog, api_client):
    response = api_client.get(LIST, {"search": "ket hon"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "code": "1.000894",
        "name": "Đăng ký kết hôn",
        "field": "Hộ tịch",
        "level": "commune",
        "agency": "Ủy ban nhân dân cấp xã",
        "processing_time": {
            "value": 1,
            "unit": "working_days",
            "unit_display": "ngày làm việc",
            "note": "",
        },
        "fee_summary": "Miễn phí",
        "online_level": "partial",
        "url": "http://testserver/thu-tuc/1.000894/",
    }


def test_list_pages_and_filters(catalog, api_client):
    body = api_client.get(LIST, {"page_size": 3}).json()
    assert body["count"] == len(catalog)
    assert len(body["results"]) == 3
    assert "page=2" in body["next"]
    page2 = api_client.get(body["next"]).json()
    assert {r["code"] for r in page2["results"]}.isdisjoint({r["code"] for r in body["results"]})

    police = api_client.get(LIST, {"agency": "cong-an-tinh"}).json()
    assert {r["code"] for r in police["results"]} == {"1.010000", "1.010001"}
    assert police["results"][0]["agency"] == "Công an tỉnh Hậu Giang"
    civil = api_client.get(LIST, {"field": "ho-tich", "level": "commune", "search": "dang ky"})
    assert civil.json()["count"] == 3
    fee = api_client.get(LIST, {"search": "thuong tru"}).json()["results"][0]["fee_summary"]
    assert fee == "Từ 10.000 đ đến 20.000 đ tùy trường hợp"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "huyen"}, "level"),
        ({"field": "khong-co"}, "field"),
        ({"agency": "khong-co"}, "agency"),
    ],
)
def test_list_rejects_unknown_filters_with_a_clear_message(catalog, api_client, params, field):
    response = api_client.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"}
    assert field in body["extra"]["fields"]
    assert "không" in body["message"].lower()


def test_detail_has_everything(catalog, api_client):
    document = RequiredDocument.objects.get(procedure__code="1.001193", position=0)
    document.template_file.save("to-khai-khai-sinh.pdf", ContentFile(b"%PDF-1.4"))

    body = api_client.get(LIST + "1.001193/").json()

    assert body["name"] == "Đăng ký khai sinh"
    assert body["required_documents"][0]["template_url"].startswith("http://testserver/media/")
    assert body["required_documents"][1] == {
        "name": "Giấy chứng sinh",
        "original_or_copy": "original",
        "original_or_copy_display": "Bản chính",
        "copies": 1,
        "mandatory": True,
        "condition": "",
        "template_name": "",
        "template_url": None,
        "slot": "doc-1",
    }
    assert body["fees"] == [
        {
            "case": "Đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh)",
            "amount": 0,
            "amount_display": "Miễn phí",
            "kind": "le_phi",
        }
    ]
    assert body["steps"] and body["legal_basis"] == ["Luật Hộ tịch số 60/2014/QH13"]
    assert body["result"] == "Giấy khai sinh (bản chính)"
    assert body["form"]["fields"][0]["name"] == "child_name"
    assert len(body["receiving_agencies"]) == 10
    assert body["processing_time"]["unit"] == "working_hours"


def test_unknown_or_inactive_code_is_a_json_404(catalog, api_client):
    Procedure.objects.filter(code="1.000894").update(is_active=False)
    for code in ("9.999999", "1.000894"):
        for suffix in ("", "due-date/"):
            response = api_client.get("%s%s/%s" % (LIST, code, suffix))
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"


# ---------------------------------------------------------------- due date
def _due(api_client, code: str, received_at: str) -> dict:
    response = api_client.get(LIST + code + "/due-date/", {"received_at": received_at})
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize(
    ("code", "received_at", "due_at"),
    [
        # Tết Bính Ngọ: 14–22/02/2026 off (16–20 public holidays); five working days → 27/02.
        ("2.000806", "2026-02-13T09:00:00+07:00", "2026-02-27T17:00:00+07:00"),
        # A same-day procedure received after 15:00 on the last day before Tết → first day after.
        ("1.001193", "2026-02-13T16:00:00+07:00", "2026-02-23T11:00:00+07:00"),
        ("1.000894", "2026-02-13T08:00:00+07:00", "2026-02-23T17:00:00+07:00"),
        # Giỗ Tổ Hùng Vương falls on Sunday 26/4/2026, observed Monday 27/4; then 30/4 and 1/5.
        ("2.000806", "2026-04-24T10:00:00+07:00", "2026-05-06T17:00:00+07:00"),
        ("1.000894", "2026-04-24T10:00:00+07:00", "2026-04-28T17:00:00+07:00"),
        # Ngày Văn hóa Việt Nam, Tuesday 24/11/2026, is a day off from 2026.
        ("1.000894", "2026-11-23T09:00:00+07:00", "2026-11-25T17:00:00+07:00"),
        ("1.001193", "2026-11-23T15:30:00+07:00", "2026-11-25T11:00:00+07:00"),
        ("1.004222", "2026-11-20T09:00:00+07:00", "2026-12-02T17:00:00+07:00"),
    ],
)
def test_due_date_follows_the_working_day_calendar(catalog, api_client, code, received_at, due_at):
    body = _due(api_client, code, received_at)
    assert body["received_at"] == received_at
    assert body["due_at"] == due_at
    procedure = Procedure.objects.get(code=code)
    expected = workdays.due_at(
        dt.datetime.fromisoformat(received_at),
        procedure.processing_time_value,
        procedure.processing_time_unit,
    )
    assert dt.datetime.fromisoformat(body["due_at"]) == expected


def test_due_date_days_in_the_holidays_are_not_working_days():
    for day in ["2026-02-16", "2026-02-20", "2026-04-27", "2026-04-30", "2026-05-01", "2026-11-24"]:
        assert not workdays.is_working_day(dt.date.fromisoformat(day)), day


def test_naive_and_utc_times_are_understood(catalog, api_client):
    naive = _due(api_client, "1.000894", "2026-11-23T09:00:00")
    assert naive["received_at"] == "2026-11-23T09:00:00+07:00"
    utc = _due(api_client, "1.000894", "2026-11-23T02:00:00Z")
    assert utc["received_at"] == "2026-11-23T09:00:00+07:00"
    assert naive["due_at"] == utc["due_at"] == "2026-11-25T17:00:00+07:00"
    assert naive["due_at_display"] == "Thứ Tư, 25/11/2026 17:00"
    spaced = _due(api_client, "1.000894", "2026-11-23 09:00")
    assert spaced["due_at"] == naive["due_at"]


def test_due_date_without_received_at_counts_from_now(catalog, api_client):
    response = api_client.get(LIST + "1.000894/due-date/")
    assert response.status_code == 200
    assert dt.datetime.fromisoformat(response.json()["due_at"]) > dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(
    "value",
    ["13/02/2026", "2026-02-30T09:00:00", "hôm nay", "2026-02-13T25:00", "1800-01-01T08:00"],
)
def test_bad_dates_are_a_400_with_a_vietnamese_message(catalog, api_client, value):
    response = api_client.get(LIST + "1.000894/due-date/", {"received_at": value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_date"
    assert "received_at" in body["extra"]["fields"]
    assert body["message"].startswith(("Thời điểm tiếp nhận", "Chỉ tính được"))


def test_schema_documents_the_catalog_endpoints(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in [
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/procedures/{code}/due-date/",
    ]:
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"search", "field", "level", "agency", "page"} <= parameters
