"""A small catalog of real procedures (facts as published) for the assistant's tests."""

from __future__ import annotations

from typing import Any

import pytest

from congso.assistant.retrieval import reset_index

PROCEDURES: list[dict[str, Any]] = [
    {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "time": (
            1,
            "working_days",
            "Ngay trong ngày làm việc; nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
        ),
        "result": "Giấy khai sinh (bản chính) và Trích lục khai sinh",
        "online": "full",
        "synonyms": ["làm giấy khai sinh", "khai sinh cho con"],
        "fees": [("Đăng ký khai sinh đúng hạn", 0, "le_phi")],
        "documents": [
            (
                "Tờ khai đăng ký khai sinh theo mẫu",
                "original",
                1,
                True,
                "",
                "Tờ khai đăng ký khai sinh",
            ),
            ("Giấy chứng sinh", "original", 1, True, "", ""),
        ],
        "steps": [
            "Người yêu cầu nộp hồ sơ tại bộ phận một cửa",
            "Công chức tư pháp – hộ tịch kiểm tra, ghi vào sổ hộ tịch",
        ],
    },
    {
        "code": "1.000656",
        "name": "Đăng ký khai tử",
        "field": "Hộ tịch",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "time": (1, "working_days", ""),
        "result": "Trích lục khai tử",
        "online": "full",
        "synonyms": ["làm giấy chứng tử"],
        "fees": [],
        "documents": [
            ("Tờ khai đăng ký khai tử theo mẫu", "original", 1, True, "", ""),
            ("Giấy báo tử hoặc giấy tờ thay thế giấy báo tử", "original", 1, True, "", ""),
        ],
        "steps": [],
    },
    {
        "code": "1.000894",
        "name": "Đăng ký kết hôn",
        "field": "Hộ tịch",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "time": (1, "working_days", "Trường hợp cần xác minh thì không quá 05 ngày làm việc"),
        "result": "Giấy chứng nhận kết hôn",
        "online": "partial",
        "synonyms": [],
        "fees": [("Đăng ký kết hôn trong nước", 0, "le_phi")],
        "documents": [
            ("Tờ khai đăng ký kết hôn theo mẫu", "original", 1, True, "", ""),
            (
                "Giấy xác nhận tình trạng hôn nhân",
                "original",
                1,
                False,
                "nếu đăng ký thường trú ở nơi khác",
                "",
            ),
        ],
        "steps": ["Hai bên nam, nữ cùng có mặt khi đăng ký kết hôn"],
    },
    {
        "code": "2.000806",
        "name": "Đăng ký kết hôn có yếu tố nước ngoài",
        "field": "Hộ tịch",
        "level": "province",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "time": (10, "working_days", ""),
        "result": "Giấy chứng nhận kết hôn",
        "online": "partial",
        "synonyms": ["kết hôn với người nước ngoài"],
        "fees": [("Đăng ký kết hôn có yếu tố nước ngoài", 1500000, "le_phi")],
        "documents": [
            ("Tờ khai đăng ký kết hôn", "original", 1, True, "", ""),
            ("Hộ chiếu của người nước ngoài", "copy", 1, True, "", ""),
        ],
        "steps": [],
    },
    {
        "code": "1.002804",
        "name": "Cấp đổi giấy phép lái xe",
        "field": "Đường bộ",
        "level": "province",
        "competent_agency": "Sở Xây dựng",
        "time": (5, "working_days", ""),
        "result": "Giấy phép lái xe",
        "online": "full",
        "synonyms": ["đổi bằng lái xe"],
        "fees": [("Cấp đổi giấy phép lái xe", 135000, "le_phi")],
        "documents": [
            ("Đơn đề nghị đổi giấy phép lái xe", "original", 1, True, "", ""),
            ("Giấy khám sức khỏe của người lái xe", "original", 1, True, "", ""),
        ],
        "steps": [],
    },
    {
        "code": "1.002809",
        "name": "Cấp lại giấy phép lái xe",
        "field": "Đường bộ",
        "level": "province",
        "competent_agency": "Sở Xây dựng",
        "time": (5, "working_days", ""),
        "result": "Giấy phép lái xe",
        "online": "partial",
        "synonyms": ["mất bằng lái xe"],
        "fees": [("Cấp lại giấy phép lái xe", 135000, "le_phi")],
        "documents": [("Đơn đề nghị cấp lại giấy phép lái xe", "original", 1, True, "", "")],
        "steps": [],
    },
    {
        "code": "1.001612",
        "name": "Đăng ký thành lập hộ kinh doanh",
        "field": "Thành lập và hoạt động của hộ kinh doanh",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "time": (3, "working_days", ""),
        "result": "Giấy chứng nhận đăng ký hộ kinh doanh",
        "online": "full",
        "synonyms": [],
        "fees": [("Đăng ký hộ kinh doanh", 100000, "le_phi")],
        "documents": [
            ("Giấy đề nghị đăng ký hộ kinh doanh", "original", 1, True, "", ""),
            ("Bản sao giấy tờ pháp lý của cá nhân", "copy", 2, True, "", ""),
        ],
        "steps": [],
    },
    {
        "code": "1.004227",
        "name": "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "field": "Đất đai",
        "level": "commune",
        "competent_agency": "Ủy ban nhân dân cấp xã",
        "time": (20, "working_days", "Không quá 20 ngày làm việc; xã vùng sâu thêm 10 ngày"),
        "result": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "online": "partial",
        "synonyms": ["làm sổ đỏ lần đầu"],
        "fees": [("Cấp giấy chứng nhận lần đầu", 100000, "le_phi")],
        "documents": [
            ("Đơn đăng ký, cấp Giấy chứng nhận", "original", 1, True, "", "Mẫu số 04/ĐK")
        ],
        "steps": [],
    },
    {
        "code": "1.003010",
        "name": "Đăng ký thường trú",
        "field": "Đăng ký, quản lý cư trú",
        "level": "commune",
        "competent_agency": "Công an cấp xã",
        "time": (7, "working_days", ""),
        "result": "Thông tin cư trú được cập nhật vào Cơ sở dữ liệu về cư trú",
        "online": "full",
        "synonyms": ["nhập hộ khẩu"],
        "fees": [
            ("Đăng ký thường trú nộp trực tiếp", 20000, "le_phi"),
            ("Nộp trực tuyến", 10000, "le_phi"),
        ],
        "documents": [("Tờ khai thay đổi thông tin cư trú (CT01)", "original", 1, True, "", "")],
        "steps": [],
    },
    {
        "code": "2.001706",
        "name": "Cấp thẻ căn cước",
        "field": "Căn cước",
        "level": "province",
        "competent_agency": "Công an tỉnh",
        "time": (7, "working_days", ""),
        "result": "Thẻ căn cước",
        "online": "partial",
        "synonyms": ["làm căn cước công dân"],
        "fees": [("Cấp đổi, cấp lại", 50000, "le_phi")],
        "documents": [],
        "steps": [],
    },
]


