"""Assignments: roles, working-day deadlines, overdue flags."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from congso.core.exceptions import ConflictError
from congso.core.workdays import add_working_days_to_date
from congso.documents import selectors, services
from congso.documents.constants import AssignmentRole, DocumentStatus
from congso.documents.tests.factories import register_incoming

pytestmark = pytest.mark.django_db


def test_deadline_counts_working_days_and_one_lead_only(officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    lead = services.assignment_create(
        actor=officers["lanhdaotinh"],
        document=document,
        role=AssignmentRole.LEAD,
        unit=agency("vp-ubnd"),
        deadline_days=5,
        instruction="Chủ trì tham mưu",
    )
    assert lead.deadline == add_working_days_to_date(services._today(), 5)
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    with pytest.raises(ConflictError):
        services.assignment_create(
            actor=officers["lanhdaotinh"],
            document=document,
            role=AssignmentRole.LEAD,
            unit=agency("so-tu-phap"),
        )
    inform = services.assignment_create(
        actor=officers["lanhdaotinh"],
        document=document,
        role=AssignmentRole.INFORM,
        unit=agency("so-noi-vu"),
        deadline_days=5,
    )
    assert inform.deadline is None  # for information only: nothing to be late for


def test_overdue_assignments_are_flagged_and_listed(officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    late = services.assignment_create(
        actor=officers["lanhdaotinh"],
        document=document,
        role=AssignmentRole.LEAD,
        user=officers["chuyenvientinh"],
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    assert late.is_overdue
    assert list(selectors.overdue_assignments(officers["chuyenvientinh"])) == [late]
    assert list(selectors.overdue_assignments(officers["lanhdaotinh"])) == [late]
    assert list(selectors.assignments_for(officers["chuyenvientinh"])) == [late]
    services.assignment_close(actor=officers["chuyenvientinh"], assignment=late, result="Đã xong")
    late.refresh_from_db()
    assert not late.is_overdue
    assert list(selectors.overdue_assignments(officers["chuyenvientinh"])) == []
