"""Vietnamese text helpers: NFC normalisation, diacritic folding and tokenisation.

Folding must map đ/Đ explicitly: Unicode decomposition does not split them, so a naive
decompose-and-strip leaves "đ" and "quyet dinh" would never find "quyết định".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

#: Vietnamese vowels carrying a tone mark, used to tell whether a text was typed with diacritics.
_VIETNAMESE_MARKED = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]"
)


def nfc(text: str) -> str:
    """Normalise to NFC (input from phones and PDFs is often NFD or mixed)."""
    return unicodedata.normalize("NFC", text or "")


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def fold(text: str) -> str:
    """Remove every diacritic, including đ → d: "Đăng ký" → "Dang ky"."""
    if not text:
        return ""
    return _fold_cached(text) if len(text) < 512 else _fold_cached.__wrapped__(text)


def normalize(text: str) -> str:
    """NFC, lower case and collapsed white space; keeps the diacritics."""
    return " ".join(nfc(text).lower().split())


def fold_lower(text: str) -> str:
    """Lower case, diacritic-free form used as the search key."""
    return fold(normalize(text))


def tokenize(text: str) -> list[str]:
    """Syllables (Vietnamese words are space-separated syllables), lower case, with diacritics."""
    return _TOKEN_RE.findall(normalize(text))


def folded_tokens(text: str) -> list[str]:
    """Syllables without diacritics."""
    return _TOKEN_RE.findall(fold_lower(text))


def has_diacritics(text: str) -> bool:
    return bool(_VIETNAMESE_MARKED.search(nfc(text).lower()))


def slugify_vi(text: str) -> str:
    """URL slug from Vietnamese text: "Hộ tịch" → "ho-tich"."""
    return "-".join(folded_tokens(text))
