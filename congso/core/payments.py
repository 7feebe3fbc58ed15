"""Fee payment adapters: a payment request a citizen can pay, and reconciliation of bank lines.

The shipped provider is **VietQR** (NAPAS 247 interbank transfer QR). It needs no contract with
a payment intermediary: the citizen scans the code with any Vietnamese banking app, the app
pre-fills the receiving account, the amount and the transfer description (the dossier code), and
the money goes straight to the collecting agency's account. The agency then reconciles its bank
statement against the dossiers awaiting payment (:meth:`PaymentProvider.reconcile`).

Payload format: EMVCo QR Code Specification for Payment Systems, Merchant-Presented Mode
(MPM), as profiled by NAPAS for VietQR: TLV fields ``ID(2) LENGTH(2) VALUE``, ending with field
63, a CRC-16/CCITT-FALSE over everything before it including the "6304" of field 63 itself.

The national payment platform (PayGov on the national public service portal) and provincial
gateways are other providers that would implement the same interface; see ``docs/adapters.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from congso.core import formatting, vntext
from congso.core.exceptions import ApplicationError
from congso.core.qr import png_data_uri, qr_png

# ---------------------------------------------------------------- data


class PaymentError(ApplicationError):
    """The payment request cannot be built (bad amount, reference or account settings)."""

    code = "payment_invalid"


@dataclass(frozen=True)
class PaymentRequest:
    """What a citizen needs to pay one amount for one reference (usually a dossier code)."""

    provider: str
    reference: str
    amount: int
    description: str
    payload: str
    qr_png: bytes
    instructions: list[str]
    account: dict[str, str] = field(default_factory=dict)
    is_demo: bool = False

    @property
    def qr_data_uri(self) -> str:
        """The QR image for ``<img src="{{ payment.qr_data_uri }}">``."""
        return png_data_uri(self.qr_png)


@dataclass(frozen=True)
class StatementLine:
    """One credit line of a bank statement."""

    line_no: int
    date: dt.date | None
    amount: int
    description: str


@dataclass(frozen=True)
class PaymentMatch:
    """A statement line matched to an expected payment (same reference, same amount)."""

    reference: str
    amount: int
    line: StatementLine


@dataclass
class ReconcileResult:
    """Outcome of a reconciliation run; nothing is discarded silently."""

    matches: list[PaymentMatch] = field(default_factory=list)
    #: Reference found but the amount differs: needs an officer's decision.
    amount_mismatches: list[tuple[str, int, StatementLine]] = field(default_factory=list)
    #: Reference already matched by an earlier line (a citizen paid twice).
    duplicates: list[PaymentMatch] = field(default_factory=list)
    unmatched: list[StatementLine] = field(default_factory=list)
    #: Lines that could not be read, as (line number, Vietnamese reason).
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def matched_references(self) -> set[str]:
        return {m.reference for m in self.matches}


@runtime_checkable
class PaymentProvider(Protocol):
    name: str

    def create_request(
        self, *, reference: str, amount: int, description: str = ""
    ) -> PaymentRequest:
        """A payment request for ``amount`` VND identified by ``reference``."""
        ...

    def reconcile(
        self,
        statement_lines: str | Iterable[StatementLine],
        *,
        expected: Mapping[str, int],
    ) -> ReconcileResult:
        """Match statement lines (CSV text or parsed lines) to ``expected`` {reference: amount}."""
        ...


# ---------------------------------------------------------------- EMVCo TLV and CRC


def crc16_ccitt(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One EMV field: two-digit ID, two-digit length, value (at most 99 characters)."""
    if len(tag) != 2 or not tag.isdigit():
        raise ValueError("EMV tag must be two digits: %r" % tag)
    if len(value) > 99:
        raise ValueError("EMV field %s too long (%d > 99)" % (tag, len(value)))
    return "%s%02d%s" % (tag, len(value), value)


