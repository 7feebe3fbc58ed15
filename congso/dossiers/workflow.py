"""The dossier state machine: the transition table and the one guard every service calls.

Roles are relative to the dossier:

* ``applicant`` — the account that owns the dossier;
* ``receptionist`` — a one-stop officer of the receiving agency (or of the handling agency): receives,
  asks for a supplement before receipt, refuses at receipt, takes payment, returns the result, and
  records a walk-in applicant's supplement or withdrawal at the counter;
* ``specialist`` — an officer of the handling (competent) agency: takes the dossier up, asks for a
  supplement, refuses with a legal reason, forwards a draft result, issues the apology letter;
* ``leader`` — a leader of the handling agency: approves with the result or sends it back.

Decree 118/2025 lets any one-stop desk of the province receive a dossier regardless of the
administrative boundary, so the receiving agency may differ from the handling one.

Design choice: ``receive`` leaves the dossier in ``received`` (the receipt is issued and the clock
runs); the specialist's ``start`` moves it to ``in_progress`` and makes them the handler. The
two steps are separate hand-overs on the processing control sheet (phiếu kiểm soát).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from congso.core.exceptions import ConflictError, PermissionDeniedError
from congso.dossiers.constants import Action, Status

if TYPE_CHECKING:
    from congso.dossiers.models import Dossier

APPLICANT = "applicant"
RECEPTIONIST = "receptionist"
SPECIALIST = "specialist"
LEADER = "leader"

_BEFORE_DECISION = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_APPROVAL,
)
_UNPAID_WINDOW = (*_BEFORE_DECISION, Status.APPROVED)


@dataclass(frozen=True)
class Transition:
    """An action: which roles may take it from which states, and the state it leads to.

    ``target`` None keeps the status (payment, rating, apology); ``"<resume>"`` returns to the
    status the dossier had when the supplement was requested.
    """

    action: str
    roles: dict[str, tuple[str, ...]]
    target: str | None
    label: str = ""
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        merged: list[str] = []
        for states in self.roles.values():
            merged.extend(s for s in states if s not in merged)
        object.__setattr__(self, "sources", tuple(merged))


RESUME = "<resume>"

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            Action.SUBMIT,
            {APPLICANT: (Status.DRAFT,), RECEPTIONIST: (Status.DRAFT,)},
            Status.SUBMITTED,
        ),
        Transition(Action.RECEIVE, {RECEPTIONIST: (Status.SUBMITTED,)}, Status.RECEIVED),
        Transition(Action.START, {SPECIALIST: (Status.RECEIVED,)}, Status.IN_PROGRESS),
        Transition(
            Action.REQUEST_SUPPLEMENT,
            {
                RECEPTIONIST: (Status.SUBMITTED, Status.RECEIVED),
                SPECIALIST: (Status.RECEIVED, Status.IN_PROGRESS),
            },
            Status.AWAITING_SUPPLEMENT,
        ),
        Transition(
            Action.SUPPLEMENT,
            {APPLICANT: (Status.AWAITING_SUPPLEMENT,), RECEPTIONIST: (Status.AWAITING_SUPPLEMENT,)},
            RESUME,
        ),
        Transition(
            Action.REJECT,
            {
                RECEPTIONIST: (Status.SUBMITTED,),
                SPECIALIST: (Status.RECEIVED, Status.IN_PROGRESS),
            },
            Status.REJECTED,
        ),
        Transition(Action.FORWARD, {SPECIALIST: (Status.IN_PROGRESS,)}, Status.AWAITING_APPROVAL),
        Transition(Action.SEND_BACK, {LEADER: (Status.AWAITING_APPROVAL,)}, Status.IN_PROGRESS),
        Transition(Action.APPROVE, {LEADER: (Status.AWAITING_APPROVAL,)}, Status.APPROVED),
        Transition(
            Action.RETURN_RESULT,
            {RECEPTIONIST: (Status.APPROVED, Status.REJECTED)},
            Status.RETURNED,
        ),
        Transition(
            Action.WITHDRAW,
            {APPLICANT: (Status.DRAFT, *_BEFORE_DECISION), RECEPTIONIST: _BEFORE_DECISION},
            Status.WITHDRAWN,
        ),
        Transition(
            Action.ISSUE_APOLOGY,
            {
                SPECIALIST: (Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_APPROVAL),
                LEADER: (Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_APPROVAL),
            },
            None,
        ),
        Transition(Action.MARK_PAID, {RECEPTIONIST: _UNPAID_WINDOW}, None),
        Transition(Action.RATE, {APPLICANT: (Status.RETURNED,)}, None),
    ]
}

for _t in TRANSITIONS.values():
    object.__setattr__(_t, "label", str(Action(_t.action).label))

#: Vietnamese messages for a state that does not allow the action.
_STATE_MESSAGES: dict[str, str] = {
    Action.SUBMIT: "Chỉ nộp được hồ sơ đang ở trạng thái nháp.",
    Action.RECEIVE: "Hồ sơ không ở trạng thái chờ tiếp nhận (có thể đã được cán bộ khác tiếp nhận).",
    Action.START: "Chỉ nhận xử lý được hồ sơ vừa được tiếp nhận.",
    Action.REQUEST_SUPPLEMENT: "Trạng thái hiện tại của hồ sơ không cho phép yêu cầu bổ sung.",
    Action.SUPPLEMENT: "Hồ sơ không ở trạng thái chờ bổ sung.",
    Action.REJECT: "Trạng thái hiện tại của hồ sơ không cho phép từ chối.",
    Action.FORWARD: "Chỉ trình phê duyệt được hồ sơ đang giải quyết.",
    Action.SEND_BACK: "Hồ sơ không ở trạng thái chờ phê duyệt.",
    Action.APPROVE: "Hồ sơ không ở trạng thái chờ phê duyệt.",
    Action.RETURN_RESULT: "Hồ sơ chưa có kết quả hoặc đã trả kết quả.",
    Action.WITHDRAW: "Không rút được hồ sơ đã có kết quả, đã trả hoặc đã rút.",
    Action.ISSUE_APOLOGY: "Chỉ hồ sơ đang giải quyết mới có văn bản xin lỗi, hẹn lại.",
    Action.MARK_PAID: "Trạng thái hiện tại của hồ sơ không cho phép thu phí.",
    Action.RATE: "Chỉ đánh giá được sau khi đã nhận kết quả.",
}

_ROLE_MESSAGES: dict[str, str] = {
    APPLICANT: "Chỉ người nộp hồ sơ mới thực hiện được thao tác này.",
    RECEPTIONIST: "Chỉ cán bộ Bộ phận Một cửa nơi tiếp nhận hồ sơ mới thực hiện được thao tác này.",
    SPECIALIST: "Chỉ chuyên viên của cơ quan giải quyết hồ sơ mới thực hiện được thao tác này.",
    LEADER: "Chỉ lãnh đạo cơ quan giải quyết hồ sơ mới thực hiện được thao tác này.",
}


# ---------------------------------------------------------------- roles of an actor on a dossier
def _memberships(actor: Any) -> frozenset[tuple[int, str]]:
    """(agency id, role) pairs of ``actor``, cached on the user object for the request."""
    cached = getattr(actor, "_dossier_memberships", None)
    if cached is None:
        from congso.agencies.models import Membership

        cached = frozenset(Membership.objects.filter(user=actor).values_list("agency_id", "role"))
        actor._dossier_memberships = cached
    return cached


def actor_roles(actor: Any, dossier: Dossier) -> set[str]:
    """The workflow roles ``actor`` holds on ``dossier`` (may be empty)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    roles: set[str] = set()
    if dossier.applicant_id is not None and dossier.applicant_id == actor.pk:
        roles.add(APPLICANT)
    pairs = _memberships(actor)
    if not pairs:
        return roles
    if (dossier.receiving_agency_id, RECEPTIONIST) in pairs or (
        dossier.agency_id,
        RECEPTIONIST,
    ) in pairs:
        roles.add(RECEPTIONIST)
    if (dossier.agency_id, SPECIALIST) in pairs:
        roles.add(SPECIALIST)
    if (dossier.agency_id, LEADER) in pairs:
        roles.add(LEADER)
    return roles


