"""Use cases of the assistant: answer a question, record feedback on an answer.

One service backs every surface (chat page, widget, API, ``manage.py ask``), so the same
question gets the same answer everywhere.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from congso.assistant import answers, intents
from congso.assistant.answers import Answer, Link
from congso.assistant.models import Feedback, Intent, QuestionLog
from congso.assistant.normalise import normalise
from congso.assistant.retrieval import Candidate, get_index
from congso.core import audit
from congso.core.exceptions import ApplicationError, NotFoundError

MAX_QUESTION_LENGTH = 500
#: How long a conversation remembers its last procedure and a pending dossier code.
SESSION_TTL_SECONDS = 30 * 60
#: Failed dossier look-ups allowed per session and code before the assistant stops trying.
MAX_STATUS_ATTEMPTS = 5
#: Procedures kept with their documents, fees and agencies for answering (per process).
FACTS_CACHE_SIZE = 512


@dataclass
class ProcedureHit:
    code: str
    name: str
    score: float
    url: str


@dataclass
class AskResult:
    """What every surface shows: the intent, the answer text and the procedures behind it."""

    question: str
    intent: str
    aspect: str
    confident: bool
    answer: str
    links: list[Link] = field(default_factory=list)
    procedures: list[ProcedureHit] = field(default_factory=list)
    elapsed_ms: float = 0.0
    session: str = ""
    log_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["elapsed_ms"] = round(self.elapsed_ms, 2)
        return data


def _ctx_key(session: str) -> str:
    return "assistant:ctx:%s" % session


def _load_ctx(session: str) -> dict[str, Any]:
    if not session:
        return {}
    value = cache.get(_ctx_key(session))
    return value if isinstance(value, dict) else {}


def _save_ctx(session: str, ctx: dict[str, Any]) -> None:
    if session:
        cache.set(_ctx_key(session), ctx, SESSION_TTL_SECONDS)


def _procedure_facts(pk: int) -> Any:
    """The procedure with its documents, fees and agencies, cached with the index.

    The cache lives on the index object, so it is dropped whenever the catalog version changes
    and the index is rebuilt; answers never show facts older than the index.
    """
    from congso.catalog.models import Procedure

    index = get_index()
    cache_ = index.facts
    proc = cache_.get(pk)
    if proc is None:
        proc = (
            Procedure.objects.select_related("field")
            # Answers never show these; the online form and legal basis are large JSON.
            .defer(
                "form", "legal_basis", "search_text", "who_may_apply", "conditions", "source_note"
            )
            .prefetch_related("required_documents", "fees", "receiving_agencies")
            .get(pk=pk)
        )
        if len(cache_) >= FACTS_CACHE_SIZE:
            cache_.pop(next(iter(cache_)))
        cache_[pk] = proc
    return proc


def _procedure_by_code(code: str) -> Any | None:
    pk = get_index().pk_by_code.get(code)
    return _procedure_facts(pk) if pk is not None else None


def _hits(cands: list[Candidate]) -> list[ProcedureHit]:
    return [
        ProcedureHit(c.code, c.name, round(c.score, 3), answers.procedure_url(c.code))
        for c in cands
    ]


def _status(code: str, factor: str, session: str, ctx: dict[str, Any]) -> Answer:
    """Dossier status after the applicant's phone/ID check (the public lookup's rule)."""
    if not factor:
        ctx["pending_code"] = code
        return answers.status_need_factor_answer(code)
    attempts_key = "assistant:status:%s:%s" % (session or "-", code)
    attempts = int(cache.get(attempts_key, 0))
    if attempts >= MAX_STATUS_ATTEMPTS:
        return Answer(
            "Bạn đã nhập sai thông tin quá nhiều lần. Vui lòng thử lại sau ít phút hoặc tra cứu "
            "tại trang Tra cứu hồ sơ.",
            [Link("Tra cứu hồ sơ", "/tra-cuu/")],
        )
    try:
        from congso.dossiers.selectors import dossier_lookup
    except ImportError:
        return answers.status_unavailable_answer()
    dossier = dossier_lookup(code=code, phone_or_id=factor)
    ctx.pop("pending_code", None)
    if dossier is None:
        cache.set(attempts_key, attempts + 1, 15 * 60)
        return answers.status_not_found_answer(code)
    return answers.status_answer(dossier)


def _factor(question: str, phone: str) -> str:
    phone = (phone or "").strip()
    if phone:
        return phone
    return intents.extract_phone(question) or intents.extract_personal_id(question)


def answer_question(
    *,
    question: str,
    session: str = "",
    phone: str = "",
    context_code: str = "",
) -> tuple[AskResult, dict[str, Any]]:
    """Understand and answer one question (no logging); returns the result and log details."""
    started = time.perf_counter()
    text = (question or "").strip()[:MAX_QUESTION_LENGTH]
    ctx = _load_ctx(session)
    details: dict[str, Any] = {"normalised": "", "top_score": 0.0}
    result = AskResult(
        question=text,
        intent=Intent.EMPTY,
        aspect="",
        confident=True,
        answer=answers.EMPTY_TEXT,
        session=session,
    )

    def finish(answer: Answer) -> tuple[AskResult, dict[str, Any]]:
        result.answer = answer.text
        result.links = answer.links
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        _save_ctx(session, ctx)
        return result, details

    if not text:
        return finish(Answer(answers.EMPTY_TEXT))

    codes = intents.extract_dossier_codes(text)
    factor = _factor(text, phone)
    if codes or (ctx.get("pending_code") and factor):
        result.intent = Intent.STATUS
        return finish(_status(codes[0] if codes else ctx["pending_code"], factor, session, ctx))

    norm = normalise(text)
    details["normalised"] = norm.folded_text
    talk = intents.small_talk(norm)
    if talk:
        result.intent = Intent.GREETING if talk == "greeting" else Intent.THANKS
        return finish(Answer(answers.GREETING_TEXT if talk == "greeting" else answers.THANKS_TEXT))

    aspect = intents.detect_aspect(norm)
    retrieval = get_index().search(norm, limit=3)
    decision = intents.decide(retrieval)
    details["top_score"] = retrieval.top.score if retrieval.top else 0.0
    if intents.is_status_question(norm) and decision.kind != "answer":
        result.intent = Intent.STATUS
        return finish(answers.status_need_code_answer())

    context = context_code or ctx.get("procedure", "")
    result.aspect = aspect
    if decision.kind == "decline":
        if context and aspect != "general":
            # A follow-up ("lệ phí bao nhiêu?") about the procedure being discussed.
            proc = _procedure_by_code(context)
            if proc is not None:
                result.intent = Intent.PROCEDURE
                result.procedures = [
                    ProcedureHit(proc.code, proc.name, 0.0, answers.procedure_url(proc.code))
                ]
                return finish(answers.procedure_answer(proc, aspect))
        result.intent = Intent.OUT_OF_SCOPE
        result.confident = False
        return finish(answers.decline_answer(get_index().popular(3)))

    result.intent = Intent.PROCEDURE
    result.procedures = _hits(retrieval.candidates)
    cands = retrieval.candidates
    in_context = next((c for c in retrieval.candidates if c.code == context), None)
    if decision.kind == "clarify" and in_context is None:
        result.confident = False
        return finish(answers.candidates_answer(cands, aspect))
    chosen = in_context if decision.kind != "answer" and in_context else cands[0]
    proc = _procedure_facts(chosen.pk)
    ctx["procedure"] = proc.code
    answer = answers.procedure_answer(proc, aspect)
    if decision.kind == "tentative" and in_context is None:
        result.confident = False
        answer = answers.with_alternatives(answer, [c for c in cands if c is not chosen])
    return finish(answer)


def assistant_ask(
    *,
    actor: Any = None,
    question: str,
    session: str = "",
    phone: str = "",
    context_code: str = "",
    channel: str = "web",
    log: bool = True,
) -> AskResult:
    """Answer a citizen's question and keep an anonymised record of it.

    ``session`` ties follow-up questions together (last procedure, a dossier code waiting for
    the phone check); a new one is issued when empty. ``phone`` is the applicant's phone or ID
    number for a status question (the API's separate field); it is never stored.
    """
    session = (session or "").strip()[:64] or uuid.uuid4().hex
    result, details = answer_question(
        question=question, session=session, phone=phone, context_code=context_code
    )
    if log and result.intent != Intent.EMPTY:
        entry = QuestionLog.objects.create(
            session=session,
            channel=channel[:20],
            question=intents.anonymise(result.question),
            normalised=intents.anonymise(details["normalised"]),
            intent=result.intent,
            aspect=result.aspect,
            top_codes=[p.code for p in result.procedures],
            top_score=details["top_score"],
            answered=result.intent
            in (Intent.PROCEDURE, Intent.STATUS, Intent.GREETING, Intent.THANKS)
            and result.confident,
            elapsed_ms=result.elapsed_ms,
        )
        result.log_id = entry.pk
    return result


@transaction.atomic
def question_feedback(
    *, actor: Any = None, log_id: int, session: str, feedback: str, note: str = ""
) -> QuestionLog:
    """Mark an answer as unhelpful ("no answer"/"wrong answer") or helpful.

    Only the conversation that asked the question may rate it (the session id is the proof);
    anything else is "not found" so that log ids cannot be probed.
    """
    if feedback not in {Feedback.HELPFUL, Feedback.NO_ANSWER, Feedback.WRONG_ANSWER}:
        raise ApplicationError("Phản hồi không hợp lệ.", {"fields": {"feedback": ["invalid"]}})
    entry = QuestionLog.objects.select_for_update().filter(pk=log_id, session=session).first()
    if entry is None or not session:
        raise NotFoundError("Không tìm thấy câu hỏi.")
    previous = entry.feedback
    entry.feedback = feedback
    entry.feedback_at = timezone.now()
    entry.feedback_note = intents.anonymise(note or "")[:500]
    entry.save(update_fields=["feedback", "feedback_at", "feedback_note"])
    audit.record(
        actor=actor,
        obj=entry,
        action="assistant_feedback",
        from_state=previous,
        to_state=feedback,
        note=entry.feedback_note,
    )
    return entry