def parse_tlv(payload: str) -> list[tuple[str, str]]:
    """Split an EMV TLV string into (tag, value) pairs; raises ValueError on malformed input."""
    fields: list[tuple[str, str]] = []
    pos = 0
    while pos < len(payload):
        header = payload[pos : pos + 4]
        if len(header) < 4 or not header.isdigit():
            raise ValueError("malformed EMV field header at %d: %r" % (pos, header))
        tag, length = header[:2], int(header[2:])
        value = payload[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise ValueError("EMV field %s truncated at %d" % (tag, pos))
        fields.append((tag, value))
        pos += 4 + length
    return fields


def with_crc(payload_without_crc: str) -> str:
    """Append field 63 (CRC over the payload and the "6304" header), upper-case hex."""
    body = payload_without_crc + "6304"
    return body + "%04X" % crc16_ccitt(body.encode("utf-8"))


def verify_crc(payload: str) -> bool:
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return "%04X" % crc16_ccitt(payload[:-4].encode("utf-8")) == payload[-4:].upper()


def decode_vietqr(payload: str) -> dict[str, Any]:
    """Read a VietQR payload back into named parts (used by tests and by support staff)."""
    if not verify_crc(payload):
        raise ValueError("VietQR CRC mismatch")
    top = dict(parse_tlv(payload))
    merchant = dict(parse_tlv(top.get("38", "")))
    beneficiary = dict(parse_tlv(merchant.get("01", "")))
    additional = dict(parse_tlv(top.get("62", ""))) if "62" in top else {}
    return {
        "format": top.get("00"),
        "method": "dynamic" if top.get("01") == "12" else "static",
        "guid": merchant.get("00"),
        "bank_bin": beneficiary.get("00"),
        "account_no": beneficiary.get("01"),
        "service": merchant.get("02"),
        "currency": top.get("53"),
        "amount": int(top["54"]) if "54" in top else None,
        "country": top.get("58"),
        "purpose": additional.get("08", ""),
        "crc": top.get("63"),
    }


# ---------------------------------------------------------------- VietQR

NAPAS_GUID = "A000000727"
SERVICE_ACCOUNT_TRANSFER = "QRIBFTTA"  # transfer to an account number (QRIBFTTC: to a card)
CURRENCY_VND = "704"
MAX_PURPOSE = 25  # EMV: sub-fields of field 62 hold at most 25 characters

#: NAPAS acquirer BINs of common banks (shown to citizens in the instructions).
BANK_NAMES = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970422": "MB",
    "970416": "ACB",
    "970432": "VPBank",
    "970403": "Sacombank",
    "970423": "TPBank",
    "970426": "MSB",
    "970441": "VIB",
}

DEMO_BANK_BIN = "970436"
DEMO_ACCOUNT_NO = "0000123456789"
DEMO_ACCOUNT_NAME = "TRUNG TAM PHUC VU HANH CHINH CONG TINH HAU GIANG (DEMO)"

_PURPOSE_ALLOWED = re.compile(r"[^A-Za-z0-9 .\-/]")


def transfer_purpose(reference: str, description: str = "") -> str:
    """ASCII transfer description for field 62/08: the reference first, then as much of the
    description as fits in 25 characters. EMV allows only ASCII, so diacritics are folded
    ("Lệ phí" → "Le phi") and other symbols dropped."""
    ref = _PURPOSE_ALLOWED.sub("", vntext.fold(reference)).strip()
    if not ref:
        raise PaymentError("Mã thanh toán không hợp lệ.", {"field": "reference"})
    if len(ref) > MAX_PURPOSE:
        raise PaymentError("Mã thanh toán dài quá %d ký tự." % MAX_PURPOSE, {"field": "reference"})
    text = ref
    extra = " ".join(_PURPOSE_ALLOWED.sub("", vntext.fold(description)).split())
    if extra and len(ref) + 1 < MAX_PURPOSE:
        text = (ref + " " + extra)[:MAX_PURPOSE].rstrip()
    return text


