"""Printable one-stop forms (Circular 03/2025/TT-VPCP, Appendix I) as PDF.

Each form is data: a layout function builds a dict — issuing agency lines, code line, place-date
line, title, body blocks, signature blocks, QR — from a dossier, and :func:`render_layout` hands
any layout to :func:`congso.core.pdf.render_form`, which draws the frame every annexed form shares
(agency top-left, national motto top-right, title centred, place and date, signatures) with an
embedded Unicode font. Adding a form means writing one more layout function, never another
drawing routine.

Forms: 01 receipt-and-appointment slip, 02 supplement request, 03 refusal notice, 04 apology letter
with a proposed new date, 06 processing control sheet, 07 the desk's tracking book. Layouts follow the forms as reproduced by
provincial systems (research §1.3); check them against the circular's appendix before release.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from congso.core import formatting, qr
from congso.core import pdf as core_pdf

Layout = dict[str, Any]

BLANK_TIME = "…… giờ …… phút, ngày ……/……/………"


# ------------------------------------------------------------------------------ helpers


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def hour_date(moment: dt.datetime | None) -> str:
    """ "09 giờ 30 phút, ngày 25/11/2026" — the wording the forms use for a point in time."""
    local = _local(moment)
    if local is None:
        return BLANK_TIME
    return "%02d giờ %02d phút, ngày %s" % (local.hour, local.minute, local.strftime("%d/%m/%Y"))


def place_of(agency: Any) -> str:
    """The place before the date: "Vị Thanh" for Phường Vị Thanh, else the province's name."""
    short = (getattr(agency, "short_name", "") or "").strip()
    for prefix in ("Phường ", "Xã ", "Thị trấn ", "Đặc khu "):
        if short.startswith(prefix):
            return short[len(prefix) :]
    province = str(getattr(settings, "PROVINCE_NAME", "tỉnh Hậu Giang"))
    for prefix in ("tỉnh ", "thành phố "):
        if province.lower().startswith(prefix):
            return province[len(prefix) :]
    return province


def place_date(agency: Any, moment: dt.datetime | None = None) -> str:
    return core_pdf.vn_place_date(_local(moment) or timezone.localtime(), place_of(agency))


def agency_lines(agency: Any, unit: str = "") -> list[str]:
    """Top-left lines: the superior body, then the issuing agency or unit (last line, bold).

    A commune's desk prints "UBND PHƯỜNG VỊ THANH" over "BỘ PHẬN MỘT CỬA"; a department prints
    "UBND TỈNH HẬU GIANG" over its own name.
    """
    if agency is None:
        return []
    if unit:
        if getattr(agency, "kind", "") == "commune" and getattr(agency, "short_name", ""):
            top = "%s %s" % (agency.abbreviation or "UBND", agency.short_name)
        else:
            top = agency.short_name or agency.name
        return [top.upper(), unit.upper()]
    if getattr(agency, "kind", "") == "commune" and getattr(agency, "short_name", ""):
        return ["ỦY BAN NHÂN DÂN", agency.short_name.upper()]
    lines: list[str] = []
    parent = getattr(agency, "parent", None)
    if parent is not None:
        lines.append(_superior_name(parent).upper())
    lines.append(agency.name.upper())
    return lines


def _superior_name(parent: Any) -> str:
    if getattr(parent, "kind", "") == "province":
        province = str(getattr(settings, "PROVINCE_NAME", "")).strip()
        if province:
            return "%s %s" % (parent.abbreviation or "UBND", province)
    return parent.short_name or parent.name


def lookup_url(dossier: Any) -> str:
    site = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return "%s/tra-cuu/?%s" % (site, urlencode({"code": dossier.code}))


def applicant_title(dossier: Any) -> str:
    if getattr(dossier, "applicant_kind", "person") == "organisation" and getattr(
        dossier, "organisation_name", ""
    ):
        return "%s (người đại diện: %s)" % (dossier.organisation_name, dossier.applicant_name)
    return "Ông/Bà %s" % dossier.applicant_name


def _officer_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() if hasattr(user, "get_full_name") else str(user)


