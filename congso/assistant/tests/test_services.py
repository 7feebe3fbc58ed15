"""The ask service end to end over a small real catalog: retrieval, gate, answers, logging."""

from __future__ import annotations

import re
from typing import Any

import pytest

from congso.assistant import answers, services
from congso.assistant.models import Feedback, Intent, QuestionLog, Synonym
from congso.core.exceptions import NotFoundError

# Questions written for these tests (not taken from the bench set), in the styles citizens use.
IN_SCOPE = [
    ("Cho tôi hỏi thủ tục đăng ký khai sinh cho bé gồm những gì?", "1.001193"),
    ("be nha em moi sinh, di lam khai sinh o dau a", "1.001193"),
    ("ông nhà tôi mới qua đời, làm giấy chứng tử ở đâu", "1.000656"),
    ("bao tu cho ba noi can gi", "1.000656"),
    ("hai đứa tụi em muốn đăng ký kết hôn thì làm sao", "1.000894"),
    ("lam giay hon thu het bao nhieu tien", "1.000894"),
    ("cưới chồng người Hàn Quốc cần giấy tờ gì", "2.000806"),
    ("ket hon voi nguoi nuoc ngoai mat bao lau", "2.000806"),
    ("gplx hết hạn đổi ở đâu", "1.002804"),
    ("doi bang lai xe may bi het han", "1.002804"),
    ("bị mất bằng lái xe thì xin cấp lại thế nào", "1.002809"),
    ("lam lai gplx bi mat mat bao lau", "1.002809"),
    ("mở tiệm tạp hóa thì đăng ký hkd ra sao", "1.001612"),
    ("dang ky ho kinh doanh le phi bao nhieu", "1.001612"),
    ("lam so do lan dau can nhung giay to gi", "1.004227"),
    ("cấp giấy chứng nhận quyền sử dụng đất lần đầu mất mấy ngày", "1.004227"),
    ("nhap ho khau cho vo ve nha chong", "1.003010"),
    ("đăng ký thường trú online được không", "1.003010"),
    ("lam cccd cho con 14 tuoi o dau", "2.001706"),
    ("thẻ căn cước làm mất bao lâu thì có", "2.001706"),
    ("lam can cuoc cho be 6 tuoi", "2.001706"),
    ("xin giay phep kinh doanh ho ca the", "1.001612"),
]

# Questions naming two procedures; the asked one must at least be among the three proposed.
AMBIGUOUS = [
    ("khai sinh cho con co can so ho khau khong", "1.001193"),
    ("mất bằng lái thì đổi hay cấp lại", "1.002809"),
]

OUT_OF_SCOPE = [
    "giá vé máy bay đi Đà Nẵng tháng sau",
    "cach lam banh xeo mien tay",
    "hôm nay có mưa không",
    "ai vô địch world cup 2022",
    "tư vấn mua điện thoại dưới 5 triệu",
    "cach cai win 11",
    "bài hát nào đang hot nhất",
]


@pytest.mark.parametrize(("question", "code"), IN_SCOPE)
def test_in_scope_questions_find_the_procedure(catalog: Any, question: str, code: str) -> None:
    result = services.assistant_ask(question=question, log=False)
    assert result.intent == Intent.PROCEDURE, result.answer
    assert result.procedures[0].code == code, [p.name for p in result.procedures]


@pytest.mark.parametrize(("question", "code"), AMBIGUOUS)
def test_ambiguous_questions_propose_the_procedure(catalog: Any, question: str, code: str) -> None:
    result = services.assistant_ask(question=question, log=False)
    assert code in [p.code for p in result.procedures[:3]]


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_is_declined_without_a_procedure(catalog: Any, question: str) -> None:
    result = services.assistant_ask(question=question, log=False)
    assert result.intent == Intent.OUT_OF_SCOPE
    assert result.procedures == []
    assert result.answer.startswith("Tôi chỉ có thể hỗ trợ về thủ tục hành chính")


