"""Demo data of the documents app: officers, PKI (DEMO CA), books and a few dozen documents.

Officers added here (password ``congso-demo``): ``lanhdaotinh`` (Chủ tịch UBND tỉnh, leader of
ubnd-tinh and vp-ubnd), ``chuyenvientinh`` (specialist of vp-ubnd and ubnd-tinh),
``vanthuphuong`` (clerk of phuong-vi-thanh), ``vanthusotp`` and ``lanhdaosotp`` (clerk and
leader of so-tu-phap). ``vanthu`` (clerk of vp-ubnd/ubnd-tinh) and ``lanhdao`` (leader of
phuong-vi-thanh) come from the accounts demo and get certificates here.

Idempotent: documents are created only when the demo agencies have none, and PKI material is
reused when its key file still exists.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from congso.accounts.models import User
from congso.agencies.models import Agency, Membership, Role
from congso.documents import pki, rendering, services
from congso.documents.constants import DOCUMENT_TYPES, AssignmentRole, Confidentiality, Urgency
from congso.documents.models import Document, DocumentType

DEMO_PASSWORD = "congso-demo"  # noqa: S105 - documented demo password

#: username, full name, [(agency slug, role, title)]
OFFICERS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "lanhdaotinh",
        "Trần Quốc Bảo",
        [
            ("ubnd-tinh", Role.LEADER, "Chủ tịch UBND tỉnh"),
            ("vp-ubnd", Role.LEADER, "Chủ tịch UBND tỉnh"),
        ],
    ),
    (
        "chuyenvientinh",
        "Lê Minh Khoa",
        [
            ("vp-ubnd", Role.SPECIALIST, "Chuyên viên Văn phòng UBND tỉnh"),
            ("ubnd-tinh", Role.SPECIALIST, "Chuyên viên Văn phòng UBND tỉnh"),
        ],
    ),
    ("vanthuphuong", "Đặng Thị Thu", [("phuong-vi-thanh", Role.CLERK, "Văn thư UBND phường")]),
    ("vanthusotp", "Ngô Thị Lan", [("so-tu-phap", Role.CLERK, "Văn thư Sở Tư pháp")]),
    ("lanhdaosotp", "Phan Văn Đức", [("so-tu-phap", Role.LEADER, "Giám đốc Sở Tư pháp")]),
]


def ensure_document_types() -> None:
    """The Decree 30 types are seeded by a migration; a flushed database may have lost them."""
    for order, (type_code, type_name, abbreviation) in enumerate(DOCUMENT_TYPES, start=1):
        DocumentType.objects.get_or_create(
            code=type_code,
            defaults={"name": type_name, "abbreviation": abbreviation, "sort_order": order * 10},
        )


def ensure_officers() -> dict[str, User]:
    """Create (or update) the documents demo officers; returns every officer by username."""
    for username, full_name, memberships in OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, kind=User.Kind.OFFICER, full_name=full_name)
            user.set_password(DEMO_PASSWORD)
            user.email = "%s@demo.congso.local" % username
            user.save()
        for slug, role, title in memberships:
            Membership.objects.update_or_create(
                user=user,
                agency=Agency.objects.get(slug=slug),
                role=role,
                defaults={"title": title},
            )
    return {u.username: u for u in User.objects.filter(kind=User.Kind.OFFICER)}


def ensure_pki(people: dict[str, User]) -> None:
    for slug in ("ubnd-tinh", "vp-ubnd", "so-tu-phap", "phuong-vi-thanh"):
        pki.ensure_agency_certificate(Agency.objects.get(slug=slug))
    for username, slug, title in (
        ("lanhdaotinh", "ubnd-tinh", "Chủ tịch UBND tỉnh"),
        ("lanhdao", "phuong-vi-thanh", "Phó Chủ tịch UBND phường"),
        ("lanhdaosotp", "so-tu-phap", "Giám đốc Sở Tư pháp"),
    ):
        if username in people:
            pki.ensure_personal_certificate(people[username], Agency.objects.get(slug=slug), title)


def sample_pdf(title: str, body: str, agency: Agency) -> bytes:
    """A born-digital incoming document from an outside agency (text layer in Vietnamese)."""
    return rendering.render_document(
        rendering.Layout(
            parent_agency="BỘ NỘI VỤ" if "Bộ" in agency.name else "",
            agency=agency.name,
            symbol_suffix="",
            number=None,
            place="Hà Nội",
            date=None,
            type_name="",
            summary=title,
            body=body,
            signing_authority="KT. BỘ TRƯỞNG",
            signer_title="THỨ TRƯỞNG",
            signer_name="Nguyễn Văn Mẫu",
            recipients=["UBND các tỉnh, thành phố"],
        )
    )


TYPE_ABBREVIATIONS = {code: abbr for code, _name, abbr in DOCUMENT_TYPES}

INCOMING = [
    (
        "cong-van",
        "Bộ Nội vụ",
        "Về việc hướng dẫn sắp xếp đơn vị hành chính cấp xã năm 2026",
        "Bộ Nội vụ hướng dẫn các tỉnh rà soát, sắp xếp đơn vị hành chính cấp xã, báo cáo kết quả "
        "thực hiện trước ngày 15 tháng 12.",
    ),
    (
        "quyet-dinh",
        "Thủ tướng Chính phủ",
        "Quyết định phê duyệt Đề án chuyển đổi số quốc gia giai đoạn 2026-2030",
        "Phê duyệt Đề án chuyển đổi số quốc gia; các bộ, ngành, địa phương "
        "xây dựng kế hoạch triển khai.",
    ),
    (
        "ke-hoach",
        "Bộ Thông tin và Truyền thông",
        "Kế hoạch triển khai dịch vụ công trực tuyến toàn trình",
        "Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình, thanh toán trực tuyến phí, lệ phí.",
    ),
    (
        "thong-bao",
        "Văn phòng Chính phủ",
        "Thông báo kết luận của Thủ tướng về cải cách hành chính",
        "Thủ tướng yêu cầu các địa phương rút ngắn thời gian giải quyết thủ tục hành chính.",
    ),
    (
        "giay-moi",
        "Bộ Tư pháp",
        "Giấy mời dự hội nghị tập huấn công tác hộ tịch",
        "Kính mời đại diện lãnh đạo Sở Tư pháp dự hội nghị tập huấn về đăng ký hộ tịch điện tử.",
    ),
    (
        "bao-cao",
        "Sở Tài chính",
        "Báo cáo tình hình thực hiện dự toán ngân sách quý III",
        "Tổng thu ngân sách trên địa bàn đạt 78 phần trăm dự toán; chi thường xuyên bảo đảm.",
    ),
    (
        "cong-van",
        "Sở Nông nghiệp và Môi trường",
        "Về phòng chống hạn mặn mùa khô 2026-2027",
        "Đề nghị các xã, phường chủ động nạo vét kênh mương, tích trữ nước ngọt.",
    ),
    (
        "to-trinh",
        "Sở Xây dựng",
        "Tờ trình phê duyệt quy hoạch chung đô thị Vị Thanh",
        "Kính trình UBND tỉnh xem xét phê duyệt đồ án quy hoạch chung đô thị.",
    ),
]

SENDER_SYMBOLS = {
    sender: {
        code: (
            "%s-%s" % (TYPE_ABBREVIATIONS[code], abbr) if TYPE_ABBREVIATIONS[code] else abbr + "-VP"
        )
        for code in {c for c, *_ in INCOMING}
    }
    for sender, abbr in [
        ("Bộ Nội vụ", "BNV"),
        ("Thủ tướng Chính phủ", "TTg"),
        ("Bộ Thông tin và Truyền thông", "BTTTT"),
        ("Văn phòng Chính phủ", "VPCP"),
        ("Bộ Tư pháp", "BTP"),
        ("Sở Tài chính", "STC"),
        ("Sở Nông nghiệp và Môi trường", "SNNMT"),
        ("Sở Xây dựng", "SXD"),
    ]
}

OUTGOING = [
    (
        "quyet-dinh",
        "Quyết định công bố danh mục thủ tục hành chính được chuẩn hóa thuộc thẩm "
        "quyền giải quyết của UBND cấp xã",
        "Công bố kèm theo Quyết định này danh mục thủ tục hành "
        "chính được chuẩn hóa.\nQuyết định có hiệu lực kể từ ngày ký.",
        "",
    ),
    (
        "ke-hoach",
        "Kế hoạch cải cách hành chính năm 2027 của tỉnh Hậu Giang",
        "Nâng cao chỉ số hài lòng của người dân; số hóa hồ sơ, kết quả giải quyết thủ tục hành "
        "chính.",
        "",
    ),
    (
        "cong-van",
        "Về việc đôn đốc giải quyết hồ sơ quá hạn tại bộ phận một cửa",
        "Ủy ban nhân dân tỉnh đề nghị các sở, ngành và UBND cấp xã khẩn trương giải quyết hồ sơ "
        "quá hạn, gửi thư xin lỗi người dân theo quy định.",
        "VP",
    ),
    (
        "thong-bao",
        "Thông báo lịch tiếp công dân tháng 12 năm 2026",
        "Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở tiếp công dân.",
        "",
    ),
]


@transaction.atomic
def _load_documents(people: dict[str, User]) -> int:
    rng = random.Random(30)  # noqa: S311 - demo data only
    tinh = Agency.objects.get(slug="ubnd-tinh")
    sotp = Agency.objects.get(slug="so-tu-phap")
    phuong = Agency.objects.get(slug="phuong-vi-thanh")
    vanthu, leader = people["vanthu"], people["lanhdaotinh"]
    specialist = people["chuyenvientinh"]
    ensure_document_types()
    types = {t.code: t for t in DocumentType.objects.all()}
    created = 0
    now = timezone.now()
    incoming_docs: list[Document] = []
    for index, (code, sender, summary, body) in enumerate(INCOMING * 3):
        agency, clerk, boss = (
            (tinh, vanthu, leader)
            if index % 3 != 2
            else (phuong, people["vanthuphuong"], people["lanhdao"])
        )
        pdf = sample_pdf(summary, body, Agency(name=sender))
        document = services.document_register_incoming(
            actor=clerk,
            agency=agency,
            data=services.IncomingData(
                doc_type=types[code],
                summary=summary,
                original_symbol="%d/%s" % (rng.randint(100, 3000), SENDER_SYMBOLS[sender][code]),
                issuing_agency_name=sender,
                issued_on=(now - dt.timedelta(days=3 + index)).date(),
                signer_name="Nguyễn Văn Mẫu",
                urgency=Urgency.URGENT if index % 5 == 0 else Urgency.NORMAL,
                confidentiality=Confidentiality.SECRET if index == 7 else Confidentiality.NORMAL,
                received_at=now - dt.timedelta(days=index, hours=2),
                leader=boss,
            ),
            file_data=pdf,
            file_name="van-ban-den-%02d.pdf" % (index + 1),
        )
        incoming_docs.append(document)
        created += 1
        if index % 2 == 0:
            if document.is_confidential:
                services.assignment_create(
                    actor=boss,
                    document=document,
                    role=AssignmentRole.LEAD,
                    user=specialist,
                    unit=agency,
                    deadline_days=5,
                )
                continue
            lead_unit = Agency.objects.get(slug="vp-ubnd") if agency == tinh else agency
            services.assignment_create(
                actor=boss,
                document=document,
                role=AssignmentRole.LEAD,
                unit=lead_unit,
                deadline_days=rng.choice([0, 3, 5, 10]),
                deadline=(now - dt.timedelta(days=2)).date() if index % 4 == 0 else None,
                instruction="Giao chủ trì tham mưu, báo cáo kết quả.",
            )
            if agency == tinh:
                services.assignment_create(
                    actor=boss,
                    document=document,
                    role=AssignmentRole.COOPERATE,
                    unit=sotp,
                    deadline_days=5,
                )
                services.assignment_create(
                    actor=boss,
                    document=document,
                    role=AssignmentRole.INFORM,
                    unit=Agency.objects.get(slug="so-noi-vu"),
                )
    # Outgoing documents of UBND tỉnh along the whole workflow.
    stages = ["draft", "submitted", "approved", "issued", "sent", "sent", "sent", "sent"]
    for index, stage in enumerate(stages):
        code, summary, body, unit = OUTGOING[index % len(OUTGOING)]
        document = services.document_create_draft(
            actor=specialist,
            agency=tinh,
            data=services.DraftData(
                doc_type=types[code],
                summary=summary,
                body=body,
                drafting_unit=unit,
                signing_authority="TM. ỦY BAN NHÂN DÂN",
                signer_title="CHỦ TỊCH",
                signer_name=leader.get_full_name(),
                recipients=[sotp, phuong] if index % 2 == 0 else [sotp],
                recipients_text="Các sở, ban, ngành tỉnh",
                reply_to=incoming_docs[0] if index == 2 else None,
                leader=leader,
            ),
        )
        created += 1
        if stage == "draft":
            continue
        services.document_transition(actor=specialist, document=document, action="submit")
        if stage == "submitted":
            continue
        services.document_transition(actor=leader, document=document, action="approve")
        if stage == "approved":
            continue
        services.document_issue(actor=vanthu, document=document)
        if stage == "issued":
            continue
        services.document_sign(actor=leader, document=document)
        services.document_sign(actor=vanthu, document=document)
        services.document_send(actor=vanthu, document=document)
    return created


def load(stdout: Any = None) -> None:
    people = ensure_officers()
    ensure_pki(people)
    if Document.objects.filter(agency__slug__in=["ubnd-tinh", "phuong-vi-thanh"]).exists():
        if stdout:
            stdout.write("  văn bản: đã có dữ liệu mẫu, bỏ qua\n")
        return
    created = _load_documents(people)
    if stdout:
        stdout.write(
            "  văn bản: %d (đến, đi); cán bộ thêm: %s; chứng thư số DEMO đã cấp\n"
            % (created, ", ".join(o[0] for o in OFFICERS))
        )
