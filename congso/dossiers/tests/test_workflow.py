"""The transition table and the guard: who may do what from which state."""

from __future__ import annotations

import pytest

from congso.dossiers import workflow
from congso.dossiers.constants import Action, Status

pytestmark = pytest.mark.django_db

# action: {role: states it may be taken from}
EXPECTED = {
    "submit": {"applicant": {"draft"}, "receptionist": {"draft"}},
    "receive": {"receptionist": {"submitted"}},
    "start": {"specialist": {"received"}},
    "request_supplement": {
        "receptionist": {"submitted", "received"},
        "specialist": {"received", "in_progress"},
    },
    "supplement": {"applicant": {"awaiting_supplement"}, "receptionist": {"awaiting_supplement"}},
    "reject": {"receptionist": {"submitted"}, "specialist": {"received", "in_progress"}},
    "forward": {"specialist": {"in_progress"}},
    "send_back": {"leader": {"awaiting_approval"}},
    "approve": {"leader": {"awaiting_approval"}},
    "return_result": {"receptionist": {"approved", "rejected"}},
    "withdraw": {
        "applicant": {
            "draft",
            "submitted",
            "received",
            "in_progress",
            "awaiting_supplement",
            "awaiting_approval",
        },
        "receptionist": {
            "submitted",
            "received",
            "in_progress",
            "awaiting_supplement",
            "awaiting_approval",
        },
    },
    "issue_apology": {
        "specialist": {"received", "in_progress", "awaiting_approval"},
        "leader": {"received", "in_progress", "awaiting_approval"},
    },
    "mark_paid": {
        "receptionist": {
            "submitted",
            "received",
            "in_progress",
            "awaiting_supplement",
            "awaiting_approval",
            "approved",
        }
    },
    "rate": {"applicant": {"returned"}},
}


def test_transition_table_is_exactly_the_documented_one():
    table = {
        action: {role: set(states) for role, states in t.roles.items()}
        for action, t in workflow.TRANSITIONS.items()
    }
    assert table == EXPECTED


def test_every_action_has_a_label_and_a_state_message():
    for action, transition in workflow.TRANSITIONS.items():
        assert transition.label == Action(action).label
        assert workflow._STATE_MESSAGES[action]


def test_no_action_leaves_a_final_state_except_rating():
    for action, transition in workflow.TRANSITIONS.items():
        for final in (Status.WITHDRAWN,):
            assert final not in transition.sources, action
        if action != "rate":
            assert Status.RETURNED not in transition.sources, action


def test_can_transition():
    assert workflow.can_transition("submitted", "receive")
    assert not workflow.can_transition("draft", "receive")
    assert not workflow.can_transition("received", "nonsense")


@pytest.mark.parametrize(
    ("username", "stage", "expected"),
    [
        ("congdan", "draft", ["submit", "withdraw"]),
        ("motcua", "submitted", ["receive", "request_supplement", "reject", "withdraw"]),
        ("congdan", "submitted", ["withdraw"]),
        ("chuyenvien", "received", ["start", "request_supplement", "reject", "issue_apology"]),
        ("motcua", "received", ["request_supplement", "withdraw"]),
        ("chuyenvien", "in_progress", ["request_supplement", "reject", "forward", "issue_apology"]),
        ("lanhdao", "awaiting_approval", ["send_back", "approve", "issue_apology"]),
        ("motcua", "approved", ["return_result"]),
        ("congdan", "returned", ["rate"]),
        ("congdan2", "submitted", []),
        ("lanhdao", "submitted", []),
    ],
)
def test_allowed_actions_per_role_and_state(make_dossier, demo_people, username, stage, expected):
    dossier = make_dossier(stage)
    assert workflow.allowed_actions(demo_people[username], dossier) == expected


def test_allowed_actions_match_the_guard(make_dossier, demo_people):
    dossier = make_dossier("in_progress")
    for username in ("congdan", "motcua", "chuyenvien", "lanhdao", "congdan2"):
        user = demo_people[username]
        allowed = set(workflow.allowed_actions(user, dossier))
        for action in workflow.TRANSITIONS:
            assert workflow.can(user, dossier, action) == (action in allowed), (username, action)