def documents_received(dossier: Any) -> list[list[str]]:
    """Rows (no., document, form, quantity) of the documents received with the dossier.

    Online and digitised dossiers list what was uploaded per slot; a paper dossier received at the
    counter without scans lists the mandatory documents of the procedure.
    """
    required = list(dossier.procedure.required_documents.all())
    by_slot = {doc.slot: doc for doc in required}
    counts: dict[str, int] = {}
    for attachment in dossier.attachments.all():
        if attachment.kind in ("applicant", "supplement"):
            counts[attachment.slot] = counts.get(attachment.slot, 0) + 1
    rows: list[list[str]] = []
    if counts:
        for doc in required:
            if doc.slot in counts:
                rows.append(
                    [doc.name, doc.get_original_or_copy_display(), "%02d" % counts[doc.slot]]
                )
        extra = sum(n for slot, n in counts.items() if slot not in by_slot)
        if extra:
            rows.append(["Giấy tờ bổ sung", "Bản điện tử", "%02d" % extra])
    else:
        for doc in required:
            if doc.mandatory:
                rows.append([doc.name, doc.get_original_or_copy_display(), "%02d" % doc.copies])
    return [[str(i), *row] for i, row in enumerate(rows, start=1)]


def _processing_time(procedure: Any) -> str:
    return "%02d %s" % (
        procedure.processing_time_value,
        procedure.get_processing_time_unit_display(),
    )


def _fee_line(dossier: Any) -> str:
    amount = getattr(dossier, "fee_amount", 0) or 0
    if not amount:
        return "Miễn phí"
    paid = "đã nộp" if getattr(dossier, "paid_at", None) else "chưa nộp"
    return "%s (%s)" % (formatting.format_vnd(amount), paid)


def _two_signatures(left: core_pdf.Signature | None, right: core_pdf.Signature) -> list[Any]:
    # A blank left cell keeps a single signer on the right, where the forms put the official.
    return [left or core_pdf.Signature(""), right]


# ------------------------------------------------------------------------------ layouts


def receipt_layout(dossier: Any) -> Layout:
    """Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    agency = dossier.receiving_agency or dossier.agency
    received_at = dossier.received_at or dossier.submitted_at
    facts = [
        ("Tiếp nhận hồ sơ của", applicant_title(dossier)),
        ("Số định danh cá nhân", dossier.applicant_personal_id or "……"),
        ("Địa chỉ", dossier.applicant_address or "……"),
        ("Số điện thoại", dossier.applicant_phone or "……"),
    ]
    if dossier.applicant_email:
        facts.append(("Thư điện tử", dossier.applicant_email))
    if getattr(dossier, "organisation_tax_code", ""):
        facts.append(("Mã số thuế", dossier.organisation_tax_code))
    facts.append(("Nội dung yêu cầu giải quyết", dossier.procedure.name))
    due = hour_date(dossier.due_at) if dossier.due_at else "sẽ thông báo khi tiếp nhận hồ sơ"
    return_place = "Bộ phận Tiếp nhận và Trả kết quả, %s" % agency.name
    if getattr(agency, "address", ""):
        return_place += " (%s)" % agency.address
    if dossier.channel == "online":
        return_place += "; hoặc nhận kết quả điện tử trên Cổng dịch vụ công"
    book_year = _local(received_at).year if received_at else "……"  # type: ignore[union-attr]
    url = lookup_url(dossier)
    return {
        "header_left": agency_lines(agency, "Bộ phận Một cửa"),
        "place_date_line": place_date(agency, received_at),
        "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "subtitle": "Mã hồ sơ: %s" % dossier.code,
        "body": [
            core_pdf.Para("Bộ phận Tiếp nhận và Trả kết quả %s" % agency.name),
            core_pdf.KeyValues(facts),
            core_pdf.Para("1. Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:"),
            core_pdf.Table(
                ["TT", "Tên giấy tờ", "Hình thức", "Số lượng"],
                documents_received(dossier),
                widths=[0.07, 0.58, 0.22, 0.13],
                align=["center", "left", "left", "center"],
            ),
            core_pdf.Para("2. Số lượng hồ sơ: 01 (bộ)."),
            core_pdf.Para(
                "3. Thời gian giải quyết hồ sơ theo quy định là: %s."
                % _processing_time(dossier.procedure)
            ),
            core_pdf.Para("4. Thời gian nhận hồ sơ: %s." % hour_date(received_at)),
            core_pdf.Para("5. Thời gian trả kết quả giải quyết hồ sơ: %s." % due, bold=True),
            core_pdf.Para("6. Đăng ký nhận kết quả tại: %s." % return_place),
            core_pdf.Para("7. Phí, lệ phí: %s." % _fee_line(dossier)),
            core_pdf.Para(
                "Vào Sổ theo dõi hồ sơ, Quyển số: %s, Số thứ tự: %s."
                % (book_year, dossier.code.rsplit("-", 1)[-1]),
                italic=True,
            ),
            core_pdf.Para(
                "Tra cứu tình trạng hồ sơ tại %s (nhập mã hồ sơ và số điện thoại hoặc số định "
                "danh cá nhân của người nộp), hoặc quét mã QR bên dưới." % url,
                italic=True,
                size=11,
            ),
        ],
        "signatures": [
            core_pdf.Signature("NGƯỜI NỘP HỒ SƠ", dossier.applicant_name, "(Ký và ghi rõ họ tên)"),
            core_pdf.Signature(
                "NGƯỜI TIẾP NHẬN HỒ SƠ",
                _officer_name(dossier.received_by),
                "(Ký và ghi rõ họ tên)",
            ),
        ],
        "qr_png": qr.qr_png(url, scale=6),
        "qr_caption": "Quét mã để tra cứu hồ sơ",
        "document_title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả %s" % dossier.code,
    }


def supplement_request_layout(dossier: Any, request: Any) -> Layout:
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (every missing item, once)."""
    agency = dossier.receiving_agency or dossier.agency
    body: list[Any] = [
        core_pdf.KeyValues(
            [
                ("Hồ sơ của", applicant_title(dossier)),
                ("Nội dung yêu cầu giải quyết", dossier.procedure.name),
                ("Thời gian nhận hồ sơ", hour_date(dossier.received_at or dossier.submitted_at)),
            ]
        ),
        core_pdf.Para(
            "Sau khi xem xét, đối chiếu thành phần hồ sơ, %s đề nghị %s bổ sung, hoàn thiện hồ sơ "
            "gồm những nội dung sau đây:" % (agency.name, applicant_title(dossier)),
            indent=True,
        ),
        *[
            core_pdf.Para("%d. %s" % (number, item), indent=True)
            for number, item in enumerate(request.items or [], start=1)
        ],
    ]
    if request.note:
        body.append(core_pdf.Para("Lý do, hướng dẫn: %s" % request.note, indent=True))
    contact = "Bộ phận Tiếp nhận và Trả kết quả, %s" % agency.name
    if getattr(agency, "phone", ""):
        contact += " (điện thoại: %s)" % agency.phone
    body += [
        core_pdf.Para(
            "Thời gian chờ bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết. Trong quá "
            "trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ %s để được hướng dẫn."
            % contact,
            indent=True,
        ),
        core_pdf.Para("Xin trân trọng cảm ơn./.", indent=True),
    ]
    return {
        "header_left": agency_lines(agency, "Bộ phận Một cửa"),
        "place_date_line": place_date(agency, request.requested_at),
        "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "subtitle": "Mã hồ sơ: %s" % dossier.code,
        "body": body,
        "signatures": _two_signatures(
            None,
            core_pdf.Signature(
                ["NGƯỜI HƯỚNG DẪN,", "TIẾP NHẬN HỒ SƠ"],
                _officer_name(request.requested_by),
                "(Ký và ghi rõ họ tên)",
            ),
        ),
        "document_title": "Phiếu yêu cầu bổ sung hồ sơ %s" % dossier.code,
    }


