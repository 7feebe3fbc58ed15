"""Public catalog API: search procedures, read one, compute its appointment date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.agencies.models import Agency
from congso.catalog import selectors
from congso.catalog.models import Field, Procedure
from congso.core.api import PageNumberPagination
from congso.core.exceptions import ApplicationError
from congso.core.formatting import WEEKDAYS, format_vnd


class _ProcessingTimeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProcessingTime"

    value = serializers.IntegerField(source="processing_time_value")
    unit = serializers.CharField(source="processing_time_unit")
    unit_display = serializers.CharField(source="get_processing_time_unit_display")
    note = serializers.CharField(source="processing_time_note")


def _absolute(request: Request, path: str) -> str:
    return request.build_absolute_uri(path)


class ProcedureListApi(APIView):
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProcedureListQuery"

        search = serializers.CharField(max_length=200, required=False, allow_blank=True)
        field = serializers.SlugField(max_length=200, required=False, allow_blank=True)
        level = serializers.ChoiceField(
            choices=Procedure.Level.choices,
            required=False,
            allow_blank=True,
            error_messages={
                "invalid_choice": "Cấp thực hiện «{input}» không hợp lệ (province hoặc commune)."
            },
        )
        agency = serializers.SlugField(max_length=60, required=False, allow_blank=True)

        def validate_field(self, value: str) -> str:
            if value and not Field.objects.filter(slug=value).exists():
                raise serializers.ValidationError("Không có lĩnh vực «%s»." % value)
            return value

        def validate_agency(self, value: str) -> str:
            if value and not Agency.objects.filter(slug=value).exists():
                raise serializers.ValidationError("Không có cơ quan «%s»." % value)
            return value

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProcedureListItem"

        code = serializers.CharField()
        name = serializers.CharField()
        field = serializers.CharField(source="field.name")
        level = serializers.CharField()
        agency = serializers.SerializerMethodField()
        processing_time = _ProcessingTimeSerializer(source="*")
        fee_summary = serializers.SerializerMethodField()
        online_level = serializers.CharField()
        url = serializers.SerializerMethodField()

        def get_agency(self, obj: Procedure) -> str:
            return selectors.primary_agency_name(obj)

        def get_fee_summary(self, obj: Procedure) -> str:
            return selectors.fee_summary(obj)

        def get_url(self, obj: Procedure) -> str:
            return _absolute(self.context["request"], obj.get_absolute_url())

    @extend_schema(
        parameters=[InputSerializer, OpenApiParameter("page", OpenApiTypes.INT)],
        responses={200: OutputSerializer(many=True)},
        tags=["catalog"],
        summary="Tìm thủ tục hành chính (có dấu hoặc không dấu), lọc theo lĩnh vực, cấp, cơ quan",
        description=(
            "Kết quả phù hợp nhất đứng đầu. `field` là định danh lĩnh vực, `agency` là định danh "
            "cơ quan tiếp nhận, `level` là `province` hoặc `commune`. Không có `search` thì sắp "
            "theo mức độ sử dụng."
        ),
        auth=[],
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        results = selectors.procedure_search(
            args.get("search", ""),
            field=args.get("field") or None,
            level=args.get("level") or None,
            agency=args.get("agency") or None,
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(results, request, view=self)  # type: ignore[arg-type]
        output = self.OutputSerializer(page, many=True, context={"request": request})
        return paginator.get_paginated_response(output.data)


class _DocumentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "RequiredDocument"

    name = serializers.CharField()
    original_or_copy = serializers.CharField()
    original_or_copy_display = serializers.CharField(source="get_original_or_copy_display")
    copies = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    condition = serializers.CharField()
    template_name = serializers.CharField()
    template_url = serializers.SerializerMethodField()
    slot = serializers.CharField()

    def get_template_url(self, obj: Any) -> str | None:
        if not obj.template_file:
            return None
        return _absolute(self.context["request"], obj.template_file.url)


class _FeeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Fee"

    case = serializers.CharField()
    amount = serializers.IntegerField(help_text="đồng (VND); 0 là miễn phí")
    amount_display = serializers.SerializerMethodField()
    kind = serializers.CharField()

    def get_amount_display(self, obj: Any) -> str:
        return format_vnd(obj.amount)


class _AgencySerializer(serializers.Serializer):
    class Meta:
        ref_name = "ReceivingAgency"

    slug = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()


class ProcedureDetailApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProcedureDetail"

        code = serializers.CharField()
        name = serializers.CharField()
        field = serializers.CharField(source="field.name")
        field_slug = serializers.CharField(source="field.slug")
        level = serializers.CharField()
        level_display = serializers.CharField(source="get_level_display")
        competent_agency = serializers.CharField()
        agency = serializers.SerializerMethodField()
        receiving_agencies = _AgencySerializer(many=True)
        processing_time = _ProcessingTimeSerializer(source="*")
        fee_summary = serializers.SerializerMethodField()
        fees = _FeeSerializer(many=True)
        required_documents = _DocumentSerializer(many=True)
        steps = serializers.ListField(child=serializers.CharField())
        who_may_apply = serializers.CharField()
        conditions = serializers.CharField()
        result = serializers.CharField()
        legal_basis = serializers.ListField(child=serializers.CharField())
        online_level = serializers.CharField()
        synonyms = serializers.ListField(child=serializers.CharField())
        form = serializers.JSONField()
        source_note = serializers.CharField()
        updated_at = serializers.DateTimeField()
        url = serializers.SerializerMethodField()

        def get_agency(self, obj: Procedure) -> str:
            return selectors.primary_agency_name(obj)

        def get_fee_summary(self, obj: Procedure) -> str:
            return selectors.fee_summary(obj)

        def get_url(self, obj: Procedure) -> str:
            return _absolute(self.context["request"], obj.get_absolute_url())

    @extend_schema(
        responses={200: OutputSerializer},
        tags=["catalog"],
        summary="Toàn bộ thông tin một thủ tục: thành phần hồ sơ, phí, trình tự, căn cứ, biểu mẫu",
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        procedure = selectors.procedure_get_public(code=code)
        return Response(self.OutputSerializer(procedure, context={"request": request}).data)


class ProcedureDueDateApi(APIView):
    permission_classes = [AllowAny]

    class InvalidDateError(ApplicationError):
        code = "invalid_date"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProcedureDueDateQuery"

        received_at = serializers.CharField(
            required=False,
            help_text=(
                "Thời điểm tiếp nhận theo ISO 8601, ví dụ 2026-02-13T09:30:00+07:00; không ghi "
                "múi giờ thì hiểu là giờ Việt Nam; bỏ trống là bây giờ."
            ),
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProcedureDueDate"

        received_at = serializers.DateTimeField()
        due_at = serializers.DateTimeField()
        due_at_display = serializers.CharField()
        processing_time = _ProcessingTimeSerializer(source="procedure")

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: OutputSerializer,
            400: inline_serializer(
                "DueDateError",
                {
                    "message": serializers.CharField(),
                    "code": serializers.CharField(),
                    "extra": serializers.DictField(),
                },
            ),
        },
        tags=["catalog"],
        summary="Ngày hẹn trả kết quả nếu hồ sơ được tiếp nhận vào thời điểm đã cho",
        description=(
            "Tính theo ngày, giờ làm việc: bỏ thứ Bảy, Chủ nhật, ngày lễ, Tết và ngày nghỉ bù; "
            "thủ tục trong ngày nhận sau 15 giờ thì trả vào ngày làm việc tiếp theo."
        ),
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        procedure = selectors.procedure_get_public(code=code)
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        received_at = self._parse(data.validated_data.get("received_at"))
        due = timezone.localtime(selectors.procedure_due_at(procedure, received_at))
        return Response(
            self.OutputSerializer(
                {
                    "received_at": timezone.localtime(received_at),
                    "due_at": due,
                    "due_at_display": "%s, %s"
                    % (WEEKDAYS[due.weekday()], due.strftime("%d/%m/%Y %H:%M")),
                    "procedure": procedure,
                }
            ).data
        )

    def _parse(self, text: str | None) -> dt.datetime:
        if text is None or not text.strip():
            return timezone.now()
        text = text.strip().replace(" ", "T", 1) if "T" not in text else text.strip()
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise self.InvalidDateError(
                "Thời điểm tiếp nhận «%s» không hợp lệ. Dùng dạng ISO 8601 có ngày và giờ, ví dụ "
                "2026-02-13T09:30:00+07:00." % text,
                extra={"fields": {"received_at": ["Không đúng định dạng ISO 8601."]}},
            )
        if not 2000 <= moment.year <= 2100:
            raise self.InvalidDateError(
                "Chỉ tính được ngày hẹn trả cho thời điểm từ năm 2000 đến năm 2100.",
                extra={"fields": {"received_at": ["Năm nằm ngoài phạm vi 2000–2100."]}},
            )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment
