"""Answers written only from catalog facts (no generation, so nothing invented).

Every sentence is a template filled with a field of the procedure: the documents list, the
fees (formatted "1.000.000 đ" or "Miễn phí"), the processing time and its note, the receiving
agencies, the steps, the online level, and links to the procedure page and to online
submission. Lists use bullets, never numbering, so that every number in an answer comes
from the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from congso.core.formatting import format_date, format_vnd

DECLINE_TEXT = (
    "Tôi chỉ có thể hỗ trợ về thủ tục hành chính và tra cứu hồ sơ tại Cổng dịch vụ công. "
    "Bạn hãy hỏi về một thủ tục cụ thể, ví dụ: “Làm giấy khai sinh cần giấy tờ gì?”, "
    "“Đổi giấy phép lái xe mất bao lâu?” hoặc gửi mã hồ sơ để tra cứu."
)
GREETING_TEXT = (
    "Xin chào! Tôi là trợ lý ảo của Cổng dịch vụ công. Bạn có thể hỏi về giấy tờ cần chuẩn "
    "bị, lệ phí, thời gian giải quyết, nơi nộp hồ sơ của một thủ tục hành chính, hoặc gửi mã "
    "hồ sơ kèm số điện thoại để tra cứu tình trạng hồ sơ."
)
THANKS_TEXT = "Rất vui được hỗ trợ bạn. Nếu cần thêm thông tin về thủ tục nào, bạn cứ hỏi nhé!"
EMPTY_TEXT = "Bạn hãy nhập câu hỏi, ví dụ: “Đăng ký khai sinh cần giấy tờ gì?”."

ASPECT_LABELS = {
    "documents": "Thành phần hồ sơ",
    "fee": "Phí, lệ phí",
    "time": "Thời hạn giải quyết",
    "place": "Nơi nộp hồ sơ",
    "steps": "Trình tự thực hiện",
    "online": "Nộp trực tuyến",
    "general": "Thông tin chung",
}


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Answer:
    """The text shown to the citizen, and the links offered with it."""

    text: str
    links: list[Link] = field(default_factory=list)


def procedure_url(code: str) -> str:
    try:
        return reverse("catalog:procedure-detail", kwargs={"code": code})
    except NoReverseMatch:
        return "/thu-tuc/%s/" % code


def submit_url(code: str) -> str:
    return "/ho-so/nop/%s/" % code


def _documents(proc: Any) -> list[str]:
    lines = []
    for doc in proc.required_documents.all():
        parts = [doc.name]
        form = doc.get_original_or_copy_display()
        detail = form
        if doc.copies and doc.copies > 1:
            detail = "%s, %s bản" % (form, doc.copies)
        if detail:
            parts.append("(%s)" % detail.lower())
        if not doc.mandatory:
            parts.append("— nếu có" if not doc.condition else "— %s" % doc.condition)
        elif doc.condition:
            parts.append("— %s" % doc.condition)
        line = " ".join(parts)
        if doc.template_name:
            line += "; mẫu: %s" % doc.template_name
        lines.append("• " + line)
    return lines


def _fees(proc: Any) -> list[str]:
    fees = list(proc.fees.all())
    if not fees or all(not f.amount for f in fees):
        return ["• Miễn phí (danh mục không quy định mức thu)."]
    lines = []
    for fee in fees:
        label = fee.get_kind_display()
        case = (" — %s" % fee.case) if fee.case else ""
        lines.append("• %s: %s%s" % (label, format_vnd(fee.amount), case))
    return lines


def _time(proc: Any) -> str:
    text = "%s %s" % (proc.processing_time_value, proc.get_processing_time_unit_display())
    if proc.processing_time_note:
        text += " (%s)" % proc.processing_time_note.rstrip(".")
    return text


def _agencies(proc: Any) -> list[str]:
    names = [a.name for a in proc.receiving_agencies.all()]
    lines = []
    if names:
        if len(names) > 6:
            lines.append(
                "• Nộp tại bộ phận một cửa của: %s và các cơ quan khác trong danh mục."
                % "; ".join(names[:6])
            )
        else:
            lines.append("• Nộp tại bộ phận một cửa của: %s." % "; ".join(names))
    if proc.competent_agency:
        lines.append("• Cơ quan có thẩm quyền giải quyết: %s." % proc.competent_agency)
    lines.append("• Cấp thực hiện: %s." % proc.get_level_display())
    return lines


def _step_text(step: Any) -> str:
    if isinstance(step, str):
        return step
    if isinstance(step, dict):
        for key in ("description", "text", "title", "name", "content"):
            value = step.get(key)
            if isinstance(value, str) and value:
                title = step.get("title") if key != "title" else None
                return "%s: %s" % (title, value) if isinstance(title, str) and title else value
    return str(step)


def _steps(proc: Any) -> list[str]:
    return ["• " + _step_text(step) for step in (proc.steps or [])]


def _online(proc: Any) -> str:
    if proc.is_full_online:
        return (
            "Thủ tục này có dịch vụ công trực tuyến toàn trình: bạn có thể nộp hồ sơ trực tuyến "
            "tại %s mà không cần đến cơ quan." % submit_url(proc.code)
        )
    return (
        "Thủ tục này có dịch vụ công trực tuyến một phần: bạn có thể tìm hiểu và chuẩn bị hồ sơ "
        "trực tuyến, nhưng vẫn cần nộp hoặc nhận kết quả trực tiếp tại cơ quan tiếp nhận."
    )


def procedure_answer(proc: Any, aspect: str) -> Answer:
    """The answer about one procedure for the aspect asked, followed by its links."""
    head = "Thủ tục “%s” (mã %s)." % (proc.name, proc.code)
    body: list[str] = []
    if aspect == "documents":
        docs = _documents(proc)
        body.append("Hồ sơ cần chuẩn bị:" if docs else "Danh mục chưa ghi thành phần hồ sơ.")
        body.extend(docs)
    elif aspect == "fee":
        body.append("Phí, lệ phí:")
        body.extend(_fees(proc))
    elif aspect == "time":
        body.append("Thời hạn giải quyết: %s." % _time(proc))
    elif aspect == "place":
        body.append("Nơi nộp hồ sơ:")
        body.extend(_agencies(proc))
    elif aspect == "steps":
        steps = _steps(proc)
        if steps:
            body.append("Trình tự thực hiện:")
            body.extend(steps)
        else:
            body.append("Danh mục chưa ghi trình tự thực hiện; các thông tin chính như sau.")
            aspect = "general"
    elif aspect == "online":
        body.append(_online(proc))
    if aspect == "general":
        docs = _documents(proc)
        if docs:
            body.append("Hồ sơ cần chuẩn bị:")
            body.extend(docs)
        body.append("Phí, lệ phí:")
        body.extend(_fees(proc))
        body.append("Thời hạn giải quyết: %s." % _time(proc))
        body.extend(_agencies(proc)[:1])
    elif aspect != "online":
        # A one-line reminder of the other essentials, as a clerk at the counter would add.
        extra = []
        if aspect != "time":
            extra.append("thời hạn %s" % _time(proc))
        if aspect != "fee":
            fees = list(proc.fees.all())
            if not fees or all(not f.amount for f in fees):
                extra.append("miễn phí")
            elif len(fees) == 1:
                extra.append(
                    "%s %s" % (fees[0].get_kind_display().lower(), format_vnd(fees[0].amount))
                )
        if extra:
            body.append("Lưu ý: %s." % "; ".join(extra))
    links = [Link("Xem chi tiết thủ tục", procedure_url(proc.code))]
    if proc.is_full_online:
        links.append(Link("Nộp hồ sơ trực tuyến", submit_url(proc.code)))
    tail = "Chi tiết: %s" % links[0].url
    if proc.is_full_online:
        tail += " · Nộp trực tuyến: %s" % submit_url(proc.code)
    return Answer("\n".join([head, *body, tail]), links)


def candidates_answer(procs: list[Any], aspect: str) -> Answer:
    """Several candidate procedures when the question is ambiguous."""
    lines = ["Bạn muốn hỏi thủ tục nào dưới đây? Chọn một thủ tục để xem chi tiết:"]
    links = []
    for proc in procs:
        lines.append("• %s (mã %s): %s" % (proc.name, proc.code, procedure_url(proc.code)))
        links.append(Link(proc.name, procedure_url(proc.code)))
    if aspect != "general":
        lines.append(
            "Bạn có thể hỏi lại kèm tên thủ tục để biết %s." % ASPECT_LABELS.get(aspect, "").lower()
        )
    return Answer("\n".join(lines), links)


def with_alternatives(answer: Answer, alternatives: list[Any]) -> Answer:
    """The answer for the best match, followed by the other candidates (when unsure)."""
    if not alternatives:
        return answer
    lines = [answer.text, "Nếu bạn hỏi thủ tục khác, có thể là:"]
    for proc in alternatives:
        lines.append("• %s (mã %s): %s" % (proc.name, proc.code, procedure_url(proc.code)))
    return Answer("\n".join(lines), answer.links)


def decline_answer(suggestions: list[Any]) -> Answer:
    lines = [DECLINE_TEXT]
    links = [Link("Danh mục thủ tục hành chính", "/thu-tuc/")]
    if suggestions:
        lines.append("Các thủ tục được hỏi nhiều:")
        for proc in suggestions:
            lines.append("• %s: %s" % (proc.name, procedure_url(proc.code)))
    return Answer("\n".join(lines), links)


def status_need_factor_answer(code: str) -> Answer:
    return Answer(
        "Để bảo vệ thông tin cá nhân, vui lòng gửi kèm mã hồ sơ %s số điện thoại hoặc số định "
        "danh cá nhân của người nộp hồ sơ (ví dụ: “%s 09xxxxxxxx”)." % (code, code),
        [Link("Tra cứu hồ sơ", "/tra-cuu/")],
    )


def status_need_code_answer() -> Answer:
    return Answer(
        "Để tra cứu hồ sơ, vui lòng gửi mã hồ sơ (in trên giấy tiếp nhận và hẹn trả kết quả) "
        "kèm số điện thoại hoặc số định danh cá nhân của người nộp hồ sơ.",
        [Link("Tra cứu hồ sơ", "/tra-cuu/")],
    )


def status_not_found_answer(code: str) -> Answer:
    return Answer(
        "Không tìm thấy hồ sơ %s với số điện thoại hoặc số định danh đã nhập. Vui lòng kiểm tra "
        "lại mã hồ sơ và thông tin người nộp, hoặc tra cứu tại trang Tra cứu hồ sơ." % code,
        [Link("Tra cứu hồ sơ", "/tra-cuu/")],
    )


def status_unavailable_answer() -> Answer:
    return Answer(
        "Chức năng tra cứu hồ sơ tạm thời chưa sẵn sàng. Vui lòng thử lại sau.",
        [Link("Tra cứu hồ sơ", "/tra-cuu/")],
    )


def status_answer(dossier: Any) -> Answer:
    """Status of a dossier the asker proved to own (phone or ID checked by the lookup)."""
    code = getattr(dossier, "code", "")
    status = (
        dossier.get_status_display()
        if hasattr(dossier, "get_status_display")
        else str(getattr(dossier, "status", ""))
    )
    lines = ["Hồ sơ %s: %s." % (code, status)]
    proc = getattr(dossier, "procedure", None)
    if proc is not None:
        lines.append("Thủ tục: %s." % proc.name)
    received = getattr(dossier, "received_at", None)
    if received:
        lines.append("Ngày tiếp nhận: %s." % format_date(received))
    due = getattr(dossier, "appointment_at", None) or getattr(dossier, "due_at", None)
    if due:
        lines.append("Ngày hẹn trả kết quả: %s." % format_date(due))
    return Answer("\n".join(lines), [Link("Tra cứu hồ sơ", "/tra-cuu/?code=%s" % code)])