def test_decline_suggests_popular_procedures_and_the_catalog(catalog: Any) -> None:
    from congso.catalog.models import Procedure

    Procedure.objects.filter(code="1.003010").update(popularity=9000)
    from congso.assistant.retrieval import reset_index

    reset_index()
    result = services.assistant_ask(question="giá vàng hôm nay", log=False)
    assert "Đăng ký thường trú: /thu-tuc/1.003010/" in result.answer
    assert result.links[0].url == "/thu-tuc/"


def test_unsure_answer_lists_the_alternatives(catalog: Any) -> None:
    proc = catalog["1.002804"]
    answer = answers.procedure_answer(proc, "fee")
    other = type("Hit", (), {"name": "Cấp lại giấy phép lái xe", "code": "1.002809"})()
    text = answers.with_alternatives(answer, [other]).text
    assert text.startswith(answer.text)
    assert "Nếu bạn hỏi thủ tục khác" in text
    assert "Cấp lại giấy phép lái xe (mã 1.002809): /thu-tuc/1.002809/" in text


def test_greeting_and_empty(catalog: Any) -> None:
    assert services.assistant_ask(question="xin chào", log=False).intent == Intent.GREETING
    assert services.assistant_ask(question="   ", log=False).intent == Intent.EMPTY


def test_aspect_drives_the_answer(catalog: Any) -> None:
    fee = services.assistant_ask(question="lệ phí kết hôn với người nước ngoài", log=False)
    assert "1.500.000 đ" in fee.answer
    free = services.assistant_ask(question="khai tử có mất phí không", log=False)
    assert "Miễn phí" in free.answer
    docs = services.assistant_ask(question="đổi bằng lái cần giấy tờ gì", log=False)
    assert "• Giấy khám sức khỏe của người lái xe (bản chính)" in docs.answer
    time = services.assistant_ask(question="sổ đỏ lần đầu mất bao lâu", log=False)
    assert "20 ngày làm việc" in time.answer
    assert "xã vùng sâu thêm 10 ngày" in time.answer
    place = services.assistant_ask(question="đăng ký khai sinh ở đâu", log=False)
    assert "Ủy ban nhân dân phường Vị Thanh" in place.answer


def test_links_to_the_procedure_and_to_online_submission_when_full_online(catalog: Any) -> None:
    full = services.assistant_ask(question="khai sinh nộp online được không", log=False)
    assert "/thu-tuc/1.001193/" in full.answer
    assert "/ho-so/nop/1.001193/" in full.answer
    assert [link.url for link in full.links][:2] == ["/thu-tuc/1.001193/", "/ho-so/nop/1.001193/"]
    partial = services.assistant_ask(question="kết hôn nộp trực tuyến được không", log=False)
    assert "/ho-so/nop/" not in partial.answer
    assert "một phần" in partial.answer


def _numbers(text: str) -> set[str]:
    return {n.replace(".", "") for n in re.findall(r"\d[\d.]*\d|\d", text)}


def _catalog_numbers(proc: Any) -> set[str]:
    parts = [
        proc.code,
        proc.name,
        str(proc.processing_time_value),
        proc.processing_time_note,
        proc.competent_agency,
        proc.result,
        " ".join(str(s) for s in proc.steps),
    ]
    parts += [a.name for a in proc.receiving_agencies.all()]
    for fee in proc.fees.all():
        parts += [str(fee.amount), fee.case]
    for doc in proc.required_documents.all():
        parts += [doc.name, str(doc.copies), doc.condition, doc.template_name]
    return _numbers(" ".join(parts))


@pytest.mark.parametrize(
    "aspect", ["documents", "fee", "time", "place", "steps", "online", "general"]
)
def test_answers_contain_only_catalog_facts(catalog: Any, aspect: str) -> None:
    for proc in catalog.values():
        text = answers.procedure_answer(proc, aspect).text
        stray = _numbers(text) - _catalog_numbers(proc)
        assert not stray, (proc.code, aspect, stray, text)
        assert proc.name in text
        if aspect == "fee":
            amounts = {f.amount for f in proc.fees.all() if f.amount}
            for amount in amounts:
                assert answers.format_vnd(amount) in text
            if not amounts:
                assert "Miễn phí" in text


