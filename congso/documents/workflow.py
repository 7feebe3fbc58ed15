"""The outgoing and incoming document workflows as data, with one guard.

Outgoing (Decree 30, art. 14–19): the drafter submits a draft, a leader approves (or returns it),
the clerk issues it — the number is allocated at that moment and never before — the leader and
the agency sign it digitally, and the clerk sends it. Incoming (art. 20–24): registered by the
clerk, assigned by a leader, processed by the assignees, done when the lead unit closes its part.
"""

from __future__ import annotations

from dataclasses import dataclass

from congso.agencies.models import Role
from congso.documents.constants import DocumentStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]


#: action → transition. ``roles`` are agency roles the actor must hold in the document's agency.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            "Trình lãnh đạo duyệt",
            (S.DRAFT,),
            S.SUBMITTED,
            (Role.SPECIALIST, Role.CLERK, Role.LEADER),
        ),
        Transition("approve", "Duyệt", (S.SUBMITTED,), S.APPROVED, (Role.LEADER,)),
        Transition("return", "Trả lại để sửa", (S.SUBMITTED,), S.DRAFT, (Role.LEADER,)),
        Transition("issue", "Cấp số, phát hành", (S.APPROVED,), S.ISSUED, (Role.CLERK,)),
        Transition("sign", "Ký số", (S.ISSUED,), S.SIGNED, (Role.LEADER, Role.CLERK)),
        Transition("send", "Gửi văn bản", (S.SIGNED,), S.SENT, (Role.CLERK,)),
    ]
}

OUTGOING_ACTIONS = ("submit", "approve", "return", "issue", "send")


def can_transition(status: str, action: str, roles: set[str]) -> bool:
    """Whether an actor holding ``roles`` in the document's agency may do ``action`` now."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return False
    return status in transition.sources and bool(roles & set(transition.roles))


def available_actions(status: str, roles: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if can_transition(status, t.action, roles)]