# ---------------------------------------------------------------- the guard
def _extra_conflict(action: str, dossier: Dossier, roles: set[str]) -> str | None:
    """Rules beyond the table (once-only actions, unpaid fees); a message or None."""
    if action == Action.REQUEST_SUPPLEMENT:
        if (
            dossier.received_at is not None
            and dossier.supplement_requests.filter(after_receipt=True).exists()
        ):
            return (
                "Hồ sơ đã được yêu cầu bổ sung một lần sau khi tiếp nhận; theo quy định chỉ "
                "yêu cầu bổ sung một lần, nêu đầy đủ các nội dung cần bổ sung."
            )
        if (
            dossier.received_at is None
            and dossier.supplement_requests.filter(after_receipt=False).exists()
        ):
            return "Hồ sơ đã được hướng dẫn bổ sung một lần trước khi tiếp nhận."
    # hasattr() is False when the reverse one-to-one row does not exist.
    if action == Action.ISSUE_APOLOGY and hasattr(dossier, "apology_letter"):
        return "Hồ sơ đã có văn bản xin lỗi, hẹn lại ngày trả; chỉ được hẹn lại một lần."
    if action == Action.MARK_PAID and dossier.is_paid:
        return "Hồ sơ không có phí phải nộp hoặc đã nộp phí."
    if action == Action.RETURN_RESULT and dossier.status == Status.APPROVED and not dossier.is_paid:
        return "Người nộp chưa nộp phí, lệ phí; cần thu phí trước khi trả kết quả."
    if action == Action.RATE and hasattr(dossier, "rating"):
        return "Hồ sơ đã được đánh giá."
    return None


