"""Catalog fixtures: a few real procedures written here, independent of data/procedures.json."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from congso.catalog.models import Procedure


def _record(code: str, name: str, field: str, level: str, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": code,
        "name": name,
        "field": field,
        "level": level,
        "competent_agency": "Ủy ban nhân dân cấp xã" if level == "commune" else "Công an tỉnh",
        "receiving_agencies": ["@communes"] if level == "commune" else ["cong-an-tinh"],
        "processing_time": {"value": 3, "unit": "working_days", "note": ""},
        "fees": [],
        "required_documents": [
            {
                "name": "Tờ khai theo mẫu",
                "original_or_copy": "original",
                "copies": 1,
                "mandatory": True,
                "condition": "",
                "template_name": "",
            }
        ],
        "steps": ["Nộp hồ sơ", "Nhận kết quả"],
        "who_may_apply": "Công dân Việt Nam",
        "conditions": "",
        "result": "Giấy tờ theo yêu cầu",
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
        "online_level": "partial",
        "synonyms": [],
        "form": {},
        "source_note": "",
        "is_active": True,
    }
    record.update(extra)
    return record


RECORDS: list[dict[str, Any]] = [
    _record(
        "1.001193",
        "Đăng ký khai sinh",
        "Hộ tịch",
        "commune",
        processing_time={
            "value": 4,
            "unit": "working_hours",
            "note": "Ngay trong ngày; nhận sau 15 giờ thì trả vào ngày làm việc tiếp theo",
        },
        fees=[
            {
                "case": "Đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh)",
                "amount": 0,
                "kind": "le_phi",
            }
        ],
        required_documents=[
            {
                "name": "Tờ khai đăng ký khai sinh",
                "original_or_copy": "original",
                "copies": 1,
                "mandatory": True,
                "condition": "",
                "template_name": "Mẫu tờ khai đăng ký khai sinh",
            },
            {
                "name": "Giấy chứng sinh",
                "original_or_copy": "original",
                "copies": 1,
                "mandatory": True,
                "condition": "",
                "template_name": "",
            },
        ],
        synonyms=["làm giấy khai sinh", "khai sinh cho con"],
        result="Giấy khai sinh (bản chính)",
        online_level="full",
        form={
            "fields": [
                {
                    "name": "child_name",
                    "label": "Họ, chữ đệm và tên trẻ",
                    "type": "text",
                    "required": True,
                }
            ]
        },
    ),
    _record(
        "1.000894",
        "Đăng ký kết hôn",
        "Hộ tịch",
        "commune",
        processing_time={"value": 1, "unit": "working_days", "note": ""},
        result="Giấy chứng nhận kết hôn",
        synonyms=["giấy hôn thú"],
    ),
    _record(
        "2.000806",
        "Đăng ký kết hôn có yếu tố nước ngoài",
        "Hộ tịch",
        "commune",
        processing_time={"value": 5, "unit": "working_days", "note": ""},
        fees=[{"case": "Theo nghị quyết của HĐND tỉnh", "amount": 1000000, "kind": "le_phi"}],
        result="Giấy chứng nhận kết hôn",
    ),
    _record(
        "1.004222",
        "Đăng ký thường trú",
        "Đăng ký, quản lý cư trú",
        "commune",
        processing_time={"value": 7, "unit": "working_days", "note": ""},
        competent_agency="Công an cấp xã",
        fees=[
            {"case": "Nộp trực tiếp", "amount": 20000, "kind": "le_phi"},
            {"case": "Nộp trực tuyến", "amount": 10000, "kind": "le_phi"},
        ],
        synonyms=["nhập hộ khẩu", "hộ khẩu", "đăng ký hộ khẩu"],
        result="Thông tin thường trú được cập nhật vào Cơ sở dữ liệu về cư trú",
        legal_basis=["Luật Cư trú số 68/2020/QH14"],
    ),
    _record(
        "1.010000",
        "Cấp thẻ căn cước",
        "Căn cước",
        "province",
        processing_time={"value": 7, "unit": "working_days", "note": ""},
        synonyms=["CCCD", "căn cước công dân", "làm căn cước"],
        result="Thẻ căn cước",
        legal_basis=["Luật Căn cước số 26/2023/QH15"],
    ),
    _record(
        "1.010001",
        "Cấp đổi giấy phép lái xe",
        "Đường bộ",
        "province",
        processing_time={"value": 5, "unit": "working_days", "note": ""},
        fees=[{"case": "Cấp đổi", "amount": 135000, "kind": "le_phi"}],
        synonyms=["đổi bằng lái", "GPLX", "đổi bằng lái xe"],
        result="Giấy phép lái xe",
        legal_basis=["Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15"],
        online_level="full",
    ),
    _record(
        "1.010002",
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đất đai",
        "province",
        competent_agency="Văn phòng đăng ký đất đai",
        receiving_agencies=["so-nn-mt", "@communes"],
        processing_time={"value": 20, "unit": "working_days", "note": ""},
        synonyms=["sổ đỏ", "làm sổ đỏ lần đầu", "sổ hồng"],
        result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        legal_basis=["Luật Đất đai số 31/2024/QH15"],
    ),
    _record(
        "2.000815",
        "Chứng thực bản sao từ bản chính",
        "Chứng thực",
        "commune",
        processing_time={"value": 4, "unit": "working_hours", "note": ""},
        fees=[{"case": "Mỗi trang", "amount": 2000, "kind": "le_phi"}],
        synonyms=["công chứng bản sao", "sao y"],
        result="Bản sao được chứng thực",
        legal_basis=["Nghị định 23/2015/NĐ-CP"],
    ),
]


def records() -> list[dict[str, Any]]:
    return copy.deepcopy(RECORDS)


@pytest.fixture
def agencies(db):  # type: ignore[no-untyped-def]
    """The demo agency tree."""
    from congso.agencies import demo as agencies_demo

    agencies_demo.load()


@pytest.fixture
def catalog(agencies) -> dict[str, Procedure]:  # type: ignore[no-untyped-def]
    """The procedures of RECORDS imported through the service; code → Procedure."""
    from congso.catalog import services

    services.procedure_import(records())
    return {p.code: p for p in Procedure.objects.all()}
