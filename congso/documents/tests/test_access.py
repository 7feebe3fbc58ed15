"""Access gates: outsiders see nothing; secret documents only by assignment (and the clerk)."""

from __future__ import annotations

import pytest

from congso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from congso.documents import selectors, services
from congso.documents.constants import AssignmentRole, Confidentiality
from congso.documents.tests.factories import draft, register_incoming

pytestmark = pytest.mark.django_db


def _visible(user, document) -> bool:  # type: ignore[no-untyped-def]
    try:
        selectors.document_get_for(actor=user, document_id=document.pk)
    except NotFoundError:
        return False
    return True


def test_users_outside_the_agency_cannot_see_its_documents(officers, agency, demo_people):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    assert _visible(officers["vanthu"], document)
    assert _visible(officers["chuyenvientinh"], document)
    for outsider in ("lanhdaosotp", "vanthusotp", "lanhdao", "motcua", "congdan"):
        assert not _visible(demo_people.get(outsider) or officers[outsider], document), outsider
    draft_doc = draft(officers["chuyenvientinh"], agency("ubnd-tinh"))
    assert not _visible(officers["lanhdao"], draft_doc)


def test_assigned_unit_gains_access_to_an_ordinary_document(officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    assert not _visible(officers["lanhdaosotp"], document)
    services.assignment_create(
        actor=officers["lanhdaotinh"],
        document=document,
        role=AssignmentRole.COOPERATE,
        unit=agency("so-tu-phap"),
        deadline_days=5,
    )
    assert _visible(officers["lanhdaosotp"], document)
    assert _visible(officers["vanthusotp"], document)


def test_secret_documents_only_by_assignment_and_the_clerk(officers, agency):
    tinh = agency("ubnd-tinh")
    secret = register_incoming(
        officers["vanthu"],
        tinh,
        confidentiality=Confidentiality.SECRET,
        leader=officers["lanhdaotinh"],
    )
    assert _visible(officers["vanthu"], secret)  # the clerk
    assert _visible(officers["lanhdaotinh"], secret)  # the leader it was submitted to
    assert not _visible(officers["chuyenvientinh"], secret)  # same agency, not assigned
    assert secret not in selectors.inbox(officers["chuyenvientinh"])
    with pytest.raises(ApplicationError, match="cán bộ cụ thể"):
        services.assignment_create(
            actor=officers["lanhdaotinh"],
            document=secret,
            role=AssignmentRole.LEAD,
            unit=agency("vp-ubnd"),
        )
    services.assignment_create(
        actor=officers["lanhdaotinh"],
        document=secret,
        role=AssignmentRole.LEAD,
        user=officers["chuyenvientinh"],
        deadline_days=2,
    )
    assert _visible(officers["chuyenvientinh"], secret)
    assert not _visible(officers["lanhdaosotp"], secret)


def test_secret_document_search_hides_it_from_unassigned_colleagues(officers, agency):
    register_incoming(
        officers["vanthu"],
        agency("ubnd-tinh"),
        summary="Tài liệu mật về quốc phòng",
        confidentiality=Confidentiality.TOP_SECRET,
    )
    filters = selectors.SearchFilters(q="quoc phong")
    assert selectors.document_search(actor=officers["vanthu"], filters=filters).total == 1
    assert selectors.document_search(actor=officers["chuyenvientinh"], filters=filters).total == 0


def test_only_leaders_assign_and_only_assignees_close(officers, agency):
    document = register_incoming(officers["vanthu"], agency("ubnd-tinh"))
    with pytest.raises(PermissionDeniedError):
        services.assignment_create(
            actor=officers["vanthu"],
            document=document,
            role=AssignmentRole.LEAD,
            unit=agency("vp-ubnd"),
        )
    lead = services.assignment_create(
        actor=officers["lanhdaotinh"],
        document=document,
        role=AssignmentRole.LEAD,
        user=officers["chuyenvientinh"],
        deadline_days=3,
    )
    with pytest.raises(PermissionDeniedError):
        services.assignment_close(actor=officers["vanthusotp"], assignment=lead)
    services.opinion_add(
        actor=officers["chuyenvientinh"], assignment=lead, text="Đã tham mưu dự thảo"
    )
    services.assignment_close(actor=officers["chuyenvientinh"], assignment=lead, result="Xong")
    document.refresh_from_db()
    assert document.status == "done"
