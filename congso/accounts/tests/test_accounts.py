"""Citizens' personal identification numbers, login pages, lockout."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest

from congso.accounts.validators import validate_personal_id, validate_phone


@pytest.mark.parametrize("number", ["093095001234", "001203012345", "079188000001"])
def test_valid_personal_ids(number: str) -> None:
    validate_personal_id(number)


@pytest.mark.parametrize(
    "number", ["12345678901", "0930950012345", "09309500123a", "999095001234", "093295001234"]
)
def test_invalid_personal_ids(number: str) -> None:
    with pytest.raises(ValidationError):
        validate_personal_id(number)


def test_phone_validation() -> None:
    validate_phone("0912345678")
    validate_phone("+84912345678")
    with pytest.raises(ValidationError):
        validate_phone("12345")


def test_login_page_is_vietnamese(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/tai-khoan/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_login_with_demo_account(client, demo_people) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": "congdan", "password": "congso-demo"}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert "Nguyễn Văn An" in home.content.decode()


def test_wrong_password_shows_a_vietnamese_error(client, demo_people) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/tai-khoan/dang-nhap/", {"username": "congdan", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_repeated_failed_logins_lock_the_account(client, demo_people, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/tai-khoan/dang-nhap/", {"username": "congdan", "password": "sai"})
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": "congdan", "password": "congso-demo"}
    )
    assert response.status_code in (403, 429)
    assert "tạm thời bị khoá" in response.content.decode()


def test_citizen_can_register(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/tai-khoan/dang-ky/",
        {
            "username": "nguoimoi",
            "full_name": "Đặng Thị Mơ",
            "personal_id": "093195007777",
            "phone": "0911222333",
            "email": "",
            "address": "Vị Thanh",
            "password": "matkhau-rat-dai",
            "password_confirm": "matkhau-rat-dai",
        },
    )
    assert response.status_code == 302
    from congso.accounts.models import User

    assert User.objects.get(username="nguoimoi").full_name == "Đặng Thị Mơ"


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    from congso import settings as project_settings

    assert project_settings.PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_hashes_verify(db) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password("congso-demo", hasher="argon2")
    assert encoded.startswith("argon2")
    assert check_password("congso-demo", encoded)
