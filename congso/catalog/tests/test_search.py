from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import connection

import pytest

from congso.catalog import search
from congso.catalog.models import Field, Procedure
from congso.catalog.selectors import SearchResults, procedure_search
from congso.core.vntext import fold

pytestmark = pytest.mark.django_db


def names(query: str, **filters: str) -> list[str]:
    return [p.name for p in procedure_search(query, **filters)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Đăng ký kết hôn", "Đăng ký kết hôn"),
        ("dang ky ket hon", "Đăng ký kết hôn"),
        ("ĐĂNG KÝ KẾT HÔN", "Đăng ký kết hôn"),
        ("kết hôn đăng ký", "Đăng ký kết hôn"),
        ("ket hon nuoc ngoai", "Đăng ký kết hôn có yếu tố nước ngoài"),
        ("sổ đỏ", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu"),
        ("so do", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu"),
        ("hộ khẩu", "Đăng ký thường trú"),
        ("nhap ho khau", "Đăng ký thường trú"),
        ("CCCD", "Cấp thẻ căn cước"),
        ("cccd", "Cấp thẻ căn cước"),
        ("bằng lái", "Cấp đổi giấy phép lái xe"),
        ("GPLX", "Cấp đổi giấy phép lái xe"),
        ("khai si", "Đăng ký khai sinh"),
        ("lam giay khai sinh cho con o dau", "Đăng ký khai sinh"),
        ("chung thuc ban sao", "Chứng thực bản sao từ bản chính"),
        ("1.000894", "Đăng ký kết hôn"),
        ("1.010001", "Cấp đổi giấy phép lái xe"),
    ],
)
def test_top_hit(catalog, query, first):
    assert names(query)[:1] == [first]


def test_with_and_without_diacritics_give_the_same_order(catalog):
    for query in ["đăng ký", "giấy chứng nhận", "thẻ căn cước", "chứng thực"]:
        assert names(query) == names(fold(query)), query


def test_nfd_input_from_a_phone_keyboard_is_understood(catalog):
    import unicodedata

    assert names(unicodedata.normalize("NFD", "Đăng ký khai sinh"))[:1] == ["Đăng ký khai sinh"]


def test_matches_only_what_contains_every_word(catalog):
    assert names("ket hon") == [
        "Đăng ký kết hôn",
        "Đăng ký kết hôn có yếu tố nước ngoài",
    ]


def test_nonsense_and_empty_punctuation_find_nothing(catalog):
    assert names("xyzzy quux") == []
    assert names("!!! ???") == []


def test_empty_query_lists_by_popularity(catalog):
    Procedure.objects.filter(code="2.000815").update(popularity=900)
    assert names("")[0] == "Chứng thực bản sao từ bản chính"
    assert len(names("")) == len(catalog)


def test_filters_by_field_level_and_agency(catalog):
    assert set(names("", field="ho-tich")) == {
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Đăng ký kết hôn có yếu tố nước ngoài",
    }
    assert names("dang ky", level="province") == [
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu"
    ]
    assert names("", agency="cong-an-tinh") == ["Cấp thẻ căn cước", "Cấp đổi giấy phép lái xe"]
    assert "Đăng ký khai sinh" in names("khai sinh", agency="xa-tan-hoa")
    assert names("khai sinh", agency="so-tu-phap") == []
    assert names("khai sinh", field="khong-co") == []
    assert names("khai sinh", agency="khong-co") == []


def test_inactive_procedures_are_not_found(catalog):
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert "Đăng ký khai sinh" not in names("khai sinh")


def test_a_procedure_written_outside_the_services_is_indexed(catalog):
    field = Field.objects.get(slug="ho-tich")
    created = Procedure.objects.create(
        code="9.999999",
        name="Đăng ký giám hộ",
        field=field,
        level="commune",
        competent_agency="UBND cấp xã",
        processing_time_value=3,
        result="Trích lục giám hộ",
        legal_basis=["Luật Hộ tịch 2014"],
    )
    assert names("dang ky giam ho")[:1] == ["Đăng ký giám hộ"]

    created.name = "Đăng ký chấm dứt giám hộ"
    created.save()
    assert names("cham dut giam ho")[:1] == ["Đăng ký chấm dứt giám hộ"]

    created.delete()
    assert names("giam ho") == []


def test_results_load_a_page_at_a_time(catalog, django_assert_max_num_queries):
    results = procedure_search("dang ky")
    assert isinstance(results, SearchResults)
    assert len(results) == 5
    with django_assert_max_num_queries(4):
        page = results[1:3]
    assert [p.name for p in page] == names("dang ky")[1:3]
    assert results[0].name == names("dang ky")[0]
    with pytest.raises(IndexError):
        results[99]


def test_index_objects_exist_after_migrations():
    assert search.missing_parts(connection) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite: FTS5 triggers")
def test_a_dropped_trigger_is_put_back_and_the_index_rebuilt(catalog):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER catalog_procedure_fts_au")
    assert search.missing_parts(connection) == ["catalog_procedure_fts_au"]

    assert search.ensure_index() is True

    assert search.missing_parts(connection) == []
    Procedure.objects.filter(code="1.000894").update(name_folded="cuoi vo", search_text="cuoi vo")
    assert names("cuoi vo") == ["Đăng ký kết hôn"]


# ---------------------------------------------------------------- the real catalog
DATA_FILE = Path(settings.BASE_DIR) / "data" / "procedures.json"
REAL_RECORDS = json.loads(DATA_FILE.read_text(encoding="utf-8")) if DATA_FILE.exists() else []
REAL_NAMES = [r["name"] for r in REAL_RECORDS]


@pytest.fixture
def real_catalog(db):
    from congso.agencies import demo as agencies_demo
    from congso.catalog import demo

    agencies_demo.load()
    demo.load()
    assert Procedure.objects.count() == len(REAL_RECORDS)


@pytest.mark.skipif(not REAL_RECORDS, reason="data/procedures.json chưa có")
def test_every_real_procedure_is_the_first_result_for_its_name(real_catalog):
    failures = []
    for name in REAL_NAMES:
        for query in (name, fold(name), fold(name).lower()):
            top = names(query)[:1]
            if top != [name]:
                failures.append("%r → %r" % (query, top))
    assert failures == []


SYNONYMS = [
    ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
    ("so do", "giấy chứng nhận quyền sử dụng đất"),
    ("hộ khẩu", "thường trú"),
    ("ho khau", "thường trú"),
    ("bằng lái", "giấy phép lái xe"),
    ("bang lai xe", "giấy phép lái xe"),
    ("GPLX", "giấy phép lái xe"),
    ("CCCD", "thẻ căn cước"),
    ("cccd", "thẻ căn cước"),
]


@pytest.mark.skipif(not REAL_RECORDS, reason="data/procedures.json chưa có")
def test_synonyms_people_use_find_the_procedure(real_catalog):
    failures = []
    for query, expected_words in SYNONYMS:
        top = names(query)[:1]
        if not (top and expected_words in top[0].lower()):
            failures.append("%r → %r" % (query, top))
    assert failures == []


@pytest.mark.parametrize(
    "query",
    [
        '" OR * NEAR( ) : ^ -',
        "AND OR NOT",
        "'; DROP TABLE catalog_procedure; --",
        "đ",
        "a:* & !b",
        "khai sinh *",
        "😀 khai sinh",
    ],
)
def test_query_syntax_characters_are_plain_words(catalog, client, api_client, query):
    list(procedure_search(query))
    assert client.get("/thu-tuc/", {"q": query}).status_code == 200
    assert api_client.get("/api/v1/procedures/", {"search": query}).status_code in (200, 400)
    assert Procedure.objects.count() == len(catalog)


def test_a_nul_byte_in_the_query_is_a_clear_400_and_the_selector_copes(catalog, client):
    list(procedure_search("\x00khai"))
    assert client.get("/thu-tuc/", {"q": "\x00khai"}).status_code == 400
