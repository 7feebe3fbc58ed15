"""VietQR payment requests (EMVCo MPM payload, CRC) and bank statement reconciliation."""

from __future__ import annotations

import binascii
import datetime as dt
import io
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from congso.core import payments
from congso.core.payments import (
    PaymentError,
    StatementLine,
    VietQrProvider,
    build_vietqr_payload,
    crc16_ccitt,
    decode_vietqr,
    parse_amount,
    parse_statement,
    parse_tlv,
    reconcile_by_reference,
    reference_in,
    transfer_purpose,
)

CODE = "000.00.00.H30-261125-0001"

#: A VietQR payload issued by a production payment intermediary (payOS, BIDV BIN 970418) as
#: published in a public repository; its CRC was computed by that issuer, not by this code.
ISSUED_SAMPLE = (
    "00020101021238590010A000000727012900069704180115V3CAS62627239240208QRIBFTTA"
    "530370454063750005802VN62250821CSPZKHEL6A2 NTK O000463044729"
)


@pytest.fixture
def provider(settings) -> VietQrProvider:
    settings.VIETQR_BANK_BIN = "970418"
    settings.VIETQR_ACCOUNT_NO = "8600123456"
    settings.VIETQR_ACCOUNT_NAME = "TRUNG TAM PHUC VU HANH CHINH CONG TINH HAU GIANG"
    return VietQrProvider()


# ---------------------------------------------------------------- CRC and TLV


def test_crc_matches_the_reference_algorithm_on_a_known_string():
    # "123456789" is the standard check input; CRC-16/CCITT-FALSE of it is 0x29B1.
    assert crc16_ccitt(b"123456789") == 0x29B1
    assert crc16_ccitt(b"123456789") == binascii.crc_hqx(b"123456789", 0xFFFF)


@given(st.binary(max_size=300))
def test_crc_agrees_with_binascii_on_any_input(data):
    assert crc16_ccitt(data) == binascii.crc_hqx(data, 0xFFFF)


def test_crc_of_a_bank_issued_payload_is_reproduced():
    assert payments.verify_crc(ISSUED_SAMPLE)
    assert "%04X" % crc16_ccitt(ISSUED_SAMPLE[:-4].encode()) == "4729"


def test_bank_issued_payload_parses_back():
    decoded = decode_vietqr(ISSUED_SAMPLE)

    assert decoded["guid"] == "A000000727"
    assert decoded["bank_bin"] == "970418"
    assert decoded["account_no"] == "V3CAS6262723924"
    assert decoded["service"] == "QRIBFTTA"
    assert decoded["amount"] == 375000
    assert decoded["purpose"] == "CSPZKHEL6A2 NTK O0004"


def test_payload_structure_follows_the_napas_profile(provider):
    request = provider.create_request(reference=CODE, amount=150000, description="Lệ phí")
    payload = request.payload

    fields = parse_tlv(payload)
    tags = [tag for tag, _ in fields]
    assert tags == ["00", "01", "38", "53", "54", "58", "62", "63"]
    top = dict(fields)
    assert top["00"] == "01"
    assert top["01"] == "12"  # dynamic: the amount is fixed
    assert top["53"] == "704"
    assert top["54"] == "150000"
    assert top["58"] == "VN"
    merchant = parse_tlv(top["38"])
    assert merchant[0] == ("00", "A000000727")
    assert parse_tlv(merchant[1][1]) == [("00", "970418"), ("01", "8600123456")]
    assert merchant[2] == ("02", "QRIBFTTA")
    assert parse_tlv(top["62"]) == [("08", "000.00.00.H30-261125-0001")]
    # Field 63 covers everything before it, including its own "6304" header.
    assert payload[-8:-4] == "6304"
    assert int(top["63"], 16) == binascii.crc_hqx(payload[:-4].encode(), 0xFFFF)


