"""Vietnamese text folding and tokenisation."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from congso.core import vntext


def test_fold_maps_d_with_stroke() -> None:
    assert vntext.fold("Đề án đổi mới") == "De an doi moi"
    assert vntext.fold_lower("Quyết định ĐẦU TƯ") == "quyet dinh dau tu"


def test_nfd_input_folds_like_nfc() -> None:
    text = "Đăng ký khai sinh cho trẻ"
    assert vntext.fold(unicodedata.normalize("NFD", text)) == vntext.fold(text)
    assert vntext.tokenize(unicodedata.normalize("NFD", text)) == vntext.tokenize(text)


def test_tokenize_keeps_syllables_and_drops_punctuation() -> None:
    assert vntext.tokenize("Cấp đổi GPLX, hạng B2?") == ["cấp", "đổi", "gplx", "hạng", "b2"]
    assert vntext.folded_tokens("Sổ đỏ (GCN QSDĐ)") == ["so", "do", "gcn", "qsdd"]


def test_has_diacritics() -> None:
    assert vntext.has_diacritics("khai sinh ở đâu")
    assert not vntext.has_diacritics("khai sinh o dau")


def test_slugify() -> None:
    assert vntext.slugify_vi("Hộ tịch & Chứng thực") == "ho-tich-chung-thuc"


@given(st.text())
def test_folding_is_idempotent_and_ascii_for_vietnamese_letters(text: str) -> None:
    once = vntext.fold(text)
    assert vntext.fold(once) == once
    assert not any(ch in once for ch in "đĐăâêôơưáàảãạ")