def format_amount(amount: int) -> str:
    """Field 54 value: VND has no minor unit, so a plain integer ("150000")."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PaymentError("Số tiền phải là số nguyên (đồng).", {"field": "amount"})
    if amount <= 0:
        raise PaymentError("Số tiền phải lớn hơn 0.", {"field": "amount"})
    text = str(amount)
    if len(text) > 13:
        raise PaymentError("Số tiền vượt giới hạn của mã VietQR.", {"field": "amount"})
    return text


def build_vietqr_payload(*, bank_bin: str, account_no: str, amount: int, purpose: str) -> str:
    """The EMVCo MPM string for a dynamic (amount-bearing) VietQR account transfer."""
    if not (len(bank_bin) == 6 and bank_bin.isdigit()):
        raise PaymentError("Mã BIN ngân hàng phải gồm 6 chữ số.", {"field": "bank"})
    if not (account_no.isalnum() and account_no.isascii() and 1 <= len(account_no) <= 19):
        raise PaymentError("Số tài khoản nhận không hợp lệ.", {"field": "account"})
    beneficiary = tlv("00", bank_bin) + tlv("01", account_no)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_ACCOUNT_TRANSFER)
    payload = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("38", merchant)
        + tlv("53", CURRENCY_VND)
        + tlv("54", format_amount(amount))
        + tlv("58", "VN")
        + tlv("62", tlv("08", purpose))
    )
    return with_crc(payload)


class VietQrProvider:
    """VietQR bank transfer to the collecting agency's account (``settings.VIETQR_*``)."""

    name = "vietqr"

    def __init__(
        self,
        *,
        bank_bin: str | None = None,
        account_no: str | None = None,
        account_name: str | None = None,
    ) -> None:
        self.bank_bin = bank_bin or getattr(settings, "VIETQR_BANK_BIN", "") or DEMO_BANK_BIN
        self.account_no = (
            account_no or getattr(settings, "VIETQR_ACCOUNT_NO", "") or DEMO_ACCOUNT_NO
        )
        self.account_name = (
            account_name or getattr(settings, "VIETQR_ACCOUNT_NAME", "") or DEMO_ACCOUNT_NAME
        )
        self.is_demo = self.account_no == DEMO_ACCOUNT_NO

    @property
    def bank_name(self) -> str:
        return BANK_NAMES.get(self.bank_bin, "Ngân hàng (BIN %s)" % self.bank_bin)

    def create_request(
        self, *, reference: str, amount: int, description: str = ""
    ) -> PaymentRequest:
        purpose = transfer_purpose(reference, description)
        payload = build_vietqr_payload(
            bank_bin=self.bank_bin, account_no=self.account_no, amount=amount, purpose=purpose
        )
        instructions = [
            "Mở ứng dụng ngân hàng, chọn quét mã QR và quét mã này.",
            "Ngân hàng nhận: %s" % self.bank_name,
            "Số tài khoản: %s" % self.account_no,
            "Chủ tài khoản: %s" % self.account_name,
            "Số tiền: %s" % formatting.format_vnd(amount),
            "Nội dung chuyển khoản: %s (giữ nguyên để hệ thống tự đối soát)" % purpose,
        ]
        if self.is_demo:
            instructions.insert(
                0,
                "TÀI KHOẢN MINH HỌA — không chuyển tiền thật. Cơ quan cần cấu hình "
                "VIETQR_BANK_BIN, VIETQR_ACCOUNT_NO, VIETQR_ACCOUNT_NAME.",
            )
        return PaymentRequest(
            provider=self.name,
            reference=reference,
            amount=amount,
            description=description,
            payload=payload,
            qr_png=qr_png(payload, scale=5),
            instructions=instructions,
            account={
                "bank_bin": self.bank_bin,
                "bank_name": self.bank_name,
                "account_no": self.account_no,
                "account_name": self.account_name,
                "purpose": purpose,
            },
            is_demo=self.is_demo,
        )

    def reconcile(
        self,
        statement_lines: str | Iterable[StatementLine],
        *,
        expected: Mapping[str, int],
    ) -> ReconcileResult:
        return reconcile_by_reference(statement_lines, expected=expected)


# ---------------------------------------------------------------- reconciliation

_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_HEADER_WORDS = {"date", "ngay", "ngay giao dich", "amount", "so tien", "description", "noi dung"}


