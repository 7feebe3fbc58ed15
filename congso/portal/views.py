"""Public pages of the portal: home, PWA manifest and service worker, offline page."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from congso.catalog import selectors as catalog_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", catalog_selectors.home_context())


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Cổng dịch vụ công %s" % settings.PROVINCE_NAME,
        "short_name": "Công Số",
        "description": "Tra cứu thủ tục, nộp hồ sơ trực tuyến, tra cứu kết quả, trợ lý ảo.",
        "lang": "vi",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#faf8f6",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [
            {"name": "Tra cứu hồ sơ", "url": "/tra-cuu/"},
            {"name": "Trợ lý ảo", "url": "/tro-ly-ao/"},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "portal/sw.js",
        {"css": static("css/congso.css"), "icon": static("img/icon.svg")},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offline.html")
