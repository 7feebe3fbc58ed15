"""Normalisation: đ, tone placement, NFD input, abbreviations, teencode, Telex leftovers."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congso.assistant.normalise import (
    accent_key,
    is_vietnamese_syllable,
    normalise,
    telex_candidates,
)
from congso.assistant.retrieval import Index, SourceRow, default_synonym_rules


def test_d_with_stroke_folds_to_d_in_both_cases() -> None:
    norm = normalise("ĐĂNG KÝ đất đai")
    assert norm.folded == ["dang", "ky", "dat", "dai"]
    assert norm.has_diacritics


def test_icelandic_eth_look_alike_is_read_as_d_with_stroke() -> None:
    assert normalise("Ðăng ký").folded == ["dang", "ky"]


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("quý", "qúy"), ("loà", "lòa")],
)
def test_tone_mark_on_either_vowel_gives_the_same_accented_key(
    old_style: str, new_style: str
) -> None:
    assert accent_key(old_style) == accent_key(new_style)
    assert normalise(old_style).folded == normalise(new_style).folded


def test_accented_key_separates_syllables_that_folding_merges() -> None:
    assert normalise("đất").folded == normalise("đặt").folded
    assert accent_key("đất") != accent_key("đặt")
    assert accent_key("bán") != accent_key("bạn")


def test_nfd_input_normalises_like_nfc() -> None:
    text = "Làm giấy khai sinh ở đâu vậy"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalise(nfd).folded == normalise(text).folded
    assert normalise(nfd).accented == normalise(text).accented


@given(st.text(alphabet="aăâeêioôơuưyđàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ ", max_size=40))
def test_nfd_and_nfc_always_agree(text: str) -> None:
    assert normalise(unicodedata.normalize("NFD", text)).folded == normalise(text).folded


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("cccd", "can cuoc cong dan"),
        ("CCCD", "can cuoc cong dan"),
        ("gplx", "giay phep lai xe"),
        ("hkd", "ho kinh doanh"),
        ("dntn", "doanh nghiep tu nhan"),
        ("htx", "hop tac xa"),
        ("lltp", "ly lich tu phap"),
        ("ko", "khong"),
        ("k", "khong"),
        ("hok", "khong"),
        ("dc", "duoc"),
        ("đc", "duoc"),
        ("j", "gi"),
        ("dzậy", "vay"),
        ("mún", "muon"),
        ("nhiu", "nhieu"),
        ("bn", "bao nhieu"),
        ("đk", "dang ky"),
    ],
)
def test_abbreviations_and_teencode_expand(typed: str, expected: str) -> None:
    assert normalise(typed).folded_text == expected


def test_expansion_keeps_diacritics_for_the_accented_view() -> None:
    norm = normalise("cccd")
    assert norm.accented == [accent_key(w) for w in ["căn", "cước", "công", "dân"]]
    assert all(t.expanded for t in norm.tokens)
    assert norm.expansions == (("cccd", "căn cước công dân"),)


def test_ordinary_syllables_are_not_mistaken_for_abbreviations() -> None:
    # "hồng" (sổ hồng) must not become "không"; "vay" (a loan) stays "vay".
    assert normalise("sổ hồng").folded == ["so", "hong"]
    assert normalise("vay vốn").folded == ["vay", "von"]


def test_repeated_letters_are_squeezed() -> None:
    assert normalise("khai sinhhhh điiiii").folded == ["khai", "sinh", "di"]


def test_telex_leftovers_have_candidates() -> None:
    assert "sinh" in telex_candidates("sinhf")
    assert "dang" in telex_candidates("ddangs")
    assert "tuc" in telex_candidates("tucc")


@pytest.mark.parametrize("word", ["tuc", "nghieng", "quyen", "khuya", "gia", "oan", "nguyen"])
def test_valid_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["tucc", "kys", "ddang", "sinhf", "facebook", "hann", "dag"])
def test_invalid_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def _index() -> Index:
    rows = [
        SourceRow(pk=1, code="A", name="Đăng ký khai sinh", result="Giấy khai sinh"),
        SourceRow(pk=2, code="B", name="Đăng ký kết hôn", result="Giấy chứng nhận kết hôn"),
        SourceRow(
            pk=3,
            code="C",
            name="Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
            result="Giấy chứng nhận quyền sử dụng đất",
        ),
    ]
    return Index(rows, default_synonym_rules())


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("lam giay khai sinhf cho con", "A"),
        ("ddangw kys khai sinh", "A"),
        ("thủ tục đăg ký kết hôm", "B"),
        ("lam so do lan dau", "C"),
        ("Làm sổ đỏ lần đầu", "C"),
    ],
)
def test_typos_and_synonyms_reach_the_procedure(question: str, code: str) -> None:
    result = _index().search(question)
    assert result.top is not None
    assert result.top.code == code


def test_repairs_are_reported() -> None:
    result = _index().search("khai sinhf")
    assert ("sinhf", "sinh") in result.repaired
    result = _index().search("ket hom")
    assert ("hom", "hon") in result.repaired


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("lam khaisinh cho con", "A"),
        ("dang9 ky1 ket hon", "B"),
        ("KHAI SINH CHO BÉ", "A"),
    ],
)
def test_run_together_words_vni_digits_and_capitals(question: str, code: str) -> None:
    result = _index().search(question)
    assert result.top is not None
    assert result.top.code == code


def test_run_together_split_keeps_the_accents_of_the_other_syllables() -> None:
    result = _index().search("làm khaisinh cho con")
    assert ("khaisinh", "khai sinh") in result.repaired
    assert result.tokens[:3] == ["lam", "khai", "sinh"]
    assert result.cover["khai"][2] == "khai"
