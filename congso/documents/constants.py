"""Choices shared by the documents app (Decree 30/2020/NĐ-CP vocabulary)."""

from __future__ import annotations

from django.db import models


class Direction(models.TextChoices):
    INCOMING = "in", "Văn bản đến"
    OUTGOING = "out", "Văn bản đi"


class DocumentStatus(models.TextChoices):
    # Incoming documents
    REGISTERED = "registered", "Đã vào sổ, chờ phân công"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DONE = "done", "Đã xử lý xong"
    # Outgoing documents
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Chờ lãnh đạo duyệt"
    APPROVED = "approved", "Đã duyệt, chờ phát hành"
    ISSUED = "issued", "Đã cấp số, chờ ký số"
    SIGNED = "signed", "Đã ký số, chờ gửi"
    SENT = "sent", "Đã gửi"


class Urgency(models.TextChoices):
    """Độ khẩn (Decree 30, art. 9 and Appendix I)."""

    NORMAL = "normal", "Thường"
    URGENT = "khan", "Khẩn"
    VERY_URGENT = "thuong_khan", "Thượng khẩn"
    FLASH = "hoa_toc", "Hỏa tốc"


class Confidentiality(models.TextChoices):
    """Độ mật (Law on State Secrets Protection 2018)."""

    NORMAL = "normal", "Thường"
    SECRET = "mat", "Mật"
    TOP_SECRET = "toi_mat", "Tối mật"
    ULTRA_SECRET = "tuyet_mat", "Tuyệt mật"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    COOPERATE = "cooperate", "Phối hợp"
    INFORM = "inform", "Để biết"


class AssignmentStatus(models.TextChoices):
    OPEN = "open", "Đang xử lý"
    DONE = "done", "Đã xong"


class FileRole(models.TextChoices):
    ORIGINAL = "original", "Tệp gốc (văn bản đến)"
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Bản phát hành (đã có số)"
    SIGNED = "signed", "Bản đã ký số"
    ATTACHMENT = "attachment", "Tệp đính kèm"


#: Decree 30/2020, Appendix III: document types and their abbreviations (code, name, abbr).
DOCUMENT_TYPES: list[tuple[str, str, str]] = [
    ("nghi-quyet", "Nghị quyết", "NQ"),
    ("quyet-dinh", "Quyết định", "QĐ"),
    ("chi-thi", "Chỉ thị", "CT"),
    ("quy-che", "Quy chế", "QC"),
    ("quy-dinh", "Quy định", "QyĐ"),
    ("thong-cao", "Thông cáo", "TC"),
    ("thong-bao", "Thông báo", "TB"),
    ("huong-dan", "Hướng dẫn", "HD"),
    ("chuong-trinh", "Chương trình", "CTr"),
    ("ke-hoach", "Kế hoạch", "KH"),
    ("phuong-an", "Phương án", "PA"),
    ("de-an", "Đề án", "ĐA"),
    ("du-an", "Dự án", "DA"),
    ("bao-cao", "Báo cáo", "BC"),
    ("bien-ban", "Biên bản", "BB"),
    ("to-trinh", "Tờ trình", "TTr"),
    ("hop-dong", "Hợp đồng", "HĐ"),
    ("cong-van", "Công văn", ""),
    ("cong-dien", "Công điện", "CĐ"),
    ("ban-ghi-nho", "Bản ghi nhớ", "BGN"),
    ("ban-thoa-thuan", "Bản thỏa thuận", "BTT"),
    ("giay-uy-quyen", "Giấy ủy quyền", "GUQ"),
    ("giay-moi", "Giấy mời", "GM"),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT"),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP"),
    ("phieu-gui", "Phiếu gửi", "PG"),
    ("phieu-chuyen", "Phiếu chuyển", "PC"),
    ("phieu-bao", "Phiếu báo", "PB"),
    ("thu-cong", "Thư công", ""),
    ("ban-sao-y", "Bản sao y", "SY"),
    ("ban-trich-sao", "Bản trích sao", "TrS"),
    ("ban-sao-luc", "Bản sao lục", "SL"),
]
