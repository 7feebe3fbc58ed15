from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

import pytest

from congso.catalog.models import Procedure

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_shows_search_popular_procedures_and_fields(catalog, client):
    Procedure.objects.filter(code="2.000815").update(popularity=999)
    page = text(client.get("/"))
    assert 'action="/thu-tuc/"' in page
    assert page.index("Chứng thực bản sao từ bản chính") < page.index("Lĩnh vực")
    assert 'href="/thu-tuc/linh-vuc/ho-tich/"' in page
    assert 'Hộ tịch <span class="muted">(3)</span>' in page


def test_search_page_lists_ranked_results_with_facts(catalog, client):
    page = text(client.get("/thu-tuc/", {"q": "so do"}))
    assert "Tìm thấy <strong>1</strong> thủ tục cho «so do»" in page
    assert "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu" in page
    assert "20 ngày làm việc" in page

    empty = text(client.get("/thu-tuc/", {"q": "xyzzy"}))
    assert "Không tìm thấy thủ tục nào" in empty
    assert "/tro-ly-ao/?q=xyzzy" in empty


def test_search_page_filters_and_reports_a_bad_filter(catalog, client):
    page = text(client.get("/thu-tuc/", {"q": "", "agency": "cong-an-tinh"}))
    assert "Tìm thấy <strong>2</strong> thủ tục" in page
    bad = client.get("/thu-tuc/", {"q": "khai sinh", "level": "huyen"})
    assert bad.status_code == 200
    assert "Cấp thực hiện:" in text(bad)
    assert "Đăng ký khai sinh" in text(bad)


def test_search_page_returns_only_the_results_to_htmx(catalog, client):
    response = client.get("/thu-tuc/", {"q": "ket hon"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert body.startswith('<div id="ket-qua"')
    assert "<html" not in body


def test_search_results_paginate(catalog, client):
    from congso.catalog import views

    views.PAGE_SIZE, saved = 3, views.PAGE_SIZE
    try:
        page = text(client.get("/thu-tuc/", {"q": "dang ky", "page": 2}))
    finally:
        views.PAGE_SIZE = saved
    assert "Trang 2/2" in page
    assert "q=dang+ky&amp;page=1" in page


def test_detail_shows_all_facts_in_plain_vietnamese(catalog, client):
    page = text(client.get("/thu-tuc/1.004222/"))
    assert '<h1 id="proc-title">Đăng ký thường trú</h1>' in page
    assert "07 ngày làm việc" in page
    assert "Từ 10.000 đ đến 20.000 đ tùy trường hợp" in page
    assert "20.000 đ" in page and "10.000 đ" in page
    assert "Tờ khai theo mẫu" in page and "Bản chính" in page
    assert "Luật Cư trú số 68/2020/QH14" in page
    assert "Công an cấp xã" in page
    assert "Ủy ban nhân dân 10 xã, phường trong tỉnh" in page
    assert "Nộp hồ sơ trực tuyến" not in page  # partial online only
    # The assistant's widget asks about this procedure.
    assert 'class="card assistant-widget"' in page
    assert 'name="procedure" value="1.004222"' in page


def test_detail_shows_the_expected_return_date_if_submitted_now(catalog, client, monkeypatch):
    received = dt.datetime(2026, 2, 13, 9, 0, tzinfo=timezone.get_default_timezone())
    monkeypatch.setattr(timezone, "now", lambda: received)

    page = text(client.get("/thu-tuc/2.000806/"))

    assert "(09:00 ngày 13/02/2026)" in page
    assert '<strong data-testid="due-at">Thứ Sáu, 27/02/2026 17:00</strong>' in page
    assert "1.000.000 đ" in page


def test_full_online_procedure_has_the_submit_button(catalog, client):
    page = text(client.get("/thu-tuc/1.001193/"))
    assert '<a class="btn" href="/ho-so/nop/1.001193/">Nộp hồ sơ trực tuyến</a>' in page
    assert "Miễn phí" in page


def test_unknown_and_inactive_procedures_are_404(catalog, client):
    Procedure.objects.filter(code="1.000894").update(is_active=False)
    assert client.get("/thu-tuc/9.999999/").status_code == 404
    assert client.get("/thu-tuc/1.000894/").status_code == 404
    assert client.get("/thu-tuc/linh-vuc/khong-co/").status_code == 404
    assert client.get("/thu-tuc/co-quan/khong-co/").status_code == 404


def test_field_and_agency_lists(catalog, client):
    fields = text(client.get("/thu-tuc/linh-vuc/"))
    assert 'href="/thu-tuc/linh-vuc/dat-dai/"' in fields
    assert 'href="/thu-tuc/co-quan/cong-an-tinh/"' in fields
    assert 'Phường Vị Thanh</strong> <span class="muted">6 thủ tục' in fields
    civil = text(client.get("/thu-tuc/linh-vuc/ho-tich/"))
    assert "Lĩnh vực Hộ tịch" in civil and "Tìm thấy <strong>3</strong>" in civil
    narrowed = text(client.get("/thu-tuc/linh-vuc/ho-tich/", {"q": "nuoc ngoai"}))
    assert "Tìm thấy <strong>1</strong>" in narrowed
    police = text(client.get("/thu-tuc/co-quan/cong-an-tinh/"))
    assert "Thủ tục tiếp nhận tại Công an tỉnh Hậu Giang" in police
    assert "Cấp thẻ căn cước" in police and "Đăng ký khai sinh" not in police
