"""The audit trail is append-only."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import RequestFactory

import pytest

from congso.core import audit
from congso.core.models import AuditEvent


@pytest.fixture
def event(demo_people):  # type: ignore[no-untyped-def]
    user = demo_people["motcua"]
    return audit.record(
        actor=user, obj=user, action="test", from_state="a", to_state="b", note="lý do"
    )


def test_record_keeps_who_what_and_why(event, demo_people) -> None:  # type: ignore[no-untyped-def]
    assert event.actor == demo_people["motcua"]
    assert event.actor_name == "Lê Thị Hồng"
    assert (event.from_state, event.to_state, event.note) == ("a", "b", "lý do")
    assert list(audit.events_for(demo_people["motcua"])) == [event]


def test_events_cannot_be_changed_or_deleted_through_the_orm(event) -> None:  # type: ignore[no-untyped-def]
    event.note = "sửa"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(note="sửa")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.note == "lý do"


def test_admin_cannot_add_change_or_delete_events(event, demo_people) -> None:  # type: ignore[no-untyped-def]
    model_admin = site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = demo_people["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.get_actions(request) == {}


def test_admin_change_page_is_read_only_and_delete_is_forbidden(client, event, demo_people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(demo_people["admin"])
    response = client.post("/quan-tri/core/auditevent/%d/delete/" % event.pk, {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
