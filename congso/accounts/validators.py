"""Validation of the 12-digit personal identification number (số định danh cá nhân).

Structure (Decree 137/2015/NĐ-CP, Circular 59/2021/TT-BCA): 3 digits for the province of birth
registration, 1 digit for sex and century of birth, 2 digits for the year of birth, 6 random
digits.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

#: Province codes of the pre-2025 63 provinces (the first three digits).
PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


def birth_year_from_personal_id(number: str) -> int:
    century = 1900 + 100 * (int(number[3]) // 2)
    return century + int(number[4:6])


def validate_personal_id(value: str) -> None:
    number = (value or "").strip()
    if len(number) != 12 or not number.isdigit():
        raise ValidationError("Số định danh cá nhân phải gồm đúng 12 chữ số.", code="length")
    if number[:3] not in PROVINCE_CODES:
        raise ValidationError(
            "Ba chữ số đầu (%(code)s) không phải mã tỉnh hợp lệ.",
            code="province",
            params={"code": number[:3]},
        )
    year = birth_year_from_personal_id(number)
    if year > dt.date.today().year:  # noqa: DTZ011 - a calendar year, not a moment
        raise ValidationError("Năm sinh mã hoá trong số định danh không hợp lệ.", code="year")


def validate_phone(value: str) -> None:
    digits = (value or "").replace(" ", "").replace(".", "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not (digits.isdigit() and len(digits) == 10 and digits.startswith("0")):
        raise ValidationError("Số điện thoại phải có 10 chữ số, bắt đầu bằng 0.", code="phone")


def normalize_phone(value: str) -> str:
    digits = (value or "").replace(" ", "").replace(".", "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits
