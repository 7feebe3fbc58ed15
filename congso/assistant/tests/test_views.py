"""The chat page without JavaScript (form POST + redirect) and with htmx; the widget."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.test import Client

from congso.assistant.models import Feedback, QuestionLog


def test_chat_page_renders(db: Any, client: Client) -> None:
    response = client.get("/tro-ly-ao/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trợ lý ảo" in html
    assert 'name="question"' in html
    assert 'for="cau-hoi"' in html


def test_form_post_without_javascript_shows_the_answer_after_redirect(
    catalog: Any, client: Client
) -> None:
    response = client.post("/tro-ly-ao/", {"question": "đổi bằng lái xe mất bao lâu"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "đổi bằng lái xe mất bao lâu" in page
    assert "5 ngày làm việc" in page
    assert "/thu-tuc/1.002804/" in page


def test_htmx_post_returns_only_the_new_turn(catalog: Any, client: Client) -> None:
    response = client.post(
        "/tro-ly-ao/", {"question": "lệ phí đăng ký hộ kinh doanh"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "100.000 đ" in html
    assert "assistant-feedback" in html


def test_empty_question_is_a_friendly_error(db: Any, client: Client) -> None:
    response = client.post("/tro-ly-ao/", {"question": "  "}, follow=True)
    assert "Bạn hãy nhập câu hỏi." in response.content.decode()


def test_feedback_buttons_record_on_the_log(catalog: Any, client: Client) -> None:
    client.post("/tro-ly-ao/", {"question": "cách nấu bún bò Huế"})
    entry = QuestionLog.objects.get()
    response = client.post(
        "/tro-ly-ao/phan-hoi/", {"log_id": entry.pk, "feedback": "wrong_answer"}, follow=True
    )
    assert "Cảm ơn bạn đã phản hồi" in response.content.decode()
    entry.refresh_from_db()
    assert entry.feedback == Feedback.WRONG_ANSWER
    other = Client()
    other.get("/tro-ly-ao/")
    denied = other.post(
        "/tro-ly-ao/phan-hoi/", {"log_id": entry.pk, "feedback": "no_answer"}, follow=True
    )
    assert "Không tìm thấy câu hỏi." in denied.content.decode()


def test_widget_sends_the_procedure_as_context(catalog: Any, client: Client, rf: Any) -> None:
    proc = catalog["1.003010"]
    request = rf.get("/thu-tuc/1.003010/")
    html = render_to_string("assistant/partials/_widget.html", {"procedure": proc}, request=request)
    assert 'name="procedure" value="1.003010"' in html
    response = client.post(
        "/tro-ly-ao/",
        {"quick": "Lệ phí bao nhiêu?", "procedure": "1.003010"},
        HTTP_HX_REQUEST="true",
    )
    assert "20.000 đ" in response.content.decode()


def test_admin_lists_anonymised_logs(catalog: Any, client: Client, demo_people: Any) -> None:
    client.post("/tro-ly-ao/", {"question": "hồ sơ 000.21.30.H30-261125-0001 sđt 0912345678"})
    client.force_login(demo_people["admin"])
    page = client.get("/quan-tri/assistant/questionlog/").content.decode()
    assert "[mã hồ sơ]" in page
    assert "0912345678" not in page
    assert client.get("/quan-tri/assistant/synonym/").status_code == 200
    assert client.get("/quan-tri/assistant/synonym/add/").status_code == 200


def test_answer_paths_become_links_and_text_is_escaped() -> None:
    from congso.assistant.templatetags.assistant import answer_html

    html = answer_html("Chi tiết: /thu-tuc/1.001193/\n<b>x</b> · /ho-so/nop/1.001193/")
    assert '<a href="/thu-tuc/1.001193/">/thu-tuc/1.001193/</a>' in html
    assert '<a href="/ho-so/nop/1.001193/">' in html
    assert "<br>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_admin_turns_a_logged_question_into_a_synonym(
    catalog: Any, client: Client, demo_people: Any
) -> None:
    client.post("/tro-ly-ao/", {"question": "làm sổ hồng chung cư"})
    entry = QuestionLog.objects.get()
    client.force_login(demo_people["admin"])
    response = client.post(
        "/quan-tri/assistant/questionlog/",
        {"action": "make_synonym", "_selected_action": [entry.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/assistant/synonym/add/?term=")
    form = client.get(response["Location"]).content.decode()
    assert "làm sổ hồng chung cư" in form
    created = client.post(
        "/quan-tri/assistant/synonym/add/",
        {
            "term": "sổ hồng chung cư",
            "expansion": "giấy chứng nhận quyền sở hữu nhà ở",
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    from congso.assistant.models import Synonym
    from congso.core.audit import events_for

    synonym = Synonym.objects.get(term="sổ hồng chung cư")
    assert synonym.term_folded == "so hong chung cu"
    assert synonym.created_by == demo_people["admin"]
    assert events_for(synonym).filter(action="synonym_create").exists()


def test_admin_synonym_without_meaning_is_a_form_error(client: Client, demo_people: Any) -> None:
    client.force_login(demo_people["admin"])
    response = client.post(
        "/quan-tri/assistant/synonym/add/", {"term": "sổ xanh", "expansion": "", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Hãy nhập nghĩa theo danh mục" in response.content.decode()
