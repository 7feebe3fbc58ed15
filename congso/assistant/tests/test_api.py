"""The assistant API as an interface: ask, feedback, errors, schema."""

from __future__ import annotations

from typing import Any

from congso.assistant.models import Feedback, QuestionLog


def test_ask_returns_intent_answer_procedures_and_timing(catalog: Any, api_client: Any) -> None:
    response = api_client.post(
        "/api/v1/assistant/ask", {"question": "lam giay khai sinh can giay to gi"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["intent"] == "procedure"
    assert data["aspect"] == "documents"
    assert data["procedures"][0] == {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "score": data["procedures"][0]["score"],
        "url": "/thu-tuc/1.001193/",
    }
    assert "Giấy chứng sinh" in data["answer"]
    assert data["elapsed_ms"] >= 0
    assert data["session"]
    assert QuestionLog.objects.filter(pk=data["log_id"], channel="api").exists()


def test_follow_up_through_the_session(catalog: Any, api_client: Any) -> None:
    first = api_client.post(
        "/api/v1/assistant/ask", {"question": "đăng ký kết hôn"}, format="json"
    ).json()
    second = api_client.post(
        "/api/v1/assistant/ask",
        {"question": "mất bao lâu?", "session": first["session"]},
        format="json",
    ).json()
    assert second["procedures"][0]["code"] == "1.000894"
    assert "1 ngày làm việc" in second["answer"]


def test_out_of_scope_is_declined(catalog: Any, api_client: Any) -> None:
    data = api_client.post(
        "/api/v1/assistant/ask", {"question": "tỷ số trận đấu tối qua"}, format="json"
    ).json()
    assert data["intent"] == "out_of_scope"
    assert data["procedures"] == []


def test_phone_field_completes_a_status_question(
    catalog: Any, api_client: Any, monkeypatch: Any
) -> None:
    import congso.dossiers.selectors as selectors

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(
        selectors,
        "dossier_lookup",
        lambda *, code, phone_or_id: seen.append((code, phone_or_id)),
        raising=False,
    )
    data = api_client.post(
        "/api/v1/assistant/ask",
        {"question": "tra cứu hồ sơ 000.21.30.H30-261125-0001", "phone": "0912345678"},
        format="json",
    ).json()
    assert data["intent"] == "status"
    assert seen == [("000.21.30.H30-261125-0001", "0912345678")]
    assert "Không tìm thấy" in data["answer"]


def test_bad_input_is_a_structured_400(catalog: Any, api_client: Any) -> None:
    response = api_client.post("/api/v1/assistant/ask", {"question": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"}
    assert "question" in body["extra"]["fields"]
    too_long = api_client.post("/api/v1/assistant/ask", {"question": "a" * 501}, format="json")
    assert too_long.status_code == 400


def test_feedback_from_the_asking_session(catalog: Any, api_client: Any) -> None:
    ask = api_client.post(
        "/api/v1/assistant/ask", {"question": "cách nấu phở bò"}, format="json"
    ).json()
    wrong = api_client.post(
        "/api/v1/assistant/feedback",
        {"log_id": ask["log_id"], "session": "khac", "feedback": "no_answer"},
        format="json",
    )
    assert wrong.status_code == 404
    ok = api_client.post(
        "/api/v1/assistant/feedback",
        {"log_id": ask["log_id"], "session": ask["session"], "feedback": "no_answer"},
        format="json",
    )
    assert ok.status_code == 200
    assert QuestionLog.objects.get(pk=ask["log_id"]).feedback == Feedback.NO_ANSWER
    bad = api_client.post(
        "/api/v1/assistant/feedback",
        {"log_id": ask["log_id"], "session": ask["session"], "feedback": "love"},
        format="json",
    )
    assert bad.status_code == 400


def test_endpoints_are_in_the_openapi_schema(db: Any, api_client: Any) -> None:
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/assistant/ask" in text
    assert "/api/v1/assistant/feedback" in text


def test_ask_is_throttled(catalog: Any, api_client: Any, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.ASSISTANT_ANON_RATE = "3/min"
    codes = [
        api_client.post(
            "/api/v1/assistant/ask", {"question": "khai sinh"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    cache.clear()
    assert codes == [200, 200, 200, 429]