def test_candidates_answer_lists_only_given_procedures(catalog: Any) -> None:
    procs = [catalog["1.002804"], catalog["1.002809"]]
    text = answers.candidates_answer(procs, "fee").text
    assert "Cấp đổi giấy phép lái xe" in text and "Cấp lại giấy phép lái xe" in text
    assert not (_numbers(text) - _catalog_numbers(procs[0]) - _catalog_numbers(procs[1]))


def test_follow_up_question_uses_the_procedure_in_the_conversation(catalog: Any) -> None:
    first = services.assistant_ask(question="đăng ký thường trú cần giấy tờ gì", log=False)
    follow = services.assistant_ask(
        question="còn lệ phí bao nhiêu?", session=first.session, log=False
    )
    assert follow.intent == Intent.PROCEDURE
    assert "20.000 đ" in follow.answer


def test_widget_context_answers_short_questions(catalog: Any) -> None:
    result = services.assistant_ask(question="Mất bao lâu?", context_code="1.001612", log=False)
    assert result.procedures[0].code == "1.001612"
    assert "3 ngày làm việc" in result.answer


def test_status_asks_for_phone_then_looks_up(catalog: Any, monkeypatch: Any) -> None:
    calls: list[tuple[str, str]] = []

    class FakeDossier:
        code = "000.21.30.H30-261125-0001"
        procedure = catalog["1.001193"]
        received_at = None
        appointment_at = None

        def get_status_display(self) -> str:
            return "Đang giải quyết"

    def lookup(*, code: str, phone_or_id: str) -> Any:
        calls.append((code, phone_or_id))
        return FakeDossier() if phone_or_id == "0912345678" else None

    import congso.dossiers.selectors as selectors

    monkeypatch.setattr(selectors, "dossier_lookup", lookup, raising=False)
    first = services.assistant_ask(question="hồ sơ 000.21.30.H30-261125-0001 đến đâu rồi")
    assert first.intent == Intent.STATUS
    assert "số điện thoại" in first.answer
    assert calls == []
    second = services.assistant_ask(question="0912 345 678", session=first.session)
    assert second.intent == Intent.STATUS
    assert "Đang giải quyết" in second.answer
    assert calls == [("000.21.30.H30-261125-0001", "0912345678")]
    wrong = services.assistant_ask(
        question="000.21.30.H30-261125-0001", phone="0900000000", log=False
    )
    assert "Không tìm thấy" in wrong.answer
    assert "Đang giải quyết" not in wrong.answer


def test_status_without_code_asks_for_it(catalog: Any) -> None:
    result = services.assistant_ask(question="hồ sơ của tôi đến đâu rồi", log=False)
    assert result.intent == Intent.STATUS
    assert "mã hồ sơ" in result.answer


def test_question_log_is_anonymised(catalog: Any) -> None:
    result = services.assistant_ask(
        question="hồ sơ 000.21.30.H30-261125-0001 sđt 0912345678", session="s1"
    )
    entry = QuestionLog.objects.get(pk=result.log_id)
    assert "0912345678" not in entry.question
    assert "261125" not in entry.question
    assert entry.intent == Intent.STATUS


def test_feedback_only_from_the_asking_session(catalog: Any) -> None:
    result = services.assistant_ask(question="cach nau pho bo", session="abc")
    with pytest.raises(NotFoundError):
        services.question_feedback(
            log_id=result.log_id or 0, session="other", feedback=Feedback.NO_ANSWER
        )
    entry = services.question_feedback(
        log_id=result.log_id or 0, session="abc", feedback=Feedback.NO_ANSWER
    )
    assert entry.feedback == Feedback.NO_ANSWER
    from congso.core.audit import events_for

    assert events_for(entry).filter(action="assistant_feedback").exists()


