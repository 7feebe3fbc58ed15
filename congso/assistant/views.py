"""Chat page of the assistant (works without JavaScript; htmx swaps in answers when present)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from congso.assistant import services
from congso.core.exceptions import ApplicationError

TRANSCRIPT_KEY = "assistant_transcript"
SESSION_KEY = "assistant_session"
MAX_TURNS = 20
SUGGESTIONS = [
    "Làm giấy khai sinh cho con cần giấy tờ gì?",
    "Đổi bằng lái xe hết hạn mất bao lâu?",
    "Lệ phí đăng ký kết hôn bao nhiêu?",
    "Đăng ký hộ kinh doanh nộp ở đâu?",
]


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _conversation_id(request: HttpRequest) -> str:
    value = request.session.get(SESSION_KEY)
    if not isinstance(value, str) or not value:
        value = uuid.uuid4().hex
        request.session[SESSION_KEY] = value
    return value


def _turn(result: services.AskResult) -> dict[str, Any]:
    return {
        "question": result.question,
        "answer": result.answer,
        "intent": result.intent,
        "confident": result.confident,
        "links": [{"label": link.label, "url": link.url} for link in result.links],
        "procedures": [{"code": p.code, "name": p.name, "url": p.url} for p in result.procedures],
        "log_id": result.log_id,
    }


@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest) -> HttpResponse:
    """``/tro-ly-ao/``: ask (POST, form or htmx) and read the conversation (GET)."""
    transcript: list[dict[str, Any]] = list(request.session.get(TRANSCRIPT_KEY, []))
    if request.method == "POST":
        question = (request.POST.get("question") or request.POST.get("quick") or "").strip()
        procedure = (request.POST.get("procedure") or "").strip()[:40]
        if request.POST.get("clear"):
            request.session[TRANSCRIPT_KEY] = []
            return redirect("assistant:chat")
        if not question:
            if _is_htmx(request):
                return HttpResponse(
                    '<p class="errorlist" role="alert">Bạn hãy nhập câu hỏi.</p>', status=200
                )
            messages.error(request, "Bạn hãy nhập câu hỏi.")
            return redirect("assistant:chat")
        result = services.assistant_ask(
            actor=request.user,
            question=question,
            session=_conversation_id(request),
            context_code=procedure,
            channel="widget" if procedure else "web",
        )
        turn = _turn(result)
        transcript = ([*transcript, turn])[-MAX_TURNS:]
        request.session[TRANSCRIPT_KEY] = transcript
        if _is_htmx(request):
            return render(request, "assistant/partials/_turn.html", {"turn": turn})
        # Without JavaScript (the page or the widget on a procedure page) the answer is shown
        # on the chat page, after a redirect so that reloading does not ask twice.
        return redirect("%s#cuoi" % request.path)
    return render(
        request,
        "assistant/chat.html",
        {"transcript": transcript, "suggestions": SUGGESTIONS},
    )


@require_http_methods(["POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """Record "no answer"/"wrong answer"/"helpful" for one answer of this conversation."""
    value = request.POST.get("feedback", "")
    try:
        log_id = int(request.POST.get("log_id", "0"))
    except ValueError:
        log_id = 0
    message = "Cảm ơn bạn đã phản hồi, cán bộ sẽ xem xét để cải thiện trợ lý."
    try:
        services.question_feedback(
            actor=request.user,
            log_id=log_id,
            session=request.session.get(SESSION_KEY, ""),
            feedback=value,
        )
    except ApplicationError as exc:
        message = exc.message
    else:
        transcript = list(request.session.get(TRANSCRIPT_KEY, []))
        for turn in transcript:
            if turn.get("log_id") == log_id:
                turn["feedback"] = value
        request.session[TRANSCRIPT_KEY] = transcript
    if _is_htmx(request):
        return HttpResponse(format_html('<p class="help" role="status">{}</p>', message))
    messages.info(request, message)
    return redirect("assistant:chat")
