"""API plumbing shared by every app: the error handler and pagination."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

from rest_framework import exceptions as drf_exceptions
from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from congso.core.exceptions import ApplicationError

_DRF_MESSAGES = {
    400: "Dữ liệu gửi lên không hợp lệ.",
    401: "Bạn cần đăng nhập (thiếu hoặc sai mã xác thực).",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    406: "Định dạng yêu cầu không được hỗ trợ.",
    409: "Trạng thái hiện tại không cho phép thao tác này.",
    413: "Tệp quá lớn.",
    415: "Kiểu nội dung không được hỗ trợ.",
    429: "Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau.",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Return every error as ``{"message", "code", "extra": {"fields": ...}}``."""
    if isinstance(exc, ApplicationError):
        return Response(
            {"message": exc.message, "code": exc.code, "extra": exc.extra},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = drf_exceptions.ValidationError(detail=fields)
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    extra: dict[str, Any] = {}
    code = getattr(exc, "default_code", "error")
    message = _DRF_MESSAGES.get(response.status_code, "Có lỗi xảy ra.")
    if isinstance(exc, drf_exceptions.ValidationError):
        detail = response.data
        if isinstance(detail, dict):
            extra["fields"] = detail
            first = next(iter(detail.values()), None)
            if isinstance(first, list) and first:
                message = "%s %s" % (message, first[0])
        else:
            extra["fields"] = {"non_field_errors": detail}
            if isinstance(detail, list) and detail:
                message = str(detail[0])
    elif isinstance(exc, drf_exceptions.APIException) and response.status_code in (429,):
        message = _DRF_MESSAGES[429]
    response.data = {"message": message, "code": code, "extra": extra}
    return response


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
