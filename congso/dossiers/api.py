"""Dossier API (the contract of the mobile app): thin views over services and selectors.

Every endpoint declares its input and output serializers and is documented with
``extend_schema``. Errors are ``{"message", "code", "extra"}`` with Vietnamese messages (403 when
the caller's role may not act, 404 when they may not see the dossier, 409 when its state does not
allow the action).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from congso.agencies.models import Agency
from congso.catalog.models import Procedure
from congso.core.audit import client_ip
from congso.core.exceptions import ApplicationError, ConflictError, NotFoundError
from congso.core.formatting import format_vnd
from congso.dossiers import selectors, services, workflow
from congso.dossiers.constants import RATING_CRITERIA, Channel, Status
from congso.dossiers.models import Dossier, day_end, day_start

TAGS = ["dossiers"]


# ---------------------------------------------------------------- shared output pieces
class StepSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_display = serializers.CharField(source="action_label")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor_name = serializers.CharField()
    agency = serializers.CharField(source="agency.name", default="")
    at = serializers.DateTimeField()
    note = serializers.CharField()
    public_note = serializers.CharField()


class PublicStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_display = serializers.CharField(source="action_label")
    status = serializers.CharField(source="to_status")
    status_display = serializers.CharField(source="to_status_label")
    at = serializers.DateTimeField()
    public_note = serializers.CharField()


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.CharField()
    kind = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return "/api/v1/dossiers/%s/attachments/%d/" % (obj.dossier.code, obj.id)


class DossierListItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    is_late = serializers.BooleanField()
    agency = serializers.SerializerMethodField()
    agency_name = serializers.SerializerMethodField()
    applicant_name = serializers.SerializerMethodField()

    def _officer(self, obj: Dossier) -> bool:
        actor = self.context.get("actor")
        return actor is not None and (obj.applicant_id != actor.pk or actor.is_officer)

    def get_agency(self, obj: Dossier) -> str | None:
        return obj.agency.slug if self._officer(obj) else None

    def get_agency_name(self, obj: Dossier) -> str:
        return obj.agency.name

    def get_applicant_name(self, obj: Dossier) -> str | None:
        return obj.display_applicant if self._officer(obj) else None


class DossierDetailSerializer(DossierListItemSerializer):
    national_status_code = serializers.IntegerField()
    rule_set = serializers.CharField()
    receiving_agency = serializers.CharField(source="receiving_agency.slug")
    receiving_agency_name = serializers.CharField(source="receiving_agency.name")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    appointment_at = serializers.DateTimeField(allow_null=True)
    is_due_soon = serializers.BooleanField()
    paused_at = serializers.DateTimeField(allow_null=True)
    paused_hours = serializers.FloatField()
    supplement_count = serializers.IntegerField()
    current_handler = serializers.SerializerMethodField()
    applicant = serializers.SerializerMethodField()
    form = serializers.JSONField(source="form_data")
    fee_amount = serializers.IntegerField()
    fee_display = serializers.SerializerMethodField()
    paid_at = serializers.DateTimeField(allow_null=True)
    payment_method = serializers.CharField()
    result_digitised = serializers.BooleanField()
    rejection_reason = serializers.CharField()
    attachments = AttachmentOutputSerializer(many=True)
    supplement_requests = serializers.SerializerMethodField()
    apology = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    def get_fee_display(self, obj: Dossier) -> str:
        return format_vnd(obj.fee_amount) if obj.fee_amount else "Miễn phí"

    def get_current_handler(self, obj: Dossier) -> str | None:
        handler = obj.current_handler
        return handler.get_full_name() if handler else None

    def get_applicant(self, obj: Dossier) -> dict[str, Any]:
        return {
            "kind": obj.applicant_kind,
            "name": obj.applicant_name,
            "personal_id": obj.applicant_personal_id,
            "phone": obj.applicant_phone,
            "email": obj.applicant_email,
            "address": obj.applicant_address,
            "organisation_name": obj.organisation_name,
            "organisation_tax_code": obj.organisation_tax_code,
            "has_account": obj.applicant_id is not None,
        }

    def get_supplement_requests(self, obj: Dossier) -> list[dict[str, Any]]:
        return [
            {
                "items": r.items,
                "note": r.note,
                "requested_at": r.requested_at,
                "fulfilled_at": r.fulfilled_at,
                "after_receipt": r.after_receipt,
            }
            for r in obj.supplement_requests.all()
        ]

    def get_apology(self, obj: Dossier) -> dict[str, Any] | None:
        letter = getattr(obj, "apology_letter", None) if hasattr(obj, "apology_letter") else None
        if letter is None:
            return None
        return {
            "reason": letter.reason,
            "new_due_at": letter.new_due_at,
            "issued_at": letter.issued_at,
        }

    def get_rating(self, obj: Dossier) -> dict[str, Any] | None:
        rating = getattr(obj, "rating", None) if hasattr(obj, "rating") else None
        if rating is None:
            return None
        return {
            "score": rating.score,
            "satisfied": rating.satisfied,
            "comment": rating.comment,
            "criteria": {k: getattr(rating, k) for k in RATING_CRITERIA},
            "rated_at": rating.rated_at,
        }

    def get_timeline(self, obj: Dossier) -> list[dict[str, Any]]:
        steps = selectors.timeline(obj)
        data = StepSerializer(steps, many=True).data
        if not self.context.get("is_officer"):
            # The applicant sees the public notes, not the officers' internal remarks.
            for row in data:
                row["note"] = ""
        return list(data)

    def get_allowed_actions(self, obj: Dossier) -> list[str]:
        return workflow.allowed_actions(self.context.get("actor"), obj)


def _detail(request: Request, dossier: Dossier, status_code: int = 200) -> Response:
    actor = request.user
    context = {"actor": actor, "is_officer": selectors.is_officer_of(actor, dossier)}
    return Response(DossierDetailSerializer(dossier, context=context).data, status=status_code)


def _reload(actor: Any, code: str) -> Dossier:
    return selectors.dossier_get_for(actor=actor, code=code)


# ---------------------------------------------------------------- list and create
class ApplicantInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "organisation"], required=False)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    personal_id = serializers.CharField(max_length=12, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organisation_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organisation_tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True)


def _agency_by_key(key: str, field: str) -> Agency:
    key = (key or "").replace("\x00", "").strip()
    agency = Agency.objects.filter(slug=key).first() or Agency.objects.filter(code=key).first()
    if agency is None:
        raise ApplicationError(
            "Không tìm thấy cơ quan %s." % key, {"fields": {field: ["Không tồn tại."]}}
        )
    return agency


def _parse_iso_date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(
            "Ngày không hợp lệ ở tham số %s: cần định dạng ISO yyyy-mm-dd." % field,
            {"fields": {field: ["Định dạng yyyy-mm-dd."]}},
        ) from None


class DossierListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class DossierListCreateInputSerializer(serializers.Serializer):
        procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục.")
        applicant = ApplicantInputSerializer(required=False)
        form = serializers.DictField(required=False, default=dict)
        channel = serializers.ChoiceField(choices=Channel.values, required=False)
        agency = serializers.CharField(
            required=False, help_text="Cơ quan giải quyết (slug hoặc mã định danh)."
        )
        receiving_agency = serializers.CharField(required=False)
        submit = serializers.BooleanField(
            required=False, default=False, help_text="Nộp ngay (khi đã đủ giấy tờ)."
        )

    class DossierListCreateCreatedSerializer(serializers.Serializer):
        code = serializers.CharField()
        status = serializers.CharField()
        url = serializers.CharField()

    @extend_schema(
        tags=TAGS,
        summary="Danh sách hồ sơ người gọi được xem",
        parameters=[
            OpenApiParameter("status", str, description="Trạng thái (có thể nhiều, phân tách ,)"),
            OpenApiParameter("received_from", OpenApiTypes.DATE),
            OpenApiParameter("received_to", OpenApiTypes.DATE),
            OpenApiParameter("agency", str, description="slug hoặc mã cơ quan (gồm cấp dưới)"),
            OpenApiParameter("queue", str, enum=list(selectors.QUEUE_NAMES)),
            OpenApiParameter("q", str, description="Tìm theo mã, tên, số định danh, điện thoại"),
            OpenApiParameter("page", int),
        ],
        responses={200: DossierListItemSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        statuses = [s for s in params.get("status", "").split(",") if s]
        bad = [s for s in statuses if s not in Status.values]
        if bad:
            raise ApplicationError(
                "Trạng thái không hợp lệ: %s." % ", ".join(bad),
                {"fields": {"status": ["Giá trị hợp lệ: %s." % ", ".join(Status.values)]}},
            )
        received_from = _parse_iso_date(params.get("received_from", ""), "received_from")
        received_to = _parse_iso_date(params.get("received_to", ""), "received_to")
        if received_from and received_to and received_from > received_to:
            raise ApplicationError(
                "received_from phải trước hoặc bằng received_to.",
                {"fields": {"received_from": ["Khoảng ngày không hợp lệ."]}},
            )
        agency = _agency_by_key(params["agency"], "agency") if params.get("agency") else None
        queue_name = params.get("queue", "")
        if queue_name:
            qs = selectors.queue(request.user, queue_name)
        elif params.get("q"):
            qs = selectors.dossier_search(request.user, params["q"])
        else:
            qs = selectors.dossier_filter(request.user)
        qs = qs.order_by("-created_at", "-id") if not queue_name else qs
        if statuses:
            qs = qs.filter(status__in=statuses)
        if received_from:
            qs = qs.filter(received_at__gte=day_start(received_from))
        if received_to:
            qs = qs.filter(received_at__lt=day_end(received_to))
        if agency is not None:
            qs = qs.for_agency_tree(agency)
        from congso.core.api import PageNumberPagination

        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = DossierListItemSerializer(page, many=True, context={"actor": request.user}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=TAGS,
        summary="Tạo hồ sơ (công dân: hồ sơ trực tuyến; cán bộ một cửa: hồ sơ nộp trực tiếp)",
        request=DossierListCreateInputSerializer,
        responses={201: DossierListCreateCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.DossierListCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        procedure = Procedure.objects.filter(code=values["procedure"]).first()
        if procedure is None:
            raise ApplicationError(
                "Không tìm thấy thủ tục %s." % values["procedure"],
                {"fields": {"procedure": ["Không tồn tại."]}},
            )
        dossier = services.dossier_create(
            actor=request.user,
            procedure=procedure,
            applicant=dict(values.get("applicant") or {}),
            form_data=values.get("form") or {},
            channel=values.get("channel"),
            agency=_agency_by_key(values["agency"], "agency") if values.get("agency") else None,
            receiving_agency=(
                _agency_by_key(values["receiving_agency"], "receiving_agency")
                if values.get("receiving_agency")
                else None
            ),
        )
        if values.get("submit") and dossier.status == Status.DRAFT:
            dossier = services.dossier_submit(actor=request.user, dossier=dossier)
        return Response(
            {"code": dossier.code, "status": dossier.status, "url": dossier.get_absolute_url()},
            status=status.HTTP_201_CREATED,
        )


# ---------------------------------------------------------------- one dossier
class DossierDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Chi tiết hồ sơ, quá trình xử lý và các thao tác được phép",
        responses={200: DossierDetailSerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = _reload(request.user, code)
        services.dossier_record_view(
            actor=request.user, dossier=dossier, ip_address=client_ip(request._request)
        )
        return _detail(request, dossier)


class DossierAttachmentApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class DossierAttachmentInputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True, use_url=False)
        slot = serializers.CharField(max_length=40)

    @extend_schema(
        tags=TAGS,
        summary="Đính kèm tệp (PDF/JPEG/PNG, kiểm tra theo nội dung) vào một thành phần hồ sơ",
        request={"multipart/form-data": DossierAttachmentInputSerializer},
        responses={201: AttachmentOutputSerializer},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = _reload(request.user, code)
        if "file" not in request.FILES:
            raise ApplicationError("Chưa chọn tệp.", {"fields": {"file": ["Bắt buộc."]}})
        attachment = services.dossier_attach(
            actor=request.user,
            dossier=dossier,
            slot=str(request.data.get("slot", "")),
            uploaded_file=request.FILES["file"],
        )
        return Response(AttachmentOutputSerializer(attachment).data, status=201)


class DossierAttachmentDownloadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Tải tệp đính kèm của hồ sơ",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, code: str, pk: int) -> FileResponse:
        dossier = _reload(request.user, code)
        attachment = dossier.attachments.filter(pk=pk).first()
        if attachment is None:
            raise NotFoundError("Không tìm thấy tệp đính kèm.")
        try:
            handle = attachment.file.open("rb")
        except OSError:
            raise NotFoundError("Tệp đính kèm không còn trên máy chủ lưu trữ.") from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class DossierActionApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class DossierActionInputSerializer(serializers.Serializer):
        note = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, max_length=4000
        )
        reason = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, max_length=4000
        )
        items = serializers.ListField(
            child=serializers.CharField(max_length=500), required=False, max_length=30
        )
        new_due_at = serializers.CharField(
            required=False, allow_null=True, help_text="yyyy-mm-dd hoặc ISO 8601"
        )
        method = serializers.ChoiceField(choices=["counter", "online"], required=False)
        reference = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, max_length=100
        )
        score = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
        comment = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, max_length=2000
        )
        criteria = serializers.DictField(
            child=serializers.IntegerField(min_value=1, max_value=5), required=False
        )
        result_file = serializers.FileField(required=False, allow_empty_file=True)
        draft_result = serializers.FileField(required=False, allow_empty_file=True)

    @extend_schema(
        tags=TAGS,
        summary="Thực hiện một thao tác trên hồ sơ",
        description=(
            "Thao tác: "
            + ", ".join("`%s` (%s)" % (a, t.label) for a, t in workflow.TRANSITIONS.items())
            + ". Trả về hồ sơ sau khi cập nhật; 403 khi vai trò không được phép, 409 khi "
            "trạng thái không cho phép."
        ),
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(workflow.TRANSITIONS))
        ],
        request=DossierActionInputSerializer,
        responses={200: DossierDetailSerializer},
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        dossier = _reload(request.user, code)
        if action not in workflow.TRANSITIONS:
            raise ApplicationError(
                "Thao tác không tồn tại: %s." % action,
                {"allowed": list(workflow.TRANSITIONS)},
            )
        data = self.DossierActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        # Missing values are reported by the service after the role and state checks.
        services.dossier_perform(actor=request.user, dossier=dossier, action=action, **params)
        return _detail(request, _reload(request.user, code))


class DossierReceiptPdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        dossier = _reload(request.user, code)
        if dossier.received_at is None:
            raise ConflictError("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận.")
        from congso.dossiers import pdfs  # written alongside the HTML pages

        content = pdfs.render_receipt(dossier)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="giay-tiep-nhan-%s.pdf"' % dossier.code
        return response


# ---------------------------------------------------------------- payment
class DossierPaymentApi(APIView):
    permission_classes = [IsAuthenticated]

    class DossierPaymentOutputSerializer(serializers.Serializer):
        provider = serializers.CharField()
        reference = serializers.CharField()
        amount = serializers.IntegerField()
        amount_display = serializers.CharField()
        payload = serializers.CharField(help_text="Chuỗi VietQR (EMVCo, có CRC)")
        qr_png_base64 = serializers.CharField()
        instructions = serializers.ListField(child=serializers.CharField())
        account = serializers.DictField(child=serializers.CharField())
        is_demo = serializers.BooleanField()
        state = serializers.CharField()

    @extend_schema(
        tags=TAGS,
        summary="Tạo mã VietQR để chuyển khoản phí, lệ phí của hồ sơ",
        request=None,
        responses={200: DossierPaymentOutputSerializer},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = _reload(request.user, code)
        payment, payment_request = services.payment_create(actor=request.user, dossier=dossier)
        return Response(
            {
                "provider": payment_request.provider,
                "reference": payment.reference,
                "amount": payment.amount,
                "amount_display": format_vnd(payment.amount),
                "payload": payment_request.payload,
                "qr_png_base64": base64.b64encode(payment_request.qr_png).decode("ascii"),
                "instructions": payment_request.instructions,
                "account": payment_request.account,
                "is_demo": payment_request.is_demo,
                "state": payment.state,
            }
        )


class PaymentReconcileApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class PaymentReconcileInputSerializer(serializers.Serializer):
        statement = serializers.CharField(
            required=False, allow_blank=True, help_text="CSV: ngày, số tiền, nội dung"
        )
        file = serializers.FileField(required=False, help_text="Tệp sao kê CSV (UTF-8)")

    @extend_schema(
        tags=["payments"],
        summary="Đối soát sao kê ngân hàng với các khoản chuyển khoản đang chờ",
        request=PaymentReconcileInputSerializer,
        responses={
            200: inline_serializer(
                "ReconcileResult",
                {
                    "matched": serializers.ListField(child=serializers.DictField()),
                    "amount_mismatches": serializers.ListField(child=serializers.DictField()),
                    "duplicates": serializers.ListField(child=serializers.DictField()),
                    "unmatched": serializers.ListField(child=serializers.DictField()),
                    "errors": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        data = self.PaymentReconcileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data.get("statement") or ""
        upload = data.validated_data.get("file")
        if upload is not None:
            if upload.size > 2_000_000:
                raise ApplicationError("Tệp sao kê quá lớn (tối đa 2 MB).")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ApplicationError("Tệp sao kê phải là CSV mã hoá UTF-8.") from None
        result = services.payment_reconcile(actor=request.user, statement=text)
        return Response(result)


# ---------------------------------------------------------------- public lookup and feedback
class LookupThrottle(AnonRateThrottle):
    """Public lookups are rate-limited per address so that codes cannot be enumerated."""

    scope = "dossier_lookup"
    rate = "30/min"

    def get_rate(self) -> str:
        return self.rate


class LookupApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LookupThrottle]

    class LookupOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        procedure = serializers.CharField(source="procedure.name")
        agency = serializers.CharField(source="agency.name")
        status = serializers.CharField()
        status_display = serializers.CharField(source="get_status_display")
        received_at = serializers.DateTimeField(allow_null=True)
        due_at = serializers.DateTimeField(allow_null=True)
        appointment_at = serializers.DateTimeField(allow_null=True)
        finished_at = serializers.DateTimeField(allow_null=True)
        returned_at = serializers.DateTimeField(allow_null=True)
        is_late = serializers.BooleanField()
        timeline = serializers.SerializerMethodField()

        def get_timeline(self, obj: Dossier) -> list[dict[str, Any]]:
            return list(PublicStepSerializer(selectors.timeline(obj, public=True), many=True).data)

    @extend_schema(
        tags=["lookup"],
        summary="Tra cứu tình trạng hồ sơ bằng mã hồ sơ và số điện thoại hoặc số định danh",
        auth=[],
        parameters=[
            OpenApiParameter("code", str, required=True),
            OpenApiParameter("phone", str, description="Số điện thoại người nộp"),
            OpenApiParameter("personal_id", str, description="hoặc số định danh cá nhân"),
        ],
        responses={200: LookupOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("code", "").strip()
        secret = (
            request.query_params.get("phone")
            or request.query_params.get("personal_id")
            or request.query_params.get("id")
            or ""
        ).strip()
        if not code or not secret:
            raise ApplicationError(
                "Nhập mã hồ sơ và số điện thoại hoặc số định danh cá nhân của người nộp.",
                {"fields": {"code" if not code else "phone": ["Bắt buộc."]}},
            )
        dossier = selectors.dossier_lookup(code=code, phone_or_id=secret)
        if dossier is None:
            raise NotFoundError(
                "Không tìm thấy hồ sơ khớp với mã hồ sơ và số điện thoại/số định danh đã nhập."
            )
        return Response(self.LookupOutputSerializer(dossier).data)


class LookupRateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LookupThrottle]

    class LookupRateInputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=60)
        phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
        personal_id = serializers.CharField(max_length=12, required=False, allow_blank=True)
        score = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        criteria = serializers.DictField(
            child=serializers.IntegerField(min_value=1, max_value=5), required=False
        )

    class LookupRateOutputSerializer(serializers.Serializer):
        score = serializers.IntegerField()
        satisfied = serializers.BooleanField()
        rated_at = serializers.DateTimeField()

    @extend_schema(
        tags=["lookup"],
        summary="Đánh giá mức độ hài lòng bằng mã hồ sơ và số điện thoại (không cần tài khoản)",
        auth=[],
        request=LookupRateInputSerializer,
        responses={201: LookupRateOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.LookupRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        secret = values.get("phone") or values.get("personal_id") or ""
        if not secret:
            raise ApplicationError(
                "Nhập số điện thoại hoặc số định danh cá nhân của người nộp.",
                {"fields": {"phone": ["Bắt buộc."]}},
            )
        rating = services.dossier_rate_by_lookup(
            code=values["code"],
            phone_or_id=secret,
            score=values["score"],
            comment=values.get("comment", ""),
            criteria=values.get("criteria"),
        )
        return Response(
            {"score": rating.score, "satisfied": rating.satisfied, "rated_at": rating.rated_at},
            status=201,
        )


class FeedbackCreateApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]

    class FeedbackCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
        email = serializers.CharField(max_length=254, required=False, allow_blank=True)
        content = serializers.CharField(max_length=5000)
        code = serializers.CharField(max_length=60, required=False, allow_blank=True)

    class FeedbackCreateOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        tags=["lookup"],
        summary="Gửi phản ánh, kiến nghị (về một hồ sơ: kèm mã hồ sơ và số điện thoại)",
        request=FeedbackCreateInputSerializer,
        responses={201: FeedbackCreateOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.FeedbackCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dossier = None
        if values.get("code"):
            user = request.user if request.user.is_authenticated else None
            if user is not None:
                dossier = selectors.dossiers_visible_to(user).filter(code=values["code"]).first()
            if dossier is None:
                dossier = selectors.dossier_lookup(
                    code=values["code"], phone_or_id=values.get("phone", "")
                )
            if dossier is None:
                raise NotFoundError(
                    "Không tìm thấy hồ sơ khớp với mã hồ sơ và số điện thoại đã nhập."
                )
        feedback = services.feedback_create(
            actor=request.user,
            name=values.get("name", ""),
            phone=values.get("phone", ""),
            email=values.get("email", ""),
            content=values["content"],
            dossier=dossier,
        )
        return Response({"id": feedback.pk, "created_at": feedback.created_at}, status=201)


class QueueCountsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Số hồ sơ trong từng hàng đợi của cán bộ",
        responses={
            200: inline_serializer(
                "QueueCounts", {name: serializers.IntegerField() for name in selectors.QUEUE_NAMES}
            )
        },
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.queue_counts(request.user, now=timezone.now()))