def test_lengths_are_two_digit_and_exact():
    payload = build_vietqr_payload(
        bank_bin="970436", account_no="0011001234567", amount=39000, purpose="MSMOLAR 1755518400001"
    )

    assert "38570010A00000072701270006970436011300110012345670208QRIBFTTA" in payload
    assert "540539000" in payload
    assert "62250821MSMOLAR 1755518400001" in payload


def test_malformed_tlv_is_rejected():
    with pytest.raises(ValueError):
        parse_tlv("0002010")
    with pytest.raises(ValueError):
        decode_vietqr(ISSUED_SAMPLE[:-1] + "0")


# ---------------------------------------------------------------- fields


@pytest.mark.parametrize(
    ("amount", "expected"), [(1, "1"), (150000, "150000"), (1_000_000_000, "1000000000")]
)
def test_amount_is_a_plain_integer_of_dong(amount, expected):
    assert payments.format_amount(amount) == expected


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "1000", 10**13])
def test_invalid_amounts_raise_a_vietnamese_error(amount):
    with pytest.raises(PaymentError) as excinfo:
        payments.format_amount(amount)
    assert excinfo.value.extra == {"field": "amount"}
    assert "Số tiền" in excinfo.value.message


def test_purpose_is_ascii_without_diacritics():
    purpose = transfer_purpose("HS-01", "Lệ phí đăng ký khai sinh")

    assert purpose == "HS-01 Le phi dang ky khai"
    assert purpose.isascii()
    assert len(purpose) <= 25


def test_purpose_never_truncates_the_reference():
    assert transfer_purpose(CODE, "Lệ phí") == CODE  # 25 characters: no room for more
    with pytest.raises(PaymentError):
        transfer_purpose(CODE + "9")
    with pytest.raises(PaymentError):
        transfer_purpose("“”")


def test_diacritics_in_the_reference_are_folded_in_field_62(provider):
    request = provider.create_request(reference="ĐKKS-Ấn-07", amount=50000)

    purpose = dict(parse_tlv(dict(parse_tlv(request.payload))["62"]))["08"]
    assert purpose == "DKKS-An-07"
    assert request.payload.isascii()


def test_invalid_bank_settings_are_rejected():
    with pytest.raises(PaymentError):
        build_vietqr_payload(bank_bin="9704", account_no="1", amount=1, purpose="x")
    with pytest.raises(PaymentError):
        build_vietqr_payload(bank_bin="970436", account_no="12 34", amount=1, purpose="x")


# ---------------------------------------------------------------- request


def test_request_carries_png_qr_and_vietnamese_instructions(provider):
    request = provider.create_request(reference=CODE, amount=1_500_000, description="Phí")

    assert request.qr_png.startswith(b"\x89PNG\r\n\x1a\n")
    assert request.qr_data_uri.startswith("data:image/png;base64,iVBOR")
    assert Image.open(io.BytesIO(request.qr_png)).size[0] >= 200
    text = "\n".join(request.instructions)
    assert "Ngân hàng nhận: BIDV" in text
    assert "Số tài khoản: 8600123456" in text
    assert "Số tiền: 1.500.000 đ" in text
    assert "Nội dung chuyển khoản: %s" % CODE in text
    assert not request.is_demo
    assert "MINH HỌA" not in text