def check(actor: Any, dossier: Dossier, action: str) -> str:
    """Raise unless ``actor`` may take ``action`` on ``dossier`` now; return the role used.

    PermissionDeniedError (403) when no role of the actor allows the action in any state;
    ConflictError (409) when a role allows it but not from the current state.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ConflictError("Thao tác không hợp lệ: %s." % action, {"action": action})
    roles = actor_roles(actor, dossier)
    permitted = [r for r in transition.roles if r in roles]
    if not permitted:
        first = next(iter(transition.roles))
        raise PermissionDeniedError(_ROLE_MESSAGES[first], {"action": action})
    for role in permitted:
        if dossier.status in transition.roles[role]:
            message = _extra_conflict(action, dossier, roles)
            if message:
                raise ConflictError(message, {"action": action, "status": dossier.status})
            return role
    raise ConflictError(
        "%s (Trạng thái hiện tại: %s.)" % (_STATE_MESSAGES[action], dossier.get_status_display()),
        {"action": action, "status": dossier.status},
    )


def can(actor: Any, dossier: Dossier, action: str) -> bool:
    try:
        check(actor, dossier, action)
    except (PermissionDeniedError, ConflictError):
        return False
    return True


def allowed_actions(actor: Any, dossier: Dossier) -> list[str]:
    """The actions ``actor`` may take on ``dossier`` now, in the table's order."""
    roles = actor_roles(actor, dossier)
    if not roles:
        return []
    result = []
    for action, transition in TRANSITIONS.items():
        if any(r in roles and dossier.status in s for r, s in transition.roles.items()) and (
            _extra_conflict(action, dossier, roles) is None
        ):
            result.append(action)
    return result


def can_transition(from_status: str, action: str) -> bool:
    """Whether the table has ``action`` from ``from_status`` for some role."""
    transition = TRANSITIONS.get(action)
    return transition is not None and from_status in transition.sources
