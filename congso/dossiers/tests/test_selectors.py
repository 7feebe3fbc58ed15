"""Access gates and queues: who sees which dossier."""

from __future__ import annotations

import pytest

from congso.core.exceptions import NotFoundError
from congso.dossiers import selectors
from congso.dossiers.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_citizens_see_only_their_own(make_dossier, demo_people):
    mine = make_dossier("submitted")
    theirs = make_dossier("submitted", citizen="congdan2")
    assert list(selectors.dossiers_visible_to(demo_people["congdan"])) == [mine]
    with pytest.raises(NotFoundError):
        selectors.dossier_get_for(actor=demo_people["congdan"], code=theirs.code)
    assert selectors.dossier_get_for(actor=demo_people["congdan2"], code=theirs.code) == theirs


def test_officers_see_their_agency_tree_but_not_drafts(make_dossier, demo_people, other_officers):
    submitted = make_dossier("submitted")
    make_dossier("draft")
    assert list(selectors.dossiers_visible_to(demo_people["motcua"])) == [submitted]
    assert list(selectors.dossiers_visible_to(other_officers["leader"])) == []
    with pytest.raises(NotFoundError):
        selectors.dossier_get_for(actor=other_officers["receptionist"], code=submitted.code)


def test_provincial_officer_sees_the_wards_below(make_dossier, demo_people):
    dossier = make_dossier("received")
    vanthu = demo_people["vanthu"]  # clerk at ubnd-tinh: the whole province is below
    assert selectors.dossier_get_for(actor=vanthu, code=dossier.code) == dossier


def test_anonymous_sees_nothing(make_dossier):
    from django.contrib.auth.models import AnonymousUser

    make_dossier("submitted")
    assert selectors.dossiers_visible_to(AnonymousUser()).count() == 0


def test_queues(make_dossier, demo_people):
    submitted = make_dossier("submitted")
    received = make_dossier("received", when=at("2026-03-02", "08:00"))
    waiting = make_dossier("awaiting_approval")
    approved = make_dossier("approved")
    assert list(selectors.queue(demo_people["motcua"], "to_receive")) == [submitted]
    assert list(selectors.queue(demo_people["chuyenvien"], "to_process")) == [received]
    assert list(selectors.queue(demo_people["lanhdao"], "to_approve")) == [waiting]
    assert list(selectors.queue(demo_people["motcua"], "to_return")) == [approved]
    assert list(selectors.queue(demo_people["congdan2"], "to_receive")) == []
    late = selectors.queue(demo_people["chuyenvien"], "late", now=at("2026-03-20", "08:00"))
    assert received in list(late)
    soon = selectors.queue(demo_people["chuyenvien"], "due_soon", now=at("2026-03-05", "15:00"))
    assert set(soon) == {received, waiting}  # both received on 02/03, not late yet
    counts = selectors.queue_counts(demo_people["motcua"])
    assert counts["to_receive"] == 1 and counts["to_return"] == 1


def test_search_by_code_name_id_and_phone(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    officer = demo_people["motcua"]
    assert list(selectors.dossier_search(officer, dossier.code[-4:])) == [dossier]
    assert list(selectors.dossier_search(officer, "Văn An")) == [dossier]
    assert list(selectors.dossier_search(officer, demo_people["congdan"].personal_id)) == [dossier]
    assert list(selectors.dossier_search(officer, "0912 345 678")) == [dossier]
    assert list(selectors.dossier_search(officer, "+84912345678")) == [dossier]
    assert list(selectors.dossier_search(demo_people["congdan2"], dossier.code)) == []


def test_public_lookup_needs_both_code_and_phone_or_id(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    assert selectors.dossier_lookup(code=dossier.code, phone_or_id="0912345678") == dossier
    assert selectors.dossier_lookup(code=dossier.code, phone_or_id="84912345678") == dossier
    pid = demo_people["congdan"].personal_id
    assert selectors.dossier_lookup(code=dossier.code, phone_or_id=pid) == dossier
    assert selectors.dossier_lookup(code=dossier.code, phone_or_id="") is None
    assert selectors.dossier_lookup(code=dossier.code, phone_or_id="0987654321") is None
    assert selectors.dossier_lookup(code="khong-co", phone_or_id="0912345678") is None
    draft = make_dossier("draft")
    assert selectors.dossier_lookup(code=draft.code, phone_or_id="0912345678") is None
