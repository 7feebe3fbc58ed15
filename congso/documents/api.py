"""REST API of the document system (/api/v1/documents/…, /api/v1/assignments/…), thin views.

Every view parses its input with an explicit serializer, calls one service or selector, and
renders an explicit output serializer. Errors come out as ``{"message", "code", "extra"}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.accounts.models import User
from congso.agencies.models import Agency, Membership
from congso.core.api import PageNumberPagination
from congso.core.audit import client_ip
from congso.core.exceptions import ApplicationError, NotFoundError
from congso.documents import selectors, services
from congso.documents.constants import (
    AssignmentRole,
    Confidentiality,
    Direction,
    DocumentStatus,
    Urgency,
)
from congso.documents.models import Assignment, Document, DocumentFile, DocumentType
from congso.documents.workflow import available_actions

TAG = "documents"


# ---------------------------------------------------------------- helpers
def _agency(actor: Any, slug: str | None, *roles: str) -> Agency:
    """The agency named by ``slug`` among the actor's, or the only one where they hold ``roles``."""
    memberships = Membership.objects.filter(user=actor).select_related("agency")
    if roles:
        memberships = memberships.filter(role__in=roles)
    agencies = {m.agency.slug: m.agency for m in memberships}
    if slug:
        if slug not in agencies:
            raise ApplicationError(
                "Bạn không có vai trò phù hợp tại cơ quan %s." % slug,
                {"fields": {"agency": ["forbidden"]}},
            )
        return agencies[slug]
    if len(agencies) == 1:
        return next(iter(agencies.values()))
    raise ApplicationError(
        "Vui lòng chọn cơ quan (trường agency).", {"fields": {"agency": ["required"]}}
    )


def _doc_type(code: str) -> DocumentType:
    doc_type = DocumentType.objects.filter(code=code, is_active=True).first()
    if doc_type is None:
        raise ApplicationError("Loại văn bản không hợp lệ.", {"fields": {"doc_type": ["invalid"]}})
    return doc_type


def _user(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError("Không tìm thấy cán bộ %s." % username, {"fields": {"user": []}})
    return user


def _file_bytes(request: Request, field: str = "file", *, required: bool = True) -> bytes | None:
    upload = request.FILES.get(field)
    if upload is None:
        if required:
            raise ApplicationError("Vui lòng chọn tệp PDF.", {"fields": {field: ["required"]}})
        return None
    return upload.read()


def _roles(actor: Any, document: Document) -> set[str]:
    return services.roles_in(actor, document.agency)


# ---------------------------------------------------------------- output serializers
class FileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj: DocumentFile) -> str:
        return reverse("document-file-api", args=[obj.document_id, obj.pk])


class AssignmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    document_id = serializers.IntegerField()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    unit = serializers.CharField(source="unit.slug", allow_null=True, default=None)
    user = serializers.CharField(source="user.username", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee_name")
    instruction = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    is_overdue = serializers.BooleanField()
    assigned_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField()
    opinions = serializers.SerializerMethodField()

    def get_opinions(self, obj: Assignment) -> list[dict[str, Any]]:
        return [
            {"author": o.author.get_full_name(), "text": o.text, "at": o.created_at.isoformat()}
            for o in obj.opinions.all()
        ]


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField()
    agency = serializers.CharField(source="agency.slug")
    agency_name = serializers.CharField(source="agency.name")
    book = serializers.IntegerField(source="book_id", allow_null=True)
    doc_type = serializers.CharField(source="doc_type.code")
    doc_type_name = serializers.CharField(source="doc_type.name")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    year = serializers.IntegerField(allow_null=True)
    number = serializers.IntegerField(allow_null=True)
    symbol = serializers.CharField()
    incoming_number = serializers.IntegerField(allow_null=True)
    original_symbol = serializers.CharField()
    issuing_agency_name = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()
    signer_name = serializers.CharField()
    urgency = serializers.CharField()
    confidentiality = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()
    reply_to = serializers.IntegerField(source="reply_to_id", allow_null=True)
    source_document = serializers.IntegerField(source="source_document_id", allow_null=True)
    sender_agency = serializers.CharField(
        source="sender_agency.slug", allow_null=True, default=None
    )
    files = FileOutput(many=True, source="files.all")
    actions = serializers.SerializerMethodField()

    def get_actions(self, obj: Document) -> list[str]:
        actor = self.context.get("actor")
        if actor is None or obj.direction != Direction.OUTGOING:
            return []
        return [t.action for t in available_actions(obj.status, _roles(actor, obj))]


def _document(document: Document, actor: Any) -> dict[str, Any]:
    return DocumentOutput(document, context={"actor": actor}).data


class SignatureOutput(serializers.Serializer):
    field_name = serializers.CharField()  # type: ignore[assignment]
    signer = serializers.CharField()
    issuer = serializers.CharField()
    serial = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField()
    trusted = serializers.BooleanField()
    valid = serializers.BooleanField()
    ok = serializers.BooleanField()
    coverage = serializers.CharField()
    modification_level = serializers.CharField()
    verdict = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


class VerificationOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    error = serializers.CharField()
    file_id = serializers.IntegerField(allow_null=True, required=False)
    sha256 = serializers.CharField(required=False)
    signatures = SignatureOutput(many=True)


# ---------------------------------------------------------------- incoming
class IncomingApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class IncomingInputSerializer(serializers.Serializer):
        file = serializers.FileField(
            required=False, help_text="Tệp PDF (văn bản điện tử hoặc bản quét)."
        )
        agency = serializers.SlugField(required=False, help_text="Cơ quan nhận (slug).")
        doc_type = serializers.SlugField(default="cong-van")
        summary = serializers.CharField(max_length=2000)
        original_symbol = serializers.CharField(max_length=80, required=False, default="")
        issuing_agency_name = serializers.CharField(max_length=200, required=False, default="")
        issued_on = serializers.DateField(required=False, allow_null=True, default=None)
        signer_name = serializers.CharField(max_length=150, required=False, default="")
        urgency = serializers.ChoiceField(Urgency.choices, default=Urgency.NORMAL)
        confidentiality = serializers.ChoiceField(
            Confidentiality.choices, default=Confidentiality.NORMAL
        )
        deadline = serializers.DateField(required=False, allow_null=True, default=None)
        leader = serializers.CharField(
            required=False, default="", help_text="Tên đăng nhập lãnh đạo được trình."
        )

    @extend_schema(
        tags=[TAG],
        summary="Danh sách văn bản đến của các cơ quan của tôi",
        responses={200: DocumentOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.inbox(request.user), request, view=self)
        data = [_document(d, request.user) for d in page or []]
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=[TAG],
        summary="Vào sổ văn bản đến từ tệp PDF tải lên (văn thư)",
        request={"multipart/form-data": IncomingInputSerializer},
        responses={201: DocumentOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.IncomingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = _agency(request.user, v.get("agency"), "clerk")
        upload = request.FILES.get("file")
        document = services.document_register_incoming(
            actor=request.user,
            agency=agency,
            data=services.IncomingData(
                doc_type=_doc_type(v["doc_type"]),
                summary=v["summary"],
                original_symbol=v["original_symbol"],
                issuing_agency_name=v["issuing_agency_name"],
                issued_on=v["issued_on"],
                signer_name=v["signer_name"],
                urgency=v["urgency"],
                confidentiality=v["confidentiality"],
                deadline=v["deadline"],
                leader=_user(v["leader"]),
            ),
            file_data=upload.read() if upload else None,
            file_name=upload.name if upload else "",
            ip_address=client_ip(request._request),
        )
        return Response(_document(document, request.user), status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- outgoing
class OutgoingApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class OutgoingInputSerializer(serializers.Serializer):
        agency = serializers.SlugField(required=False)
        doc_type = serializers.SlugField()
        summary = serializers.CharField(max_length=2000)
        body = serializers.CharField(required=False, default="", allow_blank=True)
        drafting_unit = serializers.CharField(max_length=20, required=False, default="")
        signing_authority = serializers.CharField(max_length=60, required=False, default="")
        signer_title = serializers.CharField(max_length=150, required=False, default="")
        signer_name = serializers.CharField(max_length=150, required=False, default="")
        urgency = serializers.ChoiceField(Urgency.choices, default=Urgency.NORMAL)
        confidentiality = serializers.ChoiceField(
            Confidentiality.choices, default=Confidentiality.NORMAL
        )
        recipients = serializers.ListField(
            child=serializers.SlugField(),
            required=False,
            default=list,
            help_text="Cơ quan nhận trên nền tảng (slug).",
        )
        recipients_text = serializers.CharField(required=False, default="", allow_blank=True)
        reply_to = serializers.IntegerField(required=False, allow_null=True, default=None)
        leader = serializers.CharField(required=False, default="")
        deadline = serializers.DateField(required=False, allow_null=True, default=None)
        file = serializers.FileField(required=False, help_text="Dự thảo PDF (tuỳ chọn).")

    @extend_schema(
        tags=[TAG],
        summary="Danh sách văn bản đi của các cơ quan của tôi",
        responses={200: DocumentOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.outgoing(request.user), request, view=self)
        return paginator.get_paginated_response([_document(d, request.user) for d in page or []])

    @extend_schema(
        tags=[TAG],
        summary="Tạo dự thảo văn bản đi (JSON, hoặc multipart kèm tệp PDF)",
        request={
            "application/json": OutgoingInputSerializer,
            "multipart/form-data": OutgoingInputSerializer,
        },
        responses={201: DocumentOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.OutgoingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = _agency(request.user, v.get("agency"), "specialist", "clerk", "leader")
        recipients = list(Agency.objects.filter(slug__in=v["recipients"]))
        if len(recipients) != len(set(v["recipients"])):
            raise ApplicationError(
                "Có cơ quan nhận không tồn tại.", {"fields": {"recipients": ["invalid"]}}
            )
        reply_to = None
        if v["reply_to"]:
            reply_to = selectors.document_get_for(actor=request.user, document_id=v["reply_to"])
        upload = request.FILES.get("file")
        document = services.document_create_draft(
            actor=request.user,
            agency=agency,
            data=services.DraftData(
                doc_type=_doc_type(v["doc_type"]),
                summary=v["summary"],
                body=v["body"],
                drafting_unit=v["drafting_unit"],
                signing_authority=v["signing_authority"],
                signer_title=v["signer_title"],
                signer_name=v["signer_name"],
                urgency=v["urgency"],
                confidentiality=v["confidentiality"],
                recipients=recipients,
                recipients_text=v["recipients_text"],
                reply_to=reply_to,
                leader=_user(v["leader"]),
                deadline=v["deadline"],
            ),
            file_data=upload.read() if upload else None,
            file_name=upload.name if upload else "",
        )
        return Response(_document(document, request.user), status=status.HTTP_201_CREATED)


class OutgoingActionApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutgoingActionInputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        tags=[TAG],
        summary="Chuyển bước văn bản đi: submit (trình), approve (duyệt), return (trả lại), "
        "issue (cấp số), send (gửi)",
        request=OutgoingActionInputSerializer,
        responses={200: DocumentOutput},
    )
    def post(self, request: Request, document_id: int, action: str) -> Response:
        data = self.OutgoingActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        if action == "issue":
            document = services.document_issue(actor=request.user, document=document)
        elif action == "send":
            services.document_send(actor=request.user, document=document)
        elif action in ("submit", "approve", "return"):
            document = services.document_transition(
                actor=request.user,
                document=document,
                action=action,
                note=data.validated_data["note"],
            )
        else:
            raise NotFoundError("Không có thao tác %s." % action)
        document = selectors.document_get_for(actor=request.user, document_id=document.pk)
        return Response(_document(document, request.user))


# ---------------------------------------------------------------- one document
class DocumentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Chi tiết một văn bản", responses={200: DocumentOutput})
    def get(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        return Response(_document(document, request.user))


class DocumentSignApi(APIView):
    permission_classes = [IsAuthenticated]

    class DocumentSignOutputSerializer(serializers.Serializer):
        document = DocumentOutput()
        file = FileOutput()

    @extend_schema(
        tags=[TAG],
        summary="Ký số văn bản đã cấp số: lãnh đạo ký trước, văn thư ký số cơ quan sau",
        request=None,
        responses={200: DocumentSignOutputSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        item = services.document_sign(actor=request.user, document=document)
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        return Response(
            {"document": _document(document, request.user), "file": FileOutput(item).data}
        )


def _verification(result: Any, item: DocumentFile | None = None) -> dict[str, Any]:
    payload = {
        "ok": result.ok,
        "error": result.error,
        "file_id": item.pk if item else None,
        "signatures": [{**s.__dict__, "ok": s.ok, "verdict": s.verdict} for s in result.signatures],
    }
    if item is not None:
        payload["sha256"] = item.sha256
    return VerificationOutput(payload).data


class DocumentSignaturesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Kiểm tra chữ ký số của tệp hiện hành (toàn vẹn, tin cậy, người ký, thời điểm)",
        parameters=[OpenApiParameter("file", int, description="Mã tệp (mặc định: tệp hiện hành)")],
        responses={200: VerificationOutput},
    )
    def get(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        file_id = request.query_params.get("file")
        item: DocumentFile | None
        if file_id and file_id.isdigit():
            item = selectors.file_get_for(
                actor=request.user, document_id=document.pk, file_id=int(file_id)
            )
        else:
            item = document.current_file()
        if item is None:
            raise NotFoundError("Văn bản chưa có tệp.")
        result = services.file_verify(actor=request.user, item=item)
        return Response(_verification(result, item))


class SignatureVerifyApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    class SignatureVerifyInputSerializer(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        tags=[TAG],
        summary="Kiểm tra chữ ký số của một tệp PDF bất kỳ (không lưu tệp)",
        request={"multipart/form-data": SignatureVerifyInputSerializer},
        responses={200: VerificationOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.SignatureVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.verify_upload(data=data.validated_data["file"].read())
        return Response(_verification(result))


class DocumentFileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Tải tệp của văn bản (PDF)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, document_id: int, file_id: int) -> HttpResponse:
        item = selectors.file_get_for(actor=request.user, document_id=document_id, file_id=file_id)
        response = HttpResponse(item.read_bytes(), content_type=item.content_type)
        response["Content-Disposition"] = 'attachment; filename="%s"' % item.name.replace('"', "")
        return response


class PackageExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Xuất gói tin liên thông (ZIP: metadata.json, manifest.json, PDF đã ký)",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, document_id: int) -> HttpResponse:
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        blob = services.package_export(document=document)
        response = HttpResponse(blob, content_type="application/zip")
        name = (document.symbol or document.original_symbol or str(document.pk)).replace("/", "-")
        response["Content-Disposition"] = 'attachment; filename="goi-tin-%s.zip"' % name
        return response


class PackageImportApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    class PackageImportInputSerializer(serializers.Serializer):
        file = serializers.FileField()
        agency = serializers.SlugField(required=False)

    @extend_schema(
        tags=[TAG],
        summary="Nhận gói tin liên thông từ hệ thống bên ngoài (vào sổ văn bản đến)",
        request={"multipart/form-data": PackageImportInputSerializer},
        responses={201: DocumentOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.PackageImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agency = _agency(request.user, data.validated_data.get("agency"), "clerk")
        document = services.package_import(
            actor=request.user, agency=agency, data=data.validated_data["file"].read()
        )
        return Response(_document(document, request.user), status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- search
class DocumentSearchApi(APIView):
    permission_classes = [IsAuthenticated]

    class DocumentSearchFilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
        type = serializers.SlugField(required=False, default="")
        book = serializers.IntegerField(required=False, allow_null=True, default=None)
        agency = serializers.SlugField(required=False, default="")
        direction = serializers.ChoiceField(Direction.choices, required=False, default="")
        status = serializers.ChoiceField(DocumentStatus.choices, required=False, default="")
        date_from = serializers.DateField(required=False, allow_null=True, default=None)
        date_to = serializers.DateField(required=False, allow_null=True, default=None)
        page = serializers.IntegerField(required=False, min_value=1, max_value=500, default=1)

    class DocumentSearchOutputSerializer(serializers.Serializer):
        count = serializers.IntegerField(help_text="Số kết quả (tối đa 1001: 'hơn 1.000').")
        count_exact = serializers.BooleanField(
            help_text="false: rất nhiều văn bản khớp, kết quả xếp mới nhất trước và count chỉ là "
            "số tối thiểu (còn trang sau)."
        )
        page = serializers.IntegerField()
        ranked = serializers.BooleanField()
        results = DocumentOutput(many=True)

    @extend_schema(
        tags=[TAG],
        summary="Tìm kiếm toàn văn (không cần dấu) theo trích yếu, số ký hiệu, nội dung",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("type", str, description="Mã loại văn bản, ví dụ quyet-dinh"),
            OpenApiParameter("book", int),
            OpenApiParameter("agency", str),
            OpenApiParameter("direction", str, enum=Direction.values),
            OpenApiParameter("status", str, enum=DocumentStatus.values),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("page", int),
        ],
        responses={200: DocumentSearchOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params.copy()
        for src, dst in (("from", "date_from"), ("to", "date_to")):
            if src in params and dst not in params:
                params.setlist(dst, params.getlist(src))
        data = self.DocumentSearchFilterSerializer(data=params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        page_size = 20
        result = selectors.document_search(
            actor=request.user,
            filters=selectors.SearchFilters(
                q=v["q"],
                doc_type=v["type"],
                book=v["book"],
                agency=v["agency"],
                direction=v["direction"],
                status=v["status"],
                date_from=v["date_from"],
                date_to=v["date_to"],
            ),
            limit=page_size,
            offset=(v["page"] - 1) * page_size,
        )
        return Response(
            {
                "count": result.total,
                "count_exact": result.exact,
                "page": v["page"],
                "ranked": result.ranked,
                "results": [_document(d, request.user) for d in result.results],
            }
        )


# ---------------------------------------------------------------- assignments
class DocumentAssignmentsApi(APIView):
    permission_classes = [IsAuthenticated]

    class DocumentAssignmentsInputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(AssignmentRole.choices)
        unit = serializers.SlugField(required=False, default="", help_text="Đơn vị (slug).")
        user = serializers.CharField(required=False, default="", help_text="Tên đăng nhập.")
        deadline_days = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=0,
            max_value=365,
            help_text="Thời hạn tính bằng ngày làm việc kể từ hôm nay.",
        )
        deadline = serializers.DateField(required=False, allow_null=True, default=None)
        instruction = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        tags=[TAG],
        summary="Các phân công xử lý của văn bản",
        responses={200: AssignmentOutput(many=True)},
    )
    def get(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        items = document.assignments.select_related("unit", "user").prefetch_related(
            "opinions__author"
        )
        return Response(AssignmentOutput(items, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Lãnh đạo phân công: chủ trì (lead), phối hợp (cooperate), để biết (inform)",
        request=DocumentAssignmentsInputSerializer,
        responses={201: AssignmentOutput},
    )
    def post(self, request: Request, document_id: int) -> Response:
        data = self.DocumentAssignmentsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document = selectors.document_get_for(actor=request.user, document_id=document_id)
        unit = None
        if v["unit"]:
            unit = Agency.objects.filter(slug=v["unit"], is_active=True).first()
            if unit is None:
                raise ApplicationError("Không tìm thấy đơn vị.", {"fields": {"unit": ["invalid"]}})
        assignment = services.assignment_create(
            actor=request.user,
            document=document,
            role=v["role"],
            unit=unit,
            user=_user(v["user"]),
            deadline_days=v["deadline_days"],
            deadline=v["deadline"],
            instruction=v["instruction"],
        )
        return Response(AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Việc được giao: mine=1 (của tôi, đang xử lý), overdue=1 (quá hạn)",
        parameters=[OpenApiParameter("mine", int), OpenApiParameter("overdue", int)],
        responses={200: AssignmentOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        if request.query_params.get("overdue") == "1":
            qs = selectors.overdue_assignments(request.user)
        else:
            qs = selectors.assignments_for(
                request.user, open_only=request.query_params.get("all") != "1"
            )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs.prefetch_related("opinions__author"), request, self)
        return paginator.get_paginated_response(AssignmentOutput(page, many=True).data)


class AssignmentOpinionApi(APIView):
    permission_classes = [IsAuthenticated]

    class AssignmentOpinionInputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=5000)

    @extend_schema(
        tags=[TAG],
        summary="Ghi ý kiến xử lý",
        request=AssignmentOpinionInputSerializer,
        responses={201: AssignmentOutput},
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        data = self.AssignmentOpinionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = selectors.assignment_get_for(actor=request.user, assignment_id=assignment_id)
        services.opinion_add(
            actor=request.user, assignment=assignment, text=data.validated_data["text"]
        )
        return Response(AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    class AssignmentCloseInputSerializer(serializers.Serializer):
        result = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        tags=[TAG],
        summary="Kết thúc phần việc được giao",
        request=AssignmentCloseInputSerializer,
        responses={200: AssignmentOutput},
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        data = self.AssignmentCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = selectors.assignment_get_for(actor=request.user, assignment_id=assignment_id)
        assignment = services.assignment_close(
            actor=request.user, assignment=assignment, result=data.validated_data["result"]
        )
        return Response(AssignmentOutput(assignment).data)


class DocumentTypesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG],
        summary="Loại văn bản và chữ viết tắt (Phụ lục III Nghị định 30/2020)",
        responses={
            200: inline_serializer(
                "DocumentTypeOutput",
                {
                    "code": serializers.CharField(),
                    "name": serializers.CharField(),
                    "abbreviation": serializers.CharField(),
                },
                many=True,
            )
        },
    )
    def get(self, request: Request) -> Response:
        return Response(
            list(DocumentType.objects.filter(is_active=True).values("code", "name", "abbreviation"))
        )
