"""Demo catalog: the procedures of data/procedures.json mapped to the demo province's agencies.

Idempotent: procedures are matched by code and an unchanged record is left alone. The usage
scores (``popularity``) that order the home page are plausible figures for a province of
700,000 people — civil status, authentication and residence are what citizens do most.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from congso.catalog import services
from congso.catalog.models import Procedure
from congso.core.vntext import fold_lower

#: Dossiers per year in a province of this size, by procedure name (rough, for ordering only).
POPULARITY = {
    "Chứng thực bản sao từ bản chính": 9800,
    "Đăng ký khai sinh": 9200,
    "Đăng ký thường trú": 8600,
    "Cấp thẻ căn cước": 8400,
    "Đăng ký tạm trú": 7800,
    "Chứng thực chữ ký": 7200,
    "Đăng ký biến động quyền sử dụng đất": 6900,
    "Cấp đổi giấy phép lái xe": 6500,
    "Đăng ký xe": 6100,
    "Cấp Phiếu lý lịch tư pháp": 6000,
    "Chứng thực hợp đồng, giao dịch": 5600,
    "Cấp Giấy xác nhận tình trạng hôn nhân": 5400,
    "Đăng ký kết hôn": 5000,
    "Đăng ký khai tử": 4300,
    "Cấp hộ chiếu phổ thông": 4200,
    "Cấp bản sao trích lục hộ tịch": 3900,
    "Đăng ký thành lập hộ kinh doanh": 3500,
    "Cấp đổi Giấy chứng nhận quyền sử dụng đất": 3100,
    "Giải quyết hưởng trợ cấp thất nghiệp": 2900,
    "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu": 2700,
    "Cấp giấy phép xây dựng nhà ở riêng lẻ": 2400,
    "Tách thửa hoặc hợp thửa đất": 2100,
    "Chuyển mục đích sử dụng đất": 1900,
    "Cấp lại giấy phép lái xe": 1700,
    "Trợ cấp xã hội hàng tháng": 1600,
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh": 1500,
    "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch": 1400,
    "Giải quyết chế độ mai táng phí": 1200,
    "Công nhận hộ nghèo, hộ cận nghèo": 1100,
    "Chuyển trường đối với học sinh": 1000,
    "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc": 900,
}


def data_path() -> Path:
    return Path(settings.BASE_DIR) / "data" / "procedures.json"


def _popularity(records: list[dict[str, Any]]) -> dict[str, int]:
    by_name = {fold_lower(name): value for name, value in POPULARITY.items()}
    scores = {}
    for record in records:
        name = fold_lower(str(record.get("name", "")))
        # Procedures not in the list get a small score that still differs between them.
        scores[str(record["code"])] = by_name.get(name, 100 + sum(map(ord, name)) % 300)
    return scores


def load(stdout: Any = None) -> None:
    path = data_path()
    if not path.exists():
        if stdout:
            stdout.write("  bỏ qua: chưa có %s\n" % path)
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data.get("procedures", []) if isinstance(data, dict) else data
    report = services.procedure_import(records, source="data/procedures.json")
    services.procedure_set_popularity(popularity=_popularity(records))
    if stdout:
        stdout.write("  thủ tục: %s (tổng %d)\n" % (report.summary(), Procedure.objects.count()))
