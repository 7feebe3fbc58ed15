"""Choices shared by the dossier models, services, API and pages."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Nháp"
    SUBMITTED = "submitted", "Đã nộp, chờ tiếp nhận"
    RECEIVED = "received", "Đã tiếp nhận"
    IN_PROGRESS = "in_progress", "Đang giải quyết"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "Chờ bổ sung"
    AWAITING_APPROVAL = "awaiting_approval", "Chờ phê duyệt"
    APPROVED = "approved", "Đã có kết quả"
    REJECTED = "rejected", "Từ chối giải quyết"
    RETURNED = "returned", "Đã trả kết quả"
    WITHDRAWN = "withdrawn", "Đã rút hồ sơ"


#: Status codes of the national public-service portal (TrangThaiHoSo, 1..10) used for
#: synchronisation and reporting. A refusal before receipt is 3 ("Không được tiếp nhận"), after
#: review 8 ("Dừng xử lý"); see :func:`national_status_code`.
NATIONAL_STATUS_CODES: dict[str, int] = {
    Status.DRAFT: 1,
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.IN_PROGRESS: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.AWAITING_APPROVAL: 4,
    Status.APPROVED: 9,
    Status.REJECTED: 8,
    Status.RETURNED: 10,
    Status.WITHDRAWN: 7,
}

NATIONAL_STATUS_NAMES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

#: States in which the dossier is with the administration and its clock may run.
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_APPROVAL,
)
#: States after a decision (approved or rejected), returned or not.
RESOLVED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.RETURNED)
FINAL_STATUSES = (Status.RETURNED, Status.WITHDRAWN)


class Channel(models.TextChoices):
    ONLINE = "online", "Trực tuyến"
    COUNTER = "counter", "Trực tiếp tại Bộ phận Một cửa"
    POST = "post", "Dịch vụ bưu chính công ích"


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class RuleSet(models.TextChoices):
    """The one-stop rules a dossier is handled under (kept for dossiers received before 1/7/2025)."""

    D118_2025 = "118/2025", "Nghị định 118/2025/NĐ-CP"
    D61_2018 = "61/2018", "Nghị định 61/2018/NĐ-CP (sửa đổi bởi 107/2021/NĐ-CP)"


class PaymentMethod(models.TextChoices):
    NONE = "", "Chưa thanh toán"
    ONLINE = "online", "Trực tuyến (chuyển khoản VietQR)"
    COUNTER = "counter", "Tại quầy"


class AttachmentKind(models.TextChoices):
    APPLICANT = "applicant", "Thành phần hồ sơ"
    SUPPLEMENT = "supplement", "Hồ sơ bổ sung"
    DRAFT_RESULT = "draft_result", "Dự thảo kết quả"
    RESULT = "result", "Kết quả giải quyết"
    RECEIPT = "receipt", "Giấy tiếp nhận"


class Action(models.TextChoices):
    """Workflow actions; the names are part of the API (``/actions/{action}/``)."""

    CREATE = "create", "Tạo hồ sơ"
    SUBMIT = "submit", "Nộp hồ sơ"
    RECEIVE = "receive", "Tiếp nhận hồ sơ"
    START = "start", "Nhận xử lý"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung"
    SUPPLEMENT = "supplement", "Bổ sung hồ sơ"
    REJECT = "reject", "Từ chối giải quyết"
    FORWARD = "forward", "Trình phê duyệt"
    SEND_BACK = "send_back", "Trả lại chuyên viên"
    APPROVE = "approve", "Phê duyệt"
    RETURN_RESULT = "return_result", "Trả kết quả"
    WITHDRAW = "withdraw", "Rút hồ sơ"
    ISSUE_APOLOGY = "issue_apology", "Xin lỗi, hẹn lại ngày trả"
    MARK_PAID = "mark_paid", "Xác nhận đã nộp phí"
    RATE = "rate", "Đánh giá mức độ hài lòng"
    ATTACH = "attach", "Đính kèm tệp"


#: Decision 766 satisfaction criteria the applicant scores 1..5 next to the overall score.
RATING_CRITERIA: dict[str, str] = {
    "reception": "Hướng dẫn, tiếp nhận hồ sơ",
    "timeliness": "Thời gian giải quyết",
    "attitude": "Thái độ, tinh thần phục vụ của cán bộ",
    "result": "Kết quả giải quyết",
    "publicity": "Công khai, minh bạch thông tin",
}
