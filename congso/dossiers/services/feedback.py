"""Feedback and petitions (phản ánh, kiến nghị) and their answers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from congso.core import audit
from congso.core.exceptions import ApplicationError
from congso.dossiers.models import Dossier, Feedback
from congso.dossiers.services.base import _atomic, _clean_text, _now


@_atomic
def feedback_create(
    *,
    actor: Any,
    name: str,
    content: str,
    phone: str = "",
    email: str = "",
    dossier: Dossier | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Record feedback or a petition (phản ánh, kiến nghị), about a dossier or in general.

    The caller must have checked access to ``dossier`` (its owner, or the public lookup's code
    and phone pair)."""
    at = _now(now)
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = _clean_text(
        name or (user.get_full_name() if user else ""),
        field="họ tên",
        max_length=150,
        required=True,
    )
    content = _clean_text(content, field="nội dung", max_length=5000, required=True)
    if len(content) < 10:
        raise ApplicationError(
            "Nội dung phản ánh quá ngắn.", {"fields": {"content": ["Tối thiểu 10 ký tự."]}}
        )
    phone = re.sub(r"[\s.\-]", "", phone or (getattr(user, "phone", "") or ""))
    if phone and not re.fullmatch(r"(\+?84|0)\d{9}", phone):
        raise ApplicationError(
            "Số điện thoại không hợp lệ.", {"fields": {"phone": ["Không hợp lệ."]}}
        )
    feedback = Feedback.objects.create(
        dossier=dossier,
        agency=dossier.agency if dossier else None,
        author=user,
        name=name,
        phone=phone,
        email=_clean_text(email, field="thư điện tử", max_length=254),
        content=content,
        created_at=at,
    )
    audit.record(
        actor=actor,
        obj=feedback,
        action="feedback.create",
        agency=feedback.agency,
        data={"dossier": dossier.code if dossier else None, "at": at.isoformat()},
    )
    return feedback


@_atomic
def feedback_answer(
    *, actor: Any, feedback: Feedback, answer: str, now: dt.datetime | None = None
) -> Feedback:
    """Answer a feedback (trả lời phản ánh, kiến nghị); recorded in the audit trail."""
    at = _now(now)
    answer = _clean_text(answer, field="nội dung trả lời", max_length=5000, required=True)
    feedback.answer = answer
    feedback.answered_at = at
    feedback.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.save(update_fields=["answer", "answered_at", "answered_by"])
    audit.record(
        actor=actor,
        obj=feedback,
        action="feedback.answer",
        agency=feedback.agency,
        note=answer[:500],
        data={"at": at.isoformat()},
    )
    return feedback
