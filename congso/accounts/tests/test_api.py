"""Token authentication and /me for every demo account."""

from __future__ import annotations

import pytest

from congso.accounts.demo import ACCOUNTS, DEMO_PASSWORD


@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_every_demo_account_gets_a_token_and_sees_itself(api_client, demo_people, username) -> None:  # type: ignore[no-untyped-def]
    response = api_client.post(
        "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION="Bearer " + token)
    me = api_client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == username


def test_me_lists_agencies_and_roles(api_as) -> None:  # type: ignore[no-untyped-def]
    data = api_as("motcua").get("/api/v1/me").json()
    assert data["roles"] == ["receptionist"]
    assert data["agencies"][0]["agency_slug"] == "phuong-vi-thanh"
    assert data["agencies"][0]["agency_code"] == "000.21.30.H30"


def test_wrong_password_is_a_401_json_error(api_client, demo_people) -> None:  # type: ignore[no-untyped-def]
    response = api_client.post(
        "/api/v1/auth/token", {"username": "congdan", "password": "sai"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_missing_fields_is_a_400_json_error(api_client, db) -> None:  # type: ignore[no-untyped-def]
    response = api_client.post("/api/v1/auth/token", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["extra"]["fields"]


def test_malformed_json_is_a_400_not_a_500(api_client, db) -> None:  # type: ignore[no-untyped-def]
    response = api_client.post("/api/v1/auth/token", "{bad", content_type="application/json")
    assert response.status_code == 400


def test_me_without_token_is_401(api_client, db) -> None:  # type: ignore[no-untyped-def]
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert "message" in response.json()


def test_bad_token_is_401(api_client, db) -> None:  # type: ignore[no-untyped-def]
    api_client.credentials(HTTP_AUTHORIZATION="Bearer nope")
    assert api_client.get("/api/v1/me").status_code == 401


def test_api_lockout_is_json(api_client, demo_people, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        api_client.post(
            "/api/v1/auth/token", {"username": "congdan2", "password": "sai"}, format="json"
        )
    response = api_client.post(
        "/api/v1/auth/token", {"username": "congdan2", "password": "congso-demo"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