def _last_step(dossier: Any, action: str) -> Any:
    return dossier.steps.filter(action=action).order_by("-at").first()


def refusal_layout(dossier: Any) -> Layout:
    """Mẫu 03 — Phiếu từ chối tiếp nhận, giải quyết hồ sơ (with the legal reason)."""
    agency = dossier.agency or dossier.receiving_agency
    receiving = dossier.receiving_agency or agency
    step = _last_step(dossier, "reject")
    when = step.at if step else dossier.finished_at
    reason = dossier.rejection_reason or (step.note if step else "") or "……"
    return {
        "header_left": agency_lines(agency),
        "place_date_line": place_date(agency, when),
        "title": "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "subtitle": "Mã hồ sơ: %s" % dossier.code,
        "body": [
            core_pdf.Para(
                "Bộ phận Tiếp nhận và Trả kết quả %s tiếp nhận hồ sơ của %s."
                % (receiving.name, applicant_title(dossier)),
                indent=True,
            ),
            core_pdf.KeyValues(
                [
                    ("Nội dung yêu cầu giải quyết", dossier.procedure.name),
                    (
                        "Thời gian nhận hồ sơ",
                        hour_date(dossier.received_at or dossier.submitted_at),
                    ),
                ]
            ),
            core_pdf.Para(
                "Qua xem xét, %s thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể "
                "như sau:" % agency.name,
                indent=True,
            ),
            core_pdf.Para(reason, bold=True, indent=True),
            core_pdf.Para("Xin thông báo để Ông/Bà được biết và thực hiện./.", indent=True),
        ],
        "signatures": _two_signatures(
            None,
            core_pdf.Signature(
                "NGƯỜI CÓ THẨM QUYỀN",
                step.actor_name if step else "",
                "(Ký và ghi rõ họ tên)",
            ),
        ),
        "document_title": "Phiếu từ chối giải quyết hồ sơ %s" % dossier.code,
    }


