"""Intent routing: dossier codes, phone/ID numbers, masking, aspects and small talk."""

from __future__ import annotations

import pytest

from congso.assistant import intents
from congso.assistant.normalise import normalise


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("hồ sơ 000.21.30.H30-261125-0001 của tôi đến đâu rồi", ["000.21.30.H30-261125-0001"]),
        ("tra cuu ho so h30.21.30-261125-0012 giup em", ["H30.21.30-261125-0012"]),
        ("mã: 000.21.30.H30 - 261125 - 0001.", ["000.21.30.H30-261125-0001"]),
        (
            "mã 000.21.30.H30–261125–0001 và 000.22.31.H30-011225-0100",
            ["000.21.30.H30-261125-0001", "000.22.31.H30-011225-0100"],
        ),
        ("gọi 0912345678 hỏi hồ sơ", []),
        ("ngày 25-11-2025 tôi nộp hồ sơ", []),
        ("Nghị định 61/2018/NĐ-CP", []),
    ],
)
def test_dossier_code_extraction(text: str, codes: list[str]) -> None:
    assert intents.extract_dossier_codes(text) == codes


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("sdt 0912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("số 0912.345.678 nhé", "0912345678"),
        ("000.21.30.H30-261125-0001", ""),
        ("không có số", ""),
    ],
)
def test_phone_extraction(text: str, phone: str) -> None:
    assert intents.extract_phone(text) == phone


def test_personal_id_extraction_ignores_dossier_codes() -> None:
    assert intents.extract_personal_id("cccd 093201000123") == "093201000123"
    assert intents.extract_personal_id("000.21.30.H30-261125-0001") == ""


def test_anonymise_masks_every_personal_datum() -> None:
    text = (
        "Hồ sơ 000.21.30.H30-261125-0001, sđt 0912 345 678, cccd 093201000123, "
        "email an.nguyen@example.vn"
    )
    masked = intents.anonymise(text)
    for secret in ("0001", "345", "093201000123", "an.nguyen", "example.vn", "261125"):
        assert secret not in masked
    assert "[mã hồ sơ]" in masked
    assert "[số điện thoại]" in masked
    assert "[số giấy tờ]" in masked
    assert "[email]" in masked


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("Làm giấy khai sinh cần giấy tờ gì?", "documents"),
        ("ho so gom nhung gi", "documents"),
        ("lệ phí đổi bằng lái bao nhiêu", "fee"),
        ("dang ky ket hon co mat tien khong", "fee"),
        ("làm căn cước mất bao lâu", "time"),
        ("may ngay thi co ket qua", "time"),
        ("đăng ký tạm trú ở đâu", "place"),
        ("nop ho so o co quan nao", "place"),
        ("thủ tục đăng ký hộ kinh doanh như thế nào", "steps"),
        ("co nop online duoc khong", "online"),
        ("nộp trực tuyến được không", "online"),
        ("đăng ký khai sinh", "general"),
    ],
)
def test_aspect_detection(question: str, aspect: str) -> None:
    assert intents.detect_aspect(normalise(question)) == aspect


@pytest.mark.parametrize(
    ("question", "talk"),
    [
        ("Xin chào", "greeting"),
        ("chao ban", "greeting"),
        ("alo ad ơi", "greeting"),
        ("cảm ơn nhiều nhé", "thanks"),
        ("thanks", "thanks"),
        ("chào bạn, làm khai sinh ở đâu", ""),
        ("đăng ký khai sinh", ""),
    ],
)
def test_small_talk(question: str, talk: str) -> None:
    assert intents.small_talk(normalise(question)) == talk


def test_status_cues() -> None:
    assert intents.is_status_question(normalise("hồ sơ của tôi đến đâu rồi"))
    assert intents.is_status_question(normalise("tra cuu ho so"))
    assert not intents.is_status_question(normalise("làm hồ sơ khai sinh cần gì"))
