"""Dossier services: the lifecycle, the deadline rules, and every denied path changing nothing."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from congso.core import workdays
from congso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from congso.core.models import AuditEvent
from congso.dossiers import services
from congso.dossiers.constants import Status
from congso.dossiers.models import Dossier, DossierAttachment, Rating
from congso.dossiers.tests.conftest import FORM, PDF_BYTES, at, pdf_upload, snapshot

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- lifecycle
def test_full_lifecycle_records_a_step_and_audit_event_per_action(make_dossier, demo_people):
    dossier = make_dossier("returned")
    assert dossier.status == Status.RETURNED
    actions = list(dossier.steps.values_list("action", flat=True))
    assert actions == [
        "create",
        "submit",
        "receive",
        "start",
        "forward",
        "approve",
        "return_result",
    ]
    audit_actions = list(
        AuditEvent.objects.for_object(dossier)
        .filter(action__startswith="dossier.")
        .values_list("action", flat=True)
    )
    assert audit_actions.count("dossier.attach") == 2
    assert "dossier.receive" in audit_actions and "dossier.approve" in audit_actions
    assert dossier.received_by == demo_people["motcua"]
    assert dossier.finished_at is not None and dossier.returned_at is not None
    assert dossier.result_digitised is False
    assert dossier.is_late_flag is False


def test_code_follows_the_national_template_and_sequence_per_agency(make_dossier):
    first = make_dossier("draft", when=at("2026-11-25", "08:00"))
    second = make_dossier("draft", when=at("2026-11-25", "08:05"))
    assert first.code == "000.21.30.H30-261125-0001"
    assert second.code == "000.21.30.H30-261125-0002"
    assert first.rule_set == "118/2025"


def test_rule_set_before_decree_118_is_61_2018(make_dossier):
    dossier = make_dossier("received", when=at("2025-06-20", "08:00"))
    assert dossier.rule_set == "61/2018"


def test_receive_assigns_a_specialist_of_the_handling_agency(make_dossier, demo_people):
    dossier = make_dossier("received")
    assert dossier.current_handler == demo_people["chuyenvien"]


def test_province_procedure_received_at_centre_is_handled_by_the_competent_department(
    make_dossier,
):
    dossier = make_dossier("approved", procedure="province")
    assert dossier.receiving_agency.slug == "ttpvhcc"
    assert dossier.agency.slug == "so-xay-dung"
    assert dossier.code.startswith("000.00.06.H30-")


def test_walk_in_dossier_at_any_desk_is_routed_by_competence(procs, demo_people):
    """Decree 118/2025: a desk receives regardless of boundary; the competent agency decides."""
    from congso.agencies.models import Agency

    motcua = demo_people["motcua"]
    dossier = services.dossier_create(
        actor=motcua,
        procedure=procs["province"],
        applicant={"name": "Trần Văn Bình", "personal_id": "093095009999", "phone": "0911222333"},
        form_data=FORM,
        channel="counter",
        agency=Agency.objects.get(slug="so-xay-dung"),
    )
    assert dossier.status == Status.SUBMITTED
    assert dossier.channel == "counter"
    assert dossier.receiving_agency.slug == "phuong-vi-thanh"
    assert dossier.agency.slug == "so-xay-dung"
    dossier = services.dossier_receive(actor=motcua, dossier=dossier)
    assert dossier.status == Status.RECEIVED


def test_walk_in_dossier_links_the_applicants_own_account(procs, demo_people):
    dossier = services.dossier_create(
        actor=demo_people["motcua"],
        procedure=procs["days"],
        applicant={"name": "Nguyễn Văn An", "personal_id": demo_people["congdan"].personal_id},
        form_data=FORM,
    )
    assert dossier.applicant == demo_people["congdan"]


def test_officer_cannot_create_an_online_dossier(procs, demo_people):
    with pytest.raises(PermissionDeniedError):
        services.dossier_create(
            actor=demo_people["chuyenvien"],
            procedure=procs["days"],
            applicant={"name": "Ai đó", "phone": "0912000111"},
            form_data=FORM,
            channel="online",
        )
    assert Dossier.objects.count() == 0


def test_walk_in_requires_an_identifier(procs, demo_people):
    with pytest.raises(ApplicationError) as error:
        services.dossier_create(
            actor=demo_people["motcua"],
            procedure=procs["days"],
            applicant={"name": "Người không tên"},
            form_data=FORM,
        )
    assert "định danh" in error.value.message
    assert Dossier.objects.count() == 0


def test_citizen_cannot_create_a_counter_dossier(procs, demo_people):
    with pytest.raises(PermissionDeniedError):
        services.dossier_create(
            actor=demo_people["congdan"], procedure=procs["days"], form_data=FORM, channel="counter"
        )


def test_submit_requires_complete_form_and_mandatory_documents(procs, demo_people):
    citizen = demo_people["congdan"]
    dossier = services.dossier_create(
        actor=citizen, procedure=procs["days"], form_data={"ho_ten_tre": "Hân"}
    )
    with pytest.raises(ApplicationError) as error:
        services.dossier_submit(actor=citizen, dossier=dossier)
    assert "Ngày sinh" in error.value.message
    dossier = services.dossier_update_draft(actor=citizen, dossier=dossier, form_data=FORM)
    with pytest.raises(ApplicationError) as error:
        services.dossier_submit(actor=citizen, dossier=dossier)
    assert "Giấy chứng sinh" in error.value.message
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DRAFT


def test_form_validation_reports_every_field(procs, demo_people):
    with pytest.raises(ApplicationError) as error:
        services.dossier_create(
            actor=demo_people["motcua"],
            procedure=procs["days"],
            applicant={"name": "Lê Văn C", "phone": "0912000111"},
            form_data={"ngay_sinh": "31/02/2026", "gioi_tinh": "Khác"},
        )
    fields = error.value.extra["fields"]
    assert set(fields) == {"ho_ten_tre", "ngay_sinh", "gioi_tinh"}


# ---------------------------------------------------------------- denied paths change nothing
def _assert_denied(exc_type, call, dossier):  # type: ignore[no-untyped-def]
    before = snapshot(dossier)
    with pytest.raises(exc_type) as error:
        call()
    assert error.value.message  # a Vietnamese message for the user
    assert snapshot(dossier) == before
    return error.value


def test_citizen_cannot_receive(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    error = _assert_denied(
        PermissionDeniedError,
        lambda: services.dossier_receive(actor=demo_people["congdan"], dossier=dossier),
        dossier,
    )
    assert "một cửa" in error.message.lower()


def test_officer_of_another_agency_cannot_act(make_dossier, other_officers):
    dossier = make_dossier("submitted")
    _assert_denied(
        PermissionDeniedError,
        lambda: services.dossier_receive(actor=other_officers["receptionist"], dossier=dossier),
        dossier,
    )
    dossier = make_dossier("in_progress")
    _assert_denied(
        PermissionDeniedError,
        lambda: services.dossier_forward(actor=other_officers["specialist"], dossier=dossier),
        dossier,
    )


def test_receiving_twice_is_a_conflict(make_dossier, demo_people):
    dossier = make_dossier("received")
    error = _assert_denied(
        ConflictError,
        lambda: services.dossier_receive(actor=demo_people["motcua"], dossier=dossier),
        dossier,
    )
    assert "tiếp nhận" in error.message


def test_specialist_cannot_approve_and_leader_cannot_forward(make_dossier, demo_people):
    dossier = make_dossier("awaiting_approval")
    _assert_denied(
        PermissionDeniedError,
        lambda: services.dossier_approve(actor=demo_people["chuyenvien"], dossier=dossier),
        dossier,
    )
    _assert_denied(
        PermissionDeniedError,
        lambda: services.dossier_forward(actor=demo_people["lanhdao"], dossier=dossier),
        dossier,
    )


def test_approve_before_forward_is_a_conflict(make_dossier, demo_people):
    dossier = make_dossier("in_progress")
    _assert_denied(
        ConflictError,
        lambda: services.dossier_approve(actor=demo_people["lanhdao"], dossier=dossier),
        dossier,
    )


def test_withdraw_after_approval_is_a_conflict(make_dossier, demo_people):
    dossier = make_dossier("approved")
    _assert_denied(
        ConflictError,
        lambda: services.dossier_withdraw(actor=demo_people["congdan"], dossier=dossier),
        dossier,
    )


def test_another_citizen_cannot_withdraw(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    _assert_denied(
        PermissionDeniedError,
        lambda: services.dossier_withdraw(actor=demo_people["congdan2"], dossier=dossier),
        dossier,
    )


def test_reject_requires_a_reason_and_changes_nothing_without_it(make_dossier, demo_people):
    dossier = make_dossier("in_progress")
    _assert_denied(
        ApplicationError,
        lambda: services.dossier_reject(
            actor=demo_people["chuyenvien"], dossier=dossier, reason=""
        ),
        dossier,
    )
    dossier = services.dossier_reject(
        actor=demo_people["chuyenvien"],
        dossier=dossier,
        reason="Không thuộc thẩm quyền theo Điều 13 Luật Hộ tịch 2014",
        now=at("2026-03-02", "10:00"),
    )
    assert dossier.status == Status.REJECTED
    assert dossier.finished_at == at("2026-03-02", "10:00")


def test_rating_only_after_return_and_only_once(make_dossier, demo_people):
    citizen = demo_people["congdan"]
    dossier = make_dossier("approved")
    _assert_denied(
        ConflictError,
        lambda: services.dossier_rate(actor=citizen, dossier=dossier, score=5),
        dossier,
    )
    services.dossier_return_result(actor=demo_people["motcua"], dossier=dossier)
    rating = services.dossier_rate(
        actor=citizen,
        dossier=dossier,
        score=4,
        comment="Nhanh, cán bộ nhiệt tình",
        criteria={"attitude": 5, "timeliness": 4},
    )
    assert rating.satisfied is True and rating.attitude == 5
    _assert_denied(
        ConflictError,
        lambda: services.dossier_rate(actor=citizen, dossier=dossier, score=1),
        dossier,
    )
    with pytest.raises(ApplicationError):
        services.dossier_rate(actor=citizen, dossier=dossier, score=9)
    assert Rating.objects.count() == 1


def test_send_back_returns_the_dossier_to_the_forwarding_specialist(make_dossier, demo_people):
    dossier = make_dossier("awaiting_approval")
    assert dossier.current_handler == demo_people["lanhdao"]
    dossier = services.dossier_send_back(
        actor=demo_people["lanhdao"], dossier=dossier, note="Bổ sung căn cứ"
    )
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.current_handler == demo_people["chuyenvien"]


def test_return_requires_the_fee_to_be_paid(make_dossier, demo_people):
    dossier = make_dossier("approved", procedure="hours")
    assert dossier.fee_amount == 2000
    _assert_denied(
        ConflictError,
        lambda: services.dossier_return_result(actor=demo_people["motcua"], dossier=dossier),
        dossier,
    )
    services.dossier_mark_paid(
        actor=demo_people["motcua"], dossier=dossier, method="counter", reference="BL-0001"
    )
    dossier = services.dossier_return_result(actor=demo_people["motcua"], dossier=dossier)
    assert dossier.status == Status.RETURNED
    assert dossier.payment_method == "counter"


def test_perform_dispatches_by_action_name(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    dossier = services.dossier_perform(
        actor=demo_people["motcua"], dossier=dossier, action="receive", note="Đủ", ignored=1
    )
    assert dossier.status == Status.RECEIVED
    with pytest.raises(ApplicationError):
        services.dossier_perform(actor=demo_people["motcua"], dossier=dossier, action="explode")


# ---------------------------------------------------------------- deadlines
def test_receipt_on_13_02_2026_skips_tet(make_dossier):
    """13/02/2026 is the Friday before Tết Bính Ngọ (holidays 16–20/02/2026 with the weekend)."""
    received = at("2026-02-13", "09:00")
    dossier = make_dossier("received", when=received - dt.timedelta(minutes=30))
    expected_day = workdays.add_working_days_to_date(dt.date(2026, 2, 13), 3)
    assert dossier.due_at == workdays.due_at(received, 3, "working_days")
    local_due = dossier.due_at.astimezone(workdays.tz())
    assert local_due.date() == expected_day
    assert expected_day >= dt.date(2026, 2, 24)  # Tết days are not counted
    assert local_due.hour == 17
    assert dossier.original_due_at == dossier.due_at


@pytest.mark.parametrize(
    ("days", "due"),
    [(1, "2026-02-23"), (3, "2026-02-25"), (5, "2026-02-27"), (7, "2026-03-03")],
)
def test_deadline_from_13_02_2026_in_working_days_skips_tet(make_dossier, procs, days, due):
    """Tết Bính Ngọ: 14–22/02/2026 are days off, so counting resumes on Monday 23/02."""
    procs["days"].processing_time_value = days
    procs["days"].save(update_fields=["processing_time_value"])
    dossier = make_dossier("received", when=at("2026-02-13", "10:00"))
    local_due = dossier.due_at.astimezone(workdays.tz())
    assert local_due.date() == dt.date.fromisoformat(due)
    assert local_due.time() == dt.time(17, 0)


def test_same_day_procedure_received_after_15h_is_due_next_working_day(make_dossier):
    received = at("2026-03-06", "15:30")  # a Friday
    dossier = make_dossier("received", procedure="hours", when=received - dt.timedelta(minutes=30))
    local_due = dossier.due_at.astimezone(workdays.tz())
    assert local_due.date() == dt.date(2026, 3, 9)  # Monday


def test_same_day_procedure_received_before_15h_is_due_today(make_dossier):
    received = at("2026-03-06", "09:00")
    dossier = make_dossier("received", procedure="hours", when=received - dt.timedelta(minutes=30))
    assert dossier.due_at.astimezone(workdays.tz()).date() == dt.date(2026, 3, 6)


def test_supplement_time_is_not_counted(make_dossier, demo_people):
    dossier = make_dossier("in_progress", when=at("2026-03-02", "08:00"))
    due_before = dossier.due_at
    dossier = services.dossier_request_supplement(
        actor=demo_people["chuyenvien"],
        dossier=dossier,
        items=["Bản sao giấy chứng nhận kết hôn của cha mẹ"],
        note="Nộp bổ sung tại Bộ phận Một cửa",
        now=at("2026-03-03", "09:00"),
    )
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    assert dossier.paused_at == at("2026-03-03", "09:00")
    assert not dossier.is_late_at(at("2026-03-20", "09:00"))  # the clock is stopped
    dossier = services.dossier_supplement(
        actor=demo_people["congdan"], dossier=dossier, now=at("2026-03-05", "09:00")
    )
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.paused_at is None
    paused = workdays.working_hours_between(at("2026-03-03", "09:00"), at("2026-03-05", "09:00"))
    assert paused == pytest.approx(2 * workdays.office_hours().hours_per_day)  # two working days
    assert dossier.paused_hours == pytest.approx(paused)
    assert dossier.due_at == workdays.extend_by_working_hours(due_before, paused)
    # Due Thursday 05/03 at closing before the pause; two working days later is Monday 09/03.
    assert due_before.astimezone(workdays.tz()).date() == dt.date(2026, 3, 5)
    assert dossier.due_at.astimezone(workdays.tz()).date() == dt.date(2026, 3, 9)
    request = dossier.supplement_requests.get()
    assert request.fulfilled_at == at("2026-03-05", "09:00")


def test_only_one_supplement_request_after_receipt(make_dossier, demo_people):
    dossier = make_dossier("in_progress")
    dossier = services.dossier_request_supplement(
        actor=demo_people["chuyenvien"], dossier=dossier, items=["Giấy chứng sinh bản chính"]
    )
    dossier = services.dossier_supplement(actor=demo_people["congdan"], dossier=dossier)
    error = _assert_denied(
        ConflictError,
        lambda: services.dossier_request_supplement(
            actor=demo_people["chuyenvien"], dossier=dossier, items=["Thêm giấy tờ khác"]
        ),
        dossier,
    )
    assert "một lần" in error.message


def test_supplement_before_receipt_does_not_pause_a_clock(make_dossier, demo_people):
    dossier = make_dossier("submitted")
    dossier = services.dossier_request_supplement(
        actor=demo_people["motcua"], dossier=dossier, items=["Tờ khai ký tên"]
    )
    assert dossier.paused_at is None and dossier.supplement_count == 0
    dossier = services.dossier_supplement(actor=demo_people["congdan"], dossier=dossier)
    assert dossier.status == Status.SUBMITTED


def test_late_decision_is_flagged_and_apology_sets_a_new_date_once(make_dossier, demo_people):
    dossier = make_dossier("in_progress", when=at("2026-03-02", "08:00"))
    specialist = demo_people["chuyenvien"]
    assert dossier.is_late_at(at("2026-03-20", "08:00"))
    letter = services.dossier_issue_apology(
        actor=specialist,
        dossier=dossier,
        reason="Cần xác minh thông tin tại nơi cư trú",
        new_due_at="2026-03-25",
        now=at("2026-03-05", "10:00"),
    )
    assert letter.new_due_at.astimezone(workdays.tz()).date() == dt.date(2026, 3, 25)
    dossier.refresh_from_db()
    assert dossier.appointment_at == letter.new_due_at
    error = _assert_denied(
        ConflictError,
        lambda: services.dossier_issue_apology(
            actor=specialist, dossier=dossier, reason="Lần hai", new_due_at="2026-03-30"
        ),
        dossier,
    )
    assert "một lần" in error.message
    dossier = services.dossier_forward(actor=specialist, dossier=dossier, now=at("2026-03-20"))
    dossier = services.dossier_approve(
        actor=demo_people["lanhdao"], dossier=dossier, now=at("2026-03-20", "10:00")
    )
    assert dossier.is_late_flag is True  # the apology does not make a late dossier on time


def test_flag_late_marks_open_dossiers_past_due(make_dossier):
    dossier = make_dossier("in_progress", when=at("2026-03-02", "08:00"))
    assert services.dossiers_flag_late(now=at("2026-03-03", "08:00")) == 0
    assert services.dossiers_flag_late(now=at("2026-03-20", "08:00")) == 1
    dossier.refresh_from_db()
    assert dossier.is_late_flag is True
    assert Dossier.objects.overdue(at("2026-03-20", "08:00")).count() == 1


def test_due_soon_at_80_percent_of_working_time(make_dossier):
    dossier = make_dossier("received", when=at("2026-03-02", "08:00"))
    # Received Monday 08:30, due Thursday 05/03 at closing time; 80 % of that working time.
    received = at("2026-03-02", "08:30")
    total = workdays.working_hours_between(received, dossier.due_at)
    assert dossier.due_soon_at == workdays.add_working_hours(received, total * 0.8)
    assert not dossier.is_due_soon_at(at("2026-03-03", "08:00"))
    assert dossier.is_due_soon_at(at("2026-03-05", "14:00"))
    assert Dossier.objects.due_soon(at("2026-03-05", "14:00")).filter(pk=dossier.pk).exists()


# ---------------------------------------------------------------- uploads
@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("giay-chung-sinh.pdf", b"MZ\x90\x00 this is an exe renamed", "không phải PDF"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    make_dossier, demo_people, name, content, needle, settings
):
    dossier = make_dossier("draft")
    before = snapshot(dossier)
    with pytest.raises(ApplicationError) as error:
        services.dossier_attach(
            actor=demo_people["congdan"],
            dossier=dossier,
            slot="doc-0",
            uploaded_file=SimpleUploadedFile(name, content),
        )
    assert needle in error.value.message
    assert snapshot(dossier) == before
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_upload_over_the_limit_is_refused(make_dossier, demo_people, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    dossier = make_dossier("draft")
    with pytest.raises(ApplicationError) as error:
        services.dossier_attach(
            actor=demo_people["congdan"],
            dossier=dossier,
            slot="doc-0",
            uploaded_file=pdf_upload(content=PDF_BYTES + b"0" * 2048),
        )
    assert "quá lớn" in error.value.message
    assert DossierAttachment.objects.count() == 0


def test_upload_is_typed_by_content_and_replaces_the_draft_slot(make_dossier, demo_people):
    dossier = make_dossier("draft")
    citizen = demo_people["congdan"]
    first = services.dossier_attach(
        actor=citizen,
        dossier=dossier,
        slot="doc-0",
        uploaded_file=SimpleUploadedFile("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10),
    )
    assert first.content_type == "image/png"
    second = services.dossier_attach(
        actor=citizen, dossier=dossier, slot="doc-0", uploaded_file=pdf_upload()
    )
    assert list(dossier.attachments.values_list("pk", flat=True)) == [second.pk]
    assert len(second.sha256) == 64


def test_upload_to_an_unknown_slot_is_refused(make_dossier, demo_people):
    dossier = make_dossier("draft")
    with pytest.raises(ApplicationError):
        services.dossier_attach(
            actor=demo_people["congdan"],
            dossier=dossier,
            slot="../../etc",
            uploaded_file=pdf_upload(),
        )


def test_approve_with_result_file_digitises_the_result(make_dossier, demo_people):
    dossier = make_dossier("awaiting_approval")
    dossier = services.dossier_approve(
        actor=demo_people["lanhdao"], dossier=dossier, result_file=pdf_upload("ket-qua.pdf")
    )
    assert dossier.result_digitised is True
    assert dossier.attachments.filter(kind="result").count() == 1


# ---------------------------------------------------------------- notifications
def test_status_changes_notify_the_applicant_on_commit(
    procs, demo_people, django_capture_on_commit_callbacks, mailoutbox
):
    from congso.core import notify

    notify.clear_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_create(
            actor=demo_people["motcua"],
            procedure=procs["days"],
            applicant={"name": "Lê Thị Mai", "phone": "0912888777", "email": "mai@example.vn"},
            form_data=FORM,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_receive(actor=demo_people["motcua"], dossier=dossier)
    texts = [m["text"] for m in notify.outbox()]
    assert any(dossier.code in t and "Da tiep nhan" in t for t in texts)
    assert any(dossier.code in m.subject for m in mailoutbox)
    assert AuditEvent.objects.for_object(dossier).filter(action="notify").exists()


def test_muted_services_send_nothing(make_dossier, mailoutbox):
    make_dossier("returned")
    assert mailoutbox == []