def apology_layout(dossier: Any, letter: Any) -> Layout:
    """Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (with the new date)."""
    agency = dossier.agency or dossier.receiving_agency
    receiving = dossier.receiving_agency or agency
    original_due = getattr(dossier, "original_due_at", None) or dossier.due_at
    return {
        "header_left": agency_lines(agency),
        "place_date_line": place_date(agency, letter.issued_at),
        "title": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "subtitle": "Mã hồ sơ: %s" % dossier.code,
        "body": [
            core_pdf.Para("Kính gửi: %s." % applicant_title(dossier), align="center"),
            core_pdf.Para(
                "Ngày %s, %s tiếp nhận hồ sơ của Ông/Bà, mã hồ sơ %s, đề nghị giải quyết thủ tục "
                "%s. Thời gian hẹn trả kết quả là %s."
                % (
                    formatting.format_date(dossier.received_at),
                    receiving.name,
                    dossier.code,
                    dossier.procedure.name,
                    hour_date(original_due),
                ),
                indent=True,
            ),
            core_pdf.Para(
                "Tuy nhiên đến nay, %s chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng hạn. "
                "Lý do: %s" % (agency.name, letter.reason),
                indent=True,
            ),
            core_pdf.Para(
                "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. %s xin lỗi "
                "Ông/Bà và đề nghị gia hạn thời gian trả kết quả đến: %s."
                % (agency.name, hour_date(letter.new_due_at)),
                indent=True,
            ),
            core_pdf.Para("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.", indent=True),
        ],
        "signatures": [
            core_pdf.Signature(
                ["ĐẠI DIỆN CƠ QUAN, ĐƠN VỊ", "ĐỂ XẢY RA QUÁ HẠN"],
                _officer_name(letter.issued_by),
                "(Ký, ghi rõ họ tên và đóng dấu)",
            )
        ],
        "recipients": ["- Như trên;", "- Lưu: VT, hồ sơ."],
        "document_title": "Văn bản xin lỗi hồ sơ %s" % dossier.code,
    }


#: Who holds the dossier after each action, for the control sheet's "TÊN CƠ QUAN" column.
STEP_UNITS = {
    "submit": "Người nộp hồ sơ (trực tuyến)",
    "receive": "Bộ phận Tiếp nhận và Trả kết quả",
    "request_supplement": "Bộ phận Tiếp nhận và Trả kết quả",
    "supplement": "Người nộp hồ sơ (bổ sung)",
    "forward": "Chuyên viên thụ lý",
    "send_back": "Lãnh đạo",
    "approve": "Lãnh đạo",
    "reject": "Cơ quan giải quyết",
    "return_result": "Bộ phận Tiếp nhận và Trả kết quả",
    "withdraw": "Người nộp hồ sơ",
}


def timeliness(at: dt.datetime, due: dt.datetime | None) -> str:
    """Trước hạn / Đúng hạn / Quá hạn of a hand-over against the appointment."""
    local_at, local_due = _local(at), _local(due)
    if local_at is None or local_due is None:
        return ""
    if local_at > local_due:
        return "Quá hạn"
    if local_at.date() == local_due.date():
        return "Đúng hạn"
    return "Trước hạn"


def control_sheet_layout(dossier: Any) -> Layout:
    """Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over."""
    agency = dossier.receiving_agency or dossier.agency
    steps = list(dossier.steps.order_by("at", "pk"))
    rows: list[list[str]] = []
    for index, step in enumerate(steps):
        if step.action not in STEP_UNITS:
            continue
        # Whoever acts next on the dossier took it over (e.g. the specialist's "start").
        following = next(
            (s for s in steps[index + 1 :] if s.action not in ("attach", "mark_paid", "rate")),
            None,
        )
        receiver = following.actor_name if following else ""
        if following is None and dossier.current_handler_id:
            receiver = _officer_name(dossier.current_handler)
        rows.append(
            [
                STEP_UNITS[step.action],
                "1. Giao: %s\n2. Nhận: %s\nNgười giao: %s\nNgười nhận: %s"
                % (
                    hour_date(step.at),
                    hour_date(following.at) if following else BLANK_TIME,
                    step.actor_name or "……",
                    receiver or "……",
                ),
                timeliness(step.at, dossier.due_at),
                step.note or "",
            ]
        )
    return {
        "header_left": agency_lines(agency, "Bộ phận Một cửa"),
        "place_date_line": place_date(agency, dossier.received_at or dossier.submitted_at),
        "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "subtitle": "Mã hồ sơ: %s" % dossier.code,
        "body": [
            core_pdf.Para(
                "(Kèm theo hồ sơ của %s)" % applicant_title(dossier), align="center", italic=True
            ),
            core_pdf.KeyValues(
                [
                    ("Thủ tục", dossier.procedure.name),
                    ("Thời gian nhận hồ sơ", hour_date(dossier.received_at)),
                    ("Thời gian hẹn trả kết quả", hour_date(dossier.due_at)),
                ]
            ),
            core_pdf.Table(
                [
                    "TÊN CƠ QUAN",
                    "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                    "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (trước hạn/ đúng hạn/ quá hạn)",
                    "GHI CHÚ",
                ],
                rows,
                widths=[0.22, 0.40, 0.16, 0.22],
                size=11,
            ),
        ],
        "signatures": [],
        "document_title": "Phiếu kiểm soát quá trình giải quyết hồ sơ %s" % dossier.code,
    }


