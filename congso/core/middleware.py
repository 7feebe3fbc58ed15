"""Request guards shared by every page and endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class RejectNulBytesMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL byte.

    PostgreSQL cannot store or compare text containing NUL, so such input would otherwise turn
    into a 500 deep inside a query; no legitimate request contains one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_query = request.META.get("QUERY_STRING", "")
        if (
            "\x00" in request.path
            or "%00" in raw_query
            or "\x00" in raw_query
            or self._form_has_nul(request)
        ):
            message = "Địa chỉ yêu cầu chứa ký tự không hợp lệ."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"message": message, "code": "invalid", "extra": {}}, status=400
                )
            return render(request, "errors/400.html", {"message": message}, status=400)
        return self.get_response(request)

    @staticmethod
    def _form_has_nul(request: HttpRequest) -> bool:
        if request.method != "POST" or not request.content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            return False
        try:
            values = [v for _key, items in request.POST.lists() for v in items]
        except Exception:  # a malformed body is the view's to reject
            return False
        return any("\x00" in value for value in values if isinstance(value, str))