def test_demo_account_is_clearly_labelled(settings):
    settings.VIETQR_ACCOUNT_NO = ""

    request = payments.get_payment_provider().create_request(reference="HS-1", amount=10000)

    assert request.is_demo
    assert request.instructions[0].startswith("TÀI KHOẢN MINH HỌA")
    assert "DEMO" in request.account["account_name"]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_qr_image_decodes_to_the_payload(provider, tmp_path):
    request = provider.create_request(reference=CODE, amount=150000)
    path = tmp_path / "vietqr.png"
    path.write_bytes(request.qr_png)

    decoded = subprocess.run(  # noqa: S603
        ["zbarimg", "-q", "--raw", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()

    assert decoded == request.payload


def test_registry_rejects_an_unknown_provider():
    with pytest.raises(ImportError):
        payments.get_payment_provider("khong.ton.tai")


# ---------------------------------------------------------------- reconciliation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150000", 150000),
        ("150.000", 150000),
        ("1,500,000", 1500000),
        ("+50.000 VND", 50000),
        ("50000.00", 50000),
        ("1.500.000,00", 1500000),
        ("200.000 đ", 200000),
        ("-20,000", -20000),
    ],
)
def test_parse_amount_reads_bank_formats(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "12.5", "1.50000"])
def test_parse_amount_rejects_garbage(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("CT DEN:0123 000.00.00.H30-261125-0001 Le phi", True),
        ("MBVCB.123 0000000H302611250001 chuyen tien", True),  # punctuation dropped by the bank
        ("000 00 00 h30 261125 0001", True),  # spaces instead of dots, lower case
        ("000.00.00.H30-261125-00012", False),  # a different, longer code
        ("000.00.00.H30-261125-000", False),
        ("", False),
    ],
)
def test_reference_is_found_despite_bank_mangling(description, found):
    assert reference_in(description, CODE) is found


STATEMENT = """\ufeffNgày;Số tiền;Nội dung
25/11/2026;150.000;CT DEN:0123 0000000H302611250001 Le phi khai sinh
25/11/2026;150.000;IBFT 000.00.00.H30-261125-0001 nop lai
26/11/2026;200.000;000.00.00.H30-261125-0002
26/11/2026;-50.000;Phi dich vu SMS
2026-11-27;75.000;chuyen tien an trua
hôm qua;10.000;HS 0003
27/11/2026;abc;000.00.00.H30-261125-0003
27/11/2026;30.000
"""


def test_statement_is_parsed_with_errors_reported():
    lines, errors = parse_statement(STATEMENT)

    assert [line.line_no for line in lines] == [2, 3, 4, 6]
    assert lines[0] == StatementLine(
        2, dt.date(2026, 11, 25), 150000, "CT DEN:0123 0000000H302611250001 Le phi khai sinh"
    )
    assert lines[3].date == dt.date(2026, 11, 27)
    assert [number for number, _ in errors] == [7, 8, 9]
    assert all(message.startswith("Dòng") for _, message in errors)


def test_reconcile_matches_reference_and_exact_amount(provider):
    expected = {
        "000.00.00.H30-261125-0001": 150000,
        "000.00.00.H30-261125-0002": 100000,
        "000.00.00.H30-261125-0003": 10000,
    }

    result = provider.reconcile(STATEMENT, expected=expected)

    assert [(m.reference, m.line.line_no) for m in result.matches] == [
        ("000.00.00.H30-261125-0001", 2)
    ]
    assert [(m.reference, m.line.line_no) for m in result.duplicates] == [
        ("000.00.00.H30-261125-0001", 3)
    ]
    assert [(ref, amount, line.amount) for ref, amount, line in result.amount_mismatches] == [
        ("000.00.00.H30-261125-0002", 100000, 200000)
    ]
    assert [line.line_no for line in result.unmatched] == [6]
    assert len(result.errors) == 3
    assert result.matched_references == {"000.00.00.H30-261125-0001"}


def test_reconcile_prefers_the_longer_reference_when_codes_nest():
    lines = [StatementLine(1, None, 5000, "thanh toan HS-12")]

    result = reconcile_by_reference(lines, expected={"HS-1": 5000, "HS-12": 5000})

    assert [m.reference for m in result.matches] == ["HS-12"]


def test_reconcile_accepts_comma_separated_csv_with_quotes(provider):
    text = 'date,amount,description\n25/11/2026,"150,000","Nop phi, ma 000.00.00.H30-261125-0001"\n'

    result = provider.reconcile(text, expected={CODE: 150000})

    assert [m.reference for m in result.matches] == [CODE]
    assert result.errors == []