def _two_lines(moment: dt.datetime | None) -> str:
    """ "08:30\n02/03/2026" — a time that fits a narrow column."""
    local = _local(moment)
    return local.strftime("%H:%M\n%d/%m/%Y") if local else ""


def register_layout(agency: Any, start: dt.date, end: dt.date, dossiers: Any) -> Layout:
    """Mẫu 07 — Sổ theo dõi hồ sơ: every dossier the desk received in [start, end]."""
    rows = []
    for number, dossier in enumerate(dossiers, start=1):
        notes = []
        if dossier.status == "rejected":
            notes.append("Từ chối")
        elif dossier.status == "withdrawn":
            notes.append("Rút hồ sơ")
        if dossier.is_late_flag:
            notes.append("Quá hạn")
        if dossier.supplement_count:
            notes.append("Có bổ sung")
        result = []
        if dossier.finished_at:
            result.append("Có KQ:\n%s" % formatting.format_date(dossier.finished_at))
        if dossier.returned_at:
            result.append("Đã trả:\n%s" % formatting.format_date(dossier.returned_at))
        rows.append(
            [
                str(number),
                dossier.code.replace("-", "-\n", 1),
                dossier.procedure.name,
                "%s\n%s" % (dossier.display_applicant, dossier.applicant_phone or ""),
                _two_lines(dossier.received_at),
                _two_lines(dossier.due_at),
                "\n".join(result),
                ", ".join(notes),
            ]
        )
    return {
        "header_left": agency_lines(agency, "Bộ phận Một cửa"),
        "place_date_line": place_date(agency),
        "title": "SỔ THEO DÕI HỒ SƠ",
        "subtitle": "Từ ngày %s đến ngày %s"
        % (start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")),
        "body": [
            core_pdf.Para("Số hồ sơ đã tiếp nhận: %d." % len(rows)),
            core_pdf.Table(
                [
                    "TT",
                    "Mã hồ sơ",
                    "Tên thủ tục",
                    "Người nộp, điện thoại",
                    "Ngày nhận",
                    "Hẹn trả",
                    "Kết quả",
                    "Ghi chú",
                ],
                rows,
                widths=[0.05, 0.15, 0.19, 0.15, 0.115, 0.115, 0.14, 0.09],
                size=8.5,
            ),
        ],
        "signatures": [core_pdf.Signature(["NGƯỜI LẬP SỔ"], "", "(Ký và ghi rõ họ tên)")],
        "document_title": "Sổ theo dõi hồ sơ %s" % agency.name,
    }


# ------------------------------------------------------------------------------ rendering


def render_layout(layout: Layout) -> bytes:
    """Any form layout → PDF bytes (A4, embedded Unicode font)."""
    return core_pdf.render_form(author="Công Số", **layout)


def render_receipt(dossier: Any) -> bytes:
    return render_layout(receipt_layout(dossier))


def render_supplement_request(dossier: Any, request: Any) -> bytes:
    return render_layout(supplement_request_layout(dossier, request))


def render_refusal(dossier: Any) -> bytes:
    return render_layout(refusal_layout(dossier))


def render_apology(dossier: Any, letter: Any) -> bytes:
    return render_layout(apology_layout(dossier, letter))


def render_control_sheet(dossier: Any) -> bytes:
    return render_layout(control_sheet_layout(dossier))


def render_register(agency: Any, start: dt.date, end: dt.date, dossiers: Any) -> bytes:
    return render_layout(register_layout(agency, start, end, dossiers))
