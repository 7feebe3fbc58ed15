"""Notifications to citizens and officers: e-mail, SMS and Zalo, behind one ``notify()`` call.

Each external channel is an adapter (an interface, a registry and a working local implementation),
as for every outside system in Công Số (see ``docs/adapters.md``):

* e-mail goes through Django's mail backend (``settings.EMAIL_BACKEND``);
* SMS goes through the backend named by ``settings.SMS_BACKEND``. The shipped
  :class:`OutboxSmsBackend` keeps every message in ``VAR_DIR/outbox/sms.jsonl`` (and in memory for
  tests) so that an operator can see exactly what would have been sent;
  :class:`ZaloBackend` speaks the Zalo Notification Service (ZNS) API once credentials are set.

``notify()`` never raises: a failed hand-off must not roll back the dossier action that caused it,
but it must not fail silently either, so every attempt is logged and returned as a
:class:`DeliveryResult`. Call it after the transaction commits (``notify_on_commit``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from congso.core import formatting, vntext

logger = logging.getLogger("congso.notify")

#: Characters of one SMS segment: GSM 7-bit text fits 160 (153 when concatenated); text with
#: Vietnamese diacritics needs UCS-2 and fits only 70 (67).
GSM_SEGMENT, GSM_MULTI = 160, 153
UCS2_SEGMENT, UCS2_MULTI = 70, 67


class NotConfiguredError(Exception):
    """A real adapter was selected but its credentials or endpoint are missing."""


#: Short alias used in adapter documentation.
NotConfigured = NotConfiguredError


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one hand-off to one channel for one recipient."""

    channel: str  # "email" | "sms" | "zalo"
    recipient: str
    ok: bool
    backend: str
    message_id: str = ""
    error: str = ""
    at: str = field(default_factory=lambda: timezone.now().isoformat())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class NotifyReport:
    """All attempts made by one ``notify()`` call."""

    template_name: str
    deliveries: list[DeliveryResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when at least one channel accepted the message."""
        return any(d.ok for d in self.deliveries)

    @property
    def failed(self) -> list[DeliveryResult]:
        return [d for d in self.deliveries if not d.ok]

    def as_dict(self) -> dict[str, Any]:
        return {
            "template_name": self.template_name,
            "ok": self.ok,
            "deliveries": [d.as_dict() for d in self.deliveries],
        }


# ---------------------------------------------------------------- phone numbers

_PHONE_RE = re.compile(r"^(?:\+?84|0)(\d{9})$")


def normalize_phone(phone: str | None) -> str | None:
    """Vietnamese mobile number in national form "0912345678", or None when not a valid number.

    Accepts "+84 912 345 678", "84912345678", "0912.345.678"; subscriber numbers have 9 digits
    after the leading 0 since the 2018 renumbering.
    """
    if not phone:
        return None
    digits = re.sub(r"[\s.\-()]", "", str(phone))
    match = _PHONE_RE.match(digits)
    if not match:
        return None
    return "0" + match.group(1)


def phone_international(phone: str) -> str:
    """ "0912345678" → "84912345678" (the form Zalo and most SMS gateways expect)."""
    national = normalize_phone(phone)
    if national is None:
        raise ValueError("số điện thoại không hợp lệ: %r" % phone)
    return "84" + national[1:]


def sms_segments(text: str) -> int:
    """How many SMS segments ``text`` needs (GSM 7-bit when ASCII, UCS-2 otherwise)."""
    if not text:
        return 0
    single, multi = (GSM_SEGMENT, GSM_MULTI) if text.isascii() else (UCS2_SEGMENT, UCS2_MULTI)
    return 1 if len(text) <= single else -(-len(text) // multi)


# ---------------------------------------------------------------- SMS backends


@runtime_checkable
class SmsBackend(Protocol):
    """Sends one text message to one phone number; returns the outcome, raises only
    :class:`NotConfigured` when the backend cannot work at all."""

    name: str

    def send(self, phone: str, text: str) -> DeliveryResult: ...


_outbox: list[dict[str, Any]] = []
_outbox_lock = threading.Lock()


def outbox() -> list[dict[str, Any]]:
    """Messages recorded by :class:`OutboxSmsBackend` in this process (newest last)."""
    with _outbox_lock:
        return list(_outbox)


def clear_outbox() -> None:
    with _outbox_lock:
        _outbox.clear()


def outbox_path() -> Path:
    return Path(settings.VAR_DIR) / "outbox" / "sms.jsonl"


class OutboxSmsBackend:
    """The local SMS "gateway": appends each message to ``VAR_DIR/outbox/sms.jsonl``.

    This is what runs when no real gateway is configured. Nothing leaves the machine; an operator
    (or a test) reads the outbox to see what citizens would have received.
    """

    name = "outbox"

    def send(self, phone: str, text: str) -> DeliveryResult:
        national = normalize_phone(phone)
        if national is None:
            return DeliveryResult("sms", str(phone), False, self.name, error="invalid_phone")
        message_id = uuid.uuid4().hex
        record = {
            "id": message_id,
            "at": timezone.now().isoformat(),
            "phone": national,
            "text": text,
            "segments": sms_segments(text),
        }
        path = outbox_path()
        with _outbox_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            _outbox.append(record)
        return DeliveryResult("sms", national, True, self.name, message_id=message_id)


class ZaloBackend:
    """Zalo Notification Service (ZNS): template messages to a phone number's Zalo account.

    Contract (https://developers.zalo.me/docs/zalo-notification-service/):
    ``POST https://business.openapi.zalo.me/message/template`` with header
    ``access_token: <OA access token>`` and JSON body
    ``{"phone": "84912345678", "template_id": "<approved template>", "template_data": {...},
    "tracking_id": "<our id>"}``; the answer is ``{"error": 0, "message": "Success",
    "data": {"msg_id": "...", "sent_time": "..."}}`` or a negative ``error`` code.
    Templates are approved by Zalo in advance; their parameters are fixed, so the approved
    template must declare the parameters named in ``ZALO_ZNS_PARAMS`` (default one parameter
    ``noi_dung`` carrying the message text). Access tokens last about 25 hours and are renewed
    with the refresh token at ``https://oauth.zaloapp.com/v4/oa/access_token`` by the operator's
    scheduler; this adapter only reads ``settings.ZALO_OA_ACCESS_TOKEN``.

    Without ``ZALO_OA_ACCESS_TOKEN`` and ``ZALO_ZNS_TEMPLATE_ID`` it raises :class:`NotConfigured`.
    This machine has no route to Zalo, so the request is built and tested against a stub only.
    """

    name = "zalo"
    endpoint = "https://business.openapi.zalo.me/message/template"

    def __init__(
        self,
        *,
        access_token: str | None = None,
        template_id: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.access_token = str(access_token or getattr(settings, "ZALO_OA_ACCESS_TOKEN", ""))
        self.template_id = str(template_id or getattr(settings, "ZALO_ZNS_TEMPLATE_ID", ""))
        self.timeout = timeout

    def _check(self) -> None:
        missing = [
            name
            for name, value in (
                ("ZALO_OA_ACCESS_TOKEN", self.access_token),
                ("ZALO_ZNS_TEMPLATE_ID", self.template_id),
            )
            if not value
        ]
        if missing:
            raise NotConfigured(
                "Chưa cấu hình Zalo OA: thiếu %s (xem docs/adapters.md)." % ", ".join(missing)
            )

    def build_request(
        self, phone: str, text: str, data: Mapping[str, str] | None = None
    ) -> urllib.request.Request:
        self._check()
        tracking_id = uuid.uuid4().hex
        body = {
            "phone": phone_international(phone),
            "template_id": self.template_id,
            "template_data": dict(data) if data else {"noi_dung": text[:400]},
            "tracking_id": tracking_id,
        }
        return urllib.request.Request(  # noqa: S310 - fixed https endpoint
            self.endpoint,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json", "access_token": self.access_token},
            method="POST",
        )

    def send(self, phone: str, text: str, data: Mapping[str, str] | None = None) -> DeliveryResult:
        if normalize_phone(phone) is None:
            return DeliveryResult("zalo", str(phone), False, self.name, error="invalid_phone")
        request = self.build_request(phone, text, data)
        recipient = normalize_phone(phone) or phone
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            return DeliveryResult("zalo", recipient, False, self.name, error=str(exc)[:300])
        if answer.get("error") != 0:
            error = "zalo_error %s: %s" % (answer.get("error"), answer.get("message", ""))
            return DeliveryResult("zalo", recipient, False, self.name, error=error[:300])
        message_id = str((answer.get("data") or {}).get("msg_id", ""))
        return DeliveryResult("zalo", recipient, True, self.name, message_id=message_id)


#: Short names accepted in ``settings.SMS_BACKEND`` besides dotted paths.
SMS_BACKENDS: dict[str, type[Any]] = {"outbox": OutboxSmsBackend, "zalo": ZaloBackend}


def get_sms_backend(name: str | None = None) -> SmsBackend:
    """The configured SMS backend (``settings.SMS_BACKEND``: a short name or a dotted path)."""
    name = name or getattr(settings, "SMS_BACKEND", "outbox") or "outbox"
    cls = SMS_BACKENDS.get(name) or import_string(name)
    backend = cls()
    if not isinstance(backend, SmsBackend):
        raise TypeError("%s is not an SmsBackend" % name)
    return backend


# ---------------------------------------------------------------- notify()


def _prepare(value: Any, depth: int = 0) -> Any:
    """Dates and times in the context become Vietnamese strings ("14:00 27/11/2026"), also inside
    dicts and lists (e.g. the dossiers of a reminder), so text templates need no filters."""
    if isinstance(value, dt.datetime):
        return formatting.format_datetime(value)
    if isinstance(value, dt.date):
        return formatting.format_date(value)
    if depth < 3 and isinstance(value, Mapping):
        return {k: _prepare(v, depth + 1) for k, v in value.items()}
    if depth < 3 and isinstance(value, list | tuple):
        return [_prepare(v, depth + 1) for v in value]
    return value


def _render(template_name: str, suffix: str, context: Mapping[str, Any]) -> str | None:
    try:
        text = str(render_to_string("notify/%s%s.txt" % (template_name, suffix), dict(context)))
    except TemplateDoesNotExist:
        return None
    # Collapse the blank lines template tags leave behind, keep paragraph breaks.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _sms_text(text: str) -> str:
    # Vietnamese brand-name SMS routes commonly require unaccented text, and diacritics more
    # than double the segment count (UCS-2); strip them unless the operator opts out.
    if getattr(settings, "SMS_STRIP_DIACRITICS", True):
        text = vntext.fold(text)
    return " ".join(text.split())


def _log(result: DeliveryResult, template_name: str) -> None:
    if result.ok:
        logger.info(
            "notify %s via %s/%s to %s: ok %s",
            template_name,
            result.channel,
            result.backend,
            result.recipient,
            result.message_id,
        )
    else:
        logger.warning(
            "notify %s via %s/%s to %s FAILED: %s",
            template_name,
            result.channel,
            result.backend,
            result.recipient,
            result.error,
        )


def notify(
    *,
    to_user: Any = None,
    phone: str | None = None,
    email: str | None = None,
    subject: str | None = None,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    channels: Iterable[str] = ("email", "sms"),
) -> NotifyReport:
    """Render ``notify/<template_name>.txt`` and hand it to e-mail and SMS; never raises.

    Recipients: ``to_user`` (its ``email`` and ``phone``) and/or explicit ``phone``/``email``.
    Templates: ``<name>.txt`` (e-mail body), ``<name>_subject.txt`` (unless ``subject`` is given)
    and optionally ``<name>_sms.txt`` (a short text; the body is used when absent). The context
    also receives ``user``, ``site_url`` and ``province_name``.
    """
    report = NotifyReport(template_name=template_name)
    wanted = set(channels)
    if to_user is not None:
        email = email or getattr(to_user, "email", "") or None
        phone = phone or getattr(to_user, "phone", "") or None
    full_context: dict[str, Any] = {
        "user": to_user,
        "site_url": getattr(settings, "SITE_URL", ""),
        "province_name": getattr(settings, "PROVINCE_NAME", ""),
    }
    full_context.update({k: _prepare(v) for k, v in (context or {}).items()})

    try:
        body = _render(template_name, "", full_context)
        if body is None:
            raise TemplateDoesNotExist("notify/%s.txt" % template_name)
        subject_text = subject or _render(template_name, "_subject", full_context) or ""
        sms_text = _render(template_name, "_sms", full_context) or body
    except Exception as exc:
        # A broken template is a programming error; it is reported, not propagated, for the
        # same reason as a gateway failure.
        logger.exception("notify %s: cannot render templates", template_name)
        report.deliveries.append(
            DeliveryResult("render", template_name, False, "django", error=str(exc)[:300])
        )
        return report
    subject_text = " ".join(subject_text.split())[:200]

    if "email" in wanted and email:
        report.deliveries.append(_send_email(email, subject_text, body))
    if "sms" in wanted and phone:
        report.deliveries.append(_send_sms(phone, _sms_text(sms_text)))
    if not report.deliveries:
        logger.warning(
            "notify %s: no reachable recipient (email=%r, phone=%r)", template_name, email, phone
        )
    for result in report.deliveries:
        _log(result, template_name)
    return report


def _send_email(address: str, subject: str, body: str) -> DeliveryResult:
    try:
        message = EmailMessage(subject=subject, body=body, to=[address])
        sent = message.send(fail_silently=False)
    except Exception as exc:
        return DeliveryResult("email", address, False, "django", error=str(exc)[:300])
    if not sent:
        return DeliveryResult("email", address, False, "django", error="not_sent")
    return DeliveryResult("email", address, True, "django")


def _send_sms(phone: str, text: str) -> DeliveryResult:
    try:
        backend = get_sms_backend()
        return backend.send(phone, text)
    except NotConfigured as exc:
        return DeliveryResult("sms", phone, False, "unconfigured", error=str(exc))
    except Exception as exc:
        return DeliveryResult("sms", phone, False, "error", error=str(exc)[:300])


def notify_on_commit(**kwargs: Any) -> None:
    """``notify(**kwargs)`` after the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: notify(**kwargs))
