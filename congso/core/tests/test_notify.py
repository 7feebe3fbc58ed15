"""Notifications: rendering, e-mail, SMS outbox, Zalo contract, and never raising to the caller."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
from types import SimpleNamespace
from typing import Any

from django.core import mail
from django.db import transaction

import pytest

from congso.core import notify

STATUS_CONTEXT = {
    "dossier_code": "000.00.00.H30-261125-0001",
    "procedure_name": "Đăng ký khai sinh",
    "status_label": "Đã có kết quả",
    "due_date": dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC),  # 14:00 in Hậu Giang
    "lookup_url": "https://dichvucong.haugiang.gov.vn/tra-cuu/?ma=000.00.00.H30-261125-0001",
    "citizen_name": "Nguyễn Văn Ấn",
}


@pytest.fixture(autouse=True)
def _outbox(tmp_path, settings):
    """Each test gets an empty SMS outbox under its own VAR_DIR."""
    settings.VAR_DIR = tmp_path
    settings.SMS_BACKEND = "congso.core.notify.OutboxSmsBackend"
    notify.clear_outbox()
    yield
    notify.clear_outbox()


def test_dossier_status_goes_out_by_email_and_sms():
    report = notify.notify(
        phone="0912 345 678",
        email="an@example.vn",
        template_name="dossier_status",
        context=STATUS_CONTEXT,
    )

    assert report.ok and not report.failed
    assert [d.channel for d in report.deliveries] == ["email", "sms"]
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert message.subject == "Hồ sơ 000.00.00.H30-261125-0001: Đã có kết quả"
    assert "Kính gửi ông/bà Nguyễn Văn Ấn" in message.body
    assert "Đăng ký khai sinh" in message.body
    assert "Thời hạn trả kết quả: 14:00 27/11/2026." in message.body
    assert STATUS_CONTEXT["lookup_url"] in message.body
    assert "&lt;" not in message.body and "&#" not in message.body
    sms = notify.outbox()
    assert len(sms) == 1
    assert sms[0]["phone"] == "0912345678"
    assert sms[0]["text"].startswith("Ho so 000.00.00.H30-261125-0001: Da co ket qua.")
    assert "Hen tra: 14:00 27/11/2026" in sms[0]["text"]


def test_sms_outbox_is_written_as_json_lines(tmp_path):
    notify.notify(phone="0912345678", template_name="dossier_status", context=STATUS_CONTEXT)
    notify.notify(phone="+84 987 654 321", template_name="dossier_status", context=STATUS_CONTEXT)

    lines = (tmp_path / "outbox" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["phone"] for r in records] == ["0912345678", "0987654321"]
    assert all(r["id"] and r["at"] and r["segments"] >= 1 for r in records)


def test_sms_keeps_diacritics_when_the_operator_opts_out(settings):
    settings.SMS_STRIP_DIACRITICS = False

    notify.notify(phone="0912345678", template_name="dossier_status", context=STATUS_CONTEXT)

    record = notify.outbox()[0]
    assert "Hồ sơ 000.00.00.H30-261125-0001: Đã có kết quả." in record["text"]
    assert record["segments"] >= 2  # UCS-2: 70 characters per segment


def test_user_recipient_supplies_email_phone_and_greeting():
    officer = SimpleNamespace(email="cv@haugiang.gov.vn", phone="0901234567", full_name="Trần Bé")
    report = notify.notify(
        to_user=officer,
        template_name="deadline_reminder",
        context={
            "officer": officer,
            "dossiers": [
                {
                    "code": "H30-0001",
                    "procedure_name": "Cấp giấy phép xây dựng",
                    "due_at": dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC),
                    "overdue": True,
                },
                {"code": "H30-0002", "due_at": dt.date(2026, 11, 26)},
            ],
            "dashboard_url": "https://congso.example/mot-cua/",
        },
    )

    assert report.ok
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Nhắc hạn: 2 hồ sơ sắp đến hạn hoặc quá hạn"
    assert "Kính gửi Trần Bé" in body
    assert "1. H30-0001 — Cấp giấy phép xây dựng" in body
    assert "Hạn giải quyết: 16:00 25/11/2026 (ĐÃ QUÁ HẠN)" in body
    assert "Hạn giải quyết: 26/11/2026" in body
    assert notify.outbox()[0]["text"] == (
        "Cong So: 2 ho so sap/da qua han: H30-0001 H30-0002. Xem: https://congso.example/mot-cua/"
    )


def test_explicit_subject_overrides_the_subject_template():
    notify.notify(
        email="a@example.vn",
        subject="Thông báo\nkhẩn",
        template_name="dossier_status",
        context=STATUS_CONTEXT,
    )

    assert mail.outbox[0].subject == "Thông báo khẩn"


def test_invalid_phone_is_reported_not_raised(caplog):
    with caplog.at_level(logging.WARNING, logger="congso.notify"):
        report = notify.notify(
            phone="12345", template_name="dossier_status", context=STATUS_CONTEXT
        )

    assert not report.ok
    assert report.failed[0].error == "invalid_phone"
    assert notify.outbox() == []
    assert "FAILED" in caplog.text


def test_email_failure_does_not_stop_the_sms(settings, caplog):
    settings.EMAIL_BACKEND = "congso.core.tests.test_notify.BrokenEmailBackend"

    with caplog.at_level(logging.WARNING, logger="congso.notify"):
        report = notify.notify(
            phone="0912345678",
            email="a@example.vn",
            template_name="dossier_status",
            context=STATUS_CONTEXT,
        )

    email_result, sms_result = report.deliveries
    assert not email_result.ok and "SMTP down" in email_result.error
    assert sms_result.ok
    assert report.ok
    assert "via email/django to a@example.vn FAILED: SMTP down" in caplog.text


class BrokenEmailBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP down")


def test_missing_template_is_reported_not_raised(caplog):
    with caplog.at_level(logging.ERROR, logger="congso.notify"):
        report = notify.notify(phone="0912345678", template_name="khong_ton_tai", context={})

    assert not report.ok
    assert report.deliveries[0].channel == "render"
    assert notify.outbox() == []
    assert "cannot render" in caplog.text


def test_no_recipient_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="congso.notify"):
        report = notify.notify(template_name="dossier_status", context=STATUS_CONTEXT)

    assert report.deliveries == []
    assert "no reachable recipient" in caplog.text


def test_channels_can_be_restricted():
    report = notify.notify(
        phone="0912345678",
        email="a@example.vn",
        template_name="dossier_status",
        context=STATUS_CONTEXT,
        channels=["sms"],
    )

    assert [d.channel for d in report.deliveries] == ["sms"]
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_notify_on_commit_waits_for_the_transaction():
    with transaction.atomic():
        notify.notify_on_commit(
            phone="0912345678", template_name="dossier_status", context=STATUS_CONTEXT
        )
        assert notify.outbox() == []

    assert len(notify.outbox()) == 1


@pytest.mark.django_db(transaction=True)
def test_notify_on_commit_sends_nothing_when_rolled_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        notify.notify_on_commit(
            phone="0912345678", template_name="dossier_status", context=STATUS_CONTEXT
        )
        raise RuntimeError("dossier action failed")

    assert notify.outbox() == []


# ---------------------------------------------------------------- backends and registry


def test_registry_resolves_short_names_and_dotted_paths(settings):
    assert isinstance(notify.get_sms_backend("outbox"), notify.OutboxSmsBackend)
    assert isinstance(notify.get_sms_backend("zalo"), notify.ZaloBackend)
    settings.SMS_BACKEND = "congso.core.notify.OutboxSmsBackend"
    assert isinstance(notify.get_sms_backend(), notify.OutboxSmsBackend)


def test_zalo_without_credentials_raises_not_configured(settings):
    settings.ZALO_OA_ACCESS_TOKEN = ""
    settings.ZALO_ZNS_TEMPLATE_ID = ""

    with pytest.raises(notify.NotConfigured, match="ZALO_OA_ACCESS_TOKEN"):
        notify.ZaloBackend().send("0912345678", "Xin chào")


def test_unconfigured_zalo_selected_as_sms_backend_fails_visibly(settings, caplog):
    settings.SMS_BACKEND = "zalo"
    settings.ZALO_OA_ACCESS_TOKEN = ""

    with caplog.at_level(logging.WARNING, logger="congso.notify"):
        report = notify.notify(phone="0912345678", template_name="dossier_status", context={})

    assert not report.ok
    assert report.deliveries[0].backend == "unconfigured"
    assert "Chưa cấu hình Zalo OA" in report.deliveries[0].error
    assert "FAILED" in caplog.text


class FakeResponse:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    def read(self) -> bytes:
        return json.dumps(self.payload).encode()

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_zalo_request_follows_the_zns_contract(monkeypatch):
    sent: list[Any] = []

    def fake_urlopen(request: Any, timeout: float) -> FakeResponse:
        sent.append(request)
        return FakeResponse({"error": 0, "message": "Success", "data": {"msg_id": "abc123"}})

    monkeypatch.setattr(notify.urllib.request, "urlopen", fake_urlopen)
    backend = notify.ZaloBackend(access_token="tok", template_id="250001")

    result = backend.send("0912 345 678", "Hồ sơ đã có kết quả")

    assert result.ok and result.message_id == "abc123" and result.recipient == "0912345678"
    request = sent[0]
    assert request.full_url == "https://business.openapi.zalo.me/message/template"
    assert request.get_method() == "POST"
    assert request.get_header("Access_token") == "tok"
    body = json.loads(request.data.decode())
    assert body["phone"] == "84912345678"
    assert body["template_id"] == "250001"
    assert body["template_data"] == {"noi_dung": "Hồ sơ đã có kết quả"}
    assert body["tracking_id"]


def test_zalo_error_code_is_a_failed_delivery(monkeypatch):
    monkeypatch.setattr(
        notify.urllib.request,
        "urlopen",
        lambda request, timeout: FakeResponse({"error": -124, "message": "Access token invalid"}),
    )

    result = notify.ZaloBackend(access_token="tok", template_id="1").send("0912345678", "x")

    assert not result.ok
    assert result.error == "zalo_error -124: Access token invalid"


def test_zalo_network_error_is_a_failed_delivery(monkeypatch):
    def unreachable(request: Any, timeout: float) -> FakeResponse:
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(notify.urllib.request, "urlopen", unreachable)

    result = notify.ZaloBackend(access_token="tok", template_id="1").send("0912345678", "x")

    assert not result.ok
    assert "no route to host" in result.error


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(0293) 387 6543", None),  # a landline cannot receive SMS
        ("091234567", None),
        ("", None),
        (None, None),
        ("abc", None),
    ],
)
def test_normalize_phone(raw, expected):
    assert notify.normalize_phone(raw) == expected


def test_sms_segments_count_gsm_and_ucs2():
    assert notify.sms_segments("") == 0
    assert notify.sms_segments("a" * 160) == 1
    assert notify.sms_segments("a" * 161) == 2
    assert notify.sms_segments("ă" * 70) == 1
    assert notify.sms_segments("ă" * 71) == 2