def test_index_follows_catalog_and_synonym_changes(catalog: Any) -> None:
    question = "xin giấy phép nuôi chim yến"
    assert services.assistant_ask(question=question, log=False).intent == Intent.OUT_OF_SCOPE
    from congso.assistant.tests.conftest import make_procedure

    make_procedure(
        {
            "code": "9.999001",
            "name": "Cấp giấy phép nuôi chim yến",
            "field": "Chăn nuôi",
            "level": "province",
            "competent_agency": "Sở Nông nghiệp và Môi trường",
            "time": (15, "working_days", ""),
            "result": "Giấy phép",
            "online": "partial",
            "synonyms": [],
            "fees": [],
            "documents": [],
            "steps": [],
        },
        [],
    )
    result = services.assistant_ask(question=question, log=False)
    assert result.procedures[0].code == "9.999001"
    # A staff synonym with an expansion reads a new word as the catalog's wording...
    assert services.assistant_ask(question="xin phép làm nhà yến", log=False).procedures == []
    Synonym.objects.create(term="nhà yến", expansion="nuôi chim yến")
    found = services.assistant_ask(question="xin phép làm nhà yến", log=False)
    assert found.procedures and found.procedures[0].code == "9.999001"
    # ...and one tied to a procedure becomes another name of it.
    Synonym.objects.create(term="hộ chiếu xanh", expansion="", procedure=catalog["2.001706"])
    hit = services.assistant_ask(question="làm hộ chiếu xanh", log=False)
    assert hit.procedures and hit.procedures[0].code == "2.001706"


def test_staff_can_switch_off_a_built_in_synonym(catalog: Any) -> None:
    found = services.assistant_ask(question="làm giấy hôn thú", log=False)
    assert found.procedures and found.procedures[0].code == "1.000894"
    Synonym.objects.create(term="hôn thú", expansion="", is_active=False)
    result = services.assistant_ask(question="làm giấy hôn thú", log=False)
    assert result.intent == Intent.OUT_OF_SCOPE


def test_status_with_a_real_dossier_after_the_phone_check(catalog: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from congso.agencies.models import Agency
    from congso.dossiers.constants import Status
    from congso.dossiers.models import Dossier

    commune = Agency.objects.get(slug="phuong-vi-thanh")
    received = timezone.make_aware(dt.datetime(2025, 11, 26, 9, 0))
    Dossier.objects.create(
        code="000.21.30.H30-261125-0001",
        procedure=catalog["1.001612"],
        agency=commune,
        receiving_agency=commune,
        status=Status.IN_PROGRESS,
        applicant_name="Nguyễn Văn An",
        applicant_phone="0912345678",
        received_at=received,
        due_at=received + dt.timedelta(days=3),
    )
    asked = services.assistant_ask(question="hồ sơ 000.21.30.H30-261125-0001 tới đâu rồi ad")
    assert "Đang giải quyết" not in asked.answer
    wrong = services.assistant_ask(question="0987654321", session=asked.session)
    assert "Không tìm thấy" in wrong.answer
    right = services.assistant_ask(
        question="mã hồ sơ 000.21.30.h30-261125-0001, sđt 0912 345 678", session=asked.session
    )
    assert right.intent == Intent.STATUS
    assert "Đang giải quyết" in right.answer
    assert "Đăng ký thành lập hộ kinh doanh" in right.answer
    assert "26/11/2025" in right.answer
    assert "29/11/2025" in right.answer


@pytest.mark.parametrize(("question", "code"), IN_SCOPE)
def test_same_procedure_without_diacritics_and_in_capitals(
    catalog: Any, question: str, code: str
) -> None:
    from congso.core.vntext import fold

    for variant in (fold(question), question.upper()):
        result = services.assistant_ask(question=variant, log=False)
        assert result.procedures, variant
        assert result.procedures[0].code == code, (variant, [p.name for p in result.procedures])