def make_procedure(spec: dict[str, Any], agencies: list[Any]) -> Any:
    from congso.catalog.models import Fee, Field, Procedure, RequiredDocument
    from congso.core.vntext import slugify_vi

    field, _ = Field.objects.get_or_create(
        name=spec["field"], defaults={"slug": slugify_vi(spec["field"])}
    )
    value, unit, note = spec["time"]
    proc = Procedure.objects.create(
        code=spec["code"],
        name=spec["name"],
        field=field,
        level=spec["level"],
        competent_agency=spec["competent_agency"],
        processing_time_value=value,
        processing_time_unit=unit,
        processing_time_note=note,
        result=spec["result"],
        online_level=spec["online"],
        synonyms=spec["synonyms"],
        steps=spec["steps"],
        legal_basis=["Luật Hộ tịch 2014"],
    )
    proc.receiving_agencies.set(agencies)
    for i, (case, amount, kind) in enumerate(spec["fees"]):
        Fee.objects.create(procedure=proc, position=i, case=case, amount=amount, kind=kind)
    for i, (name, form, copies, mandatory, condition, template) in enumerate(spec["documents"]):
        RequiredDocument.objects.create(
            procedure=proc,
            position=i,
            name=name,
            original_or_copy=form,
            copies=copies,
            mandatory=mandatory,
            condition=condition,
            template_name=template,
        )
    return proc


@pytest.fixture
def catalog(db, settings):  # type: ignore[no-untyped-def]
    """Ten real procedures received at the demo commune; the assistant index is rebuilt."""
    from congso.agencies import demo as agencies_demo
    from congso.agencies.models import Agency

    settings.ASSISTANT_INDEX_CHECK_SECONDS = 0
    agencies_demo.load()
    commune = Agency.objects.get(slug="phuong-vi-thanh")
    reset_index()
    procs = {spec["code"]: make_procedure(spec, [commune]) for spec in PROCEDURES}
    yield procs
    reset_index()