def parse_amount(text: str) -> int:
    """Bank amounts: "1.500.000", "1,500,000", "1500000", "+50.000 VND", "150000.00" → int VND."""
    cleaned = vntext.fold(text or "").upper().replace("VND", "").replace(" ", "").strip()
    cleaned = cleaned.rstrip("D").lstrip("+")
    if not cleaned:
        raise ValueError("thiếu số tiền")
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-()")
    # A final separator followed by exactly two digits is a decimal part (VND has none in
    # practice, so it must be zero); every other separator groups thousands.
    decimal = re.search(r"[.,](\d{2})$", cleaned)
    if decimal and not re.fullmatch(r"\d{1,3}([.,]\d{3})+", cleaned):
        if decimal.group(1) != "00":
            raise ValueError("số tiền có phần lẻ: %s" % text)
        cleaned = cleaned[: decimal.start()]
    if not re.fullmatch(r"\d{1,3}([.,]\d{3})+|\d+", cleaned):
        raise ValueError("số tiền không hợp lệ: %s" % text)
    value = int(re.sub(r"[.,]", "", cleaned))
    return -value if negative else value


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date only
        except ValueError:
            continue
    return None


def parse_statement(text: str) -> tuple[list[StatementLine], list[tuple[int, str]]]:
    """Parse CSV statement text with columns date, amount, description (comma or semicolon,
    optional header row). Debit (negative) lines are skipped; unreadable lines are reported."""
    lines: list[StatementLine] = []
    errors: list[tuple[int, str]] = []
    text = (text or "").lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if "\t" in first and first.count("\t") >= 2:
        delimiter = "\t"
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and vntext.fold_lower(row[0]).strip() in _HEADER_WORDS:
            continue
        if len(row) < 3:
            errors.append((number, "Dòng %d thiếu cột (cần: ngày, số tiền, nội dung)." % number))
            continue
        date = _parse_date(row[0])
        if date is None:
            errors.append((number, "Dòng %d: ngày không đọc được (%s)." % (number, row[0])))
            continue
        try:
            amount = parse_amount(row[1])
        except ValueError as exc:
            errors.append((number, "Dòng %d: %s." % (number, exc)))
            continue
        if amount <= 0:
            continue
        description = delimiter.join(row[2:]).strip()
        lines.append(StatementLine(number, date, amount, description))
    return lines, errors


def _key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", vntext.fold(text).upper())


def reference_in(description: str, reference: str) -> bool:
    """Whether ``reference`` appears in a bank description. Banks drop or replace punctuation
    ("000.00.00.H30-261125-0001" may arrive as "0000000H302611250001"), so both sides are
    compared as upper-case letters and digits only; a digit right after the match means a
    longer, different code."""
    ref, desc = _key(reference), _key(description)
    if not ref:
        return False
    start = desc.find(ref)
    while start != -1:
        end = start + len(ref)
        if end == len(desc) or not desc[end].isdigit():
            return True
        start = desc.find(ref, start + 1)
    return False


def reconcile_by_reference(
    statement_lines: str | Iterable[StatementLine],
    *,
    expected: Mapping[str, int],
) -> ReconcileResult:
    """Match each credit line to the expected payment whose reference it mentions and whose
    amount it equals exactly. Longer references are tried first so that a code never matches
    inside another."""
    result = ReconcileResult()
    if isinstance(statement_lines, str):
        lines, result.errors = parse_statement(statement_lines)
    else:
        lines = list(statement_lines)
    references: Sequence[str] = sorted(expected, key=lambda r: len(_key(r)), reverse=True)
    for line in lines:
        found = [ref for ref in references if reference_in(line.description, ref)]
        if not found:
            result.unmatched.append(line)
            continue
        exact = [ref for ref in found if expected[ref] == line.amount]
        if not exact:
            result.amount_mismatches.append((found[0], expected[found[0]], line))
            continue
        reference = exact[0]
        match = PaymentMatch(reference, line.amount, line)
        if reference in result.matched_references:
            result.duplicates.append(match)
        else:
            result.matches.append(match)
    return result


# ---------------------------------------------------------------- registry

PAYMENT_PROVIDERS: dict[str, type[Any]] = {"vietqr": VietQrProvider}


def get_payment_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider (``settings.PAYMENT_PROVIDER``: short name or dotted path)."""
    name = name or getattr(settings, "PAYMENT_PROVIDER", "vietqr") or "vietqr"
    cls = PAYMENT_PROVIDERS.get(name) or import_string(name)
    provider = cls()
    if not isinstance(provider, PaymentProvider):
        raise TypeError("%s is not a PaymentProvider" % name)
    return provider
