"""The site shell: home page, health check, OpenAPI schema, PWA files, error pages."""

from __future__ import annotations

import json

import pytest
import yaml
from drf_spectacular.validation import validate_schema


def test_home_is_a_vietnamese_page(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    for label in ("Thủ tục hành chính", "Nộp hồ sơ", "Tra cứu hồ sơ", "Trợ lý ảo", "Đăng nhập"):
        assert label in html
    assert 'role="main"' in html and 'role="banner"' in html and 'role="contentinfo"' in html


def test_healthz_checks_the_database(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_schema_is_valid_openapi_3(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/auth/token" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]


def test_swagger_ui_is_served_without_a_cdn(client, db) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_manifest_and_service_worker(client, db) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["lang"] == "vi" and manifest["display"] == "standalone"
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and "application/javascript" in sw["Content-Type"]


def test_unknown_api_path_is_json_404(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response.json()["message"] == "Không tìm thấy."


@pytest.mark.parametrize("path", ["/khong-co-trang-nay/"])
def test_unknown_page_is_a_vietnamese_404(client, db, path: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_nul_bytes_in_the_url_are_a_clear_400(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/ho-so/nop/%00/")
    assert page.status_code == 400
    assert "Yêu cầu không hợp lệ" in page.content.decode()
    response = client.get("/api/v1/procedures/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_committed_openapi_file_is_up_to_date(tmp_path, db) -> None:  # type: ignore[no-untyped-def]
    """docs/api/openapi.yaml is what native-app developers read; regenerate it with make schema."""
    from pathlib import Path

    from django.core.management import call_command

    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(out))
    committed = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.yaml"
    assert committed.read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), (
        "docs/api/openapi.yaml is stale: run `make schema`"
    )


def test_nul_bytes_in_a_posted_form_are_a_clear_400(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/tro-ly-ao/", {"question": "Hậu\x00Giang"}).status_code == 400
