"""Normalisation of citizens' questions: NFC, case, teencode and abbreviations, tone marks.

Citizens type on phones, often without diacritics, with abbreviations ("cccd", "gplx", "hkd"),
Southern colloquial spellings ("dzậy", "hok", "mún") and Telex leftovers when the keyboard's
Vietnamese mode is off ("sinhf", "ddang"). Everything downstream works on two views of the
same token stream:

* the *folded* view (no diacritics, đ → d), which makes "dang ky" and "đăng ký" equal;
* the *accented* view, one canonical key per syllable (``"hòa"`` and ``"hoà"`` both become
  ``"hoa2"``), which tells apart syllables that folding merges ("đất"/"đặt", "bán"/"bạn").

Abbreviations are expanded before folding so that "cccd" contributes the tokens of
"căn cước công dân" to both views. Multi-word synonyms ("sổ đỏ") live in :mod:`lexicon` and the
staff-maintained :class:`~congso.assistant.models.Synonym` table and are applied by the
retriever, which knows the catalog's vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from congso.core.vntext import fold

#: Combining marks that carry a Vietnamese tone, with the tone number used in accented keys.
_TONE_MARKS = {
    "\u0300": "2",  # huyền
    "\u0301": "1",  # sắc
    "\u0303": "4",  # ngã
    "\u0309": "3",  # hỏi
    "\u0323": "5",  # nặng
}
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_REPEAT_RE = re.compile(r"(.)\1{2,}")

#: Single-token abbreviations, teencode and Southern spellings → the standard words.
#: Keys are folded (no diacritics) so "đc" and "dc" share an entry; a key that is also a
#: normal Vietnamese syllable ("ban", "con") must never appear here.
ABBREVIATIONS: dict[str, str] = {
    # Papers and agencies.
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "cmt": "chứng minh nhân dân",
    "gplx": "giấy phép lái xe",
    "blx": "bằng lái xe",
    "hkd": "hộ kinh doanh",
    "dntn": "doanh nghiệp tư nhân",
    "htx": "hợp tác xã",
    "tnhh": "trách nhiệm hữu hạn",
    "mtv": "một thành viên",
    "cty": "công ty",
    "dn": "doanh nghiệp",
    "dkkd": "đăng ký kinh doanh",
    "gpkd": "giấy phép kinh doanh",
    "gcn": "giấy chứng nhận",
    "gcnqsdd": "giấy chứng nhận quyền sử dụng đất",
    "qsdd": "quyền sử dụng đất",
    "qsd": "quyền sử dụng",
    "gpxd": "giấy phép xây dựng",
    "lltp": "lý lịch tư pháp",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "tctn": "trợ cấp thất nghiệp",
    "ubnd": "ủy ban nhân dân",
    "ub": "ủy ban",
    "hdnd": "hội đồng nhân dân",
    "tthc": "thủ tục hành chính",
    "dvc": "dịch vụ công",
    "attp": "an toàn thực phẩm",
    "vstp": "vệ sinh thực phẩm",
    "hdv": "hướng dẫn viên",
    "gpld": "giấy phép lao động",
    "ks": "khai sinh",
    "xn": "xác nhận",
    "xnhn": "xác nhận tình trạng hôn nhân",
    "tthn": "tình trạng hôn nhân",
    "dk": "đăng ký",
    "dky": "đăng ký",
    "dki": "đăng ký",
    "sdt": "số điện thoại",
    "tp": "thành phố",
    "hs": "hồ sơ",
    "nc": "nước",
    "ng": "người",
    # Teencode and colloquial spellings.
    "ko": "không",
    "k": "không",
    "kg": "không",
    "kh0": "không",
    "k0": "không",
    "hok": "không",
    "hem": "không",
    "khum": "không",
    "dc": "được",
    "j": "gì",
    "v": "vậy",
    "z": "vậy",
    "dzay": "vậy",
    "zay": "vậy",
    "mun": "muốn",
    "nhiu": "nhiêu",
    "bn": "bao nhiêu",
    "bnhieu": "bao nhiêu",
    "ntn": "như thế nào",
    "lm": "làm",
    "mn": "mọi người",
    "mng": "mọi người",
    "ae": "anh em",
    "vs": "với",
    "r": "rồi",
    "ok": "được",
    "oke": "được",
    "bit": "biết",
    "bik": "biết",
    "bjt": "biết",
    "ak": "à",
    "ah": "à",
    "uh": "ừ",
    "wa": "qua",
    "qa": "qua",
    "tui": "tôi",
    "t": "tôi",
    "e": "em",
    "mik": "mình",
    "mh": "mình",
    "ms": "mới",
    "trc": "trước",
    "pit": "biết",
    "cx": "cũng",
    "cg": "cũng",
    "đag": "đang",
    "dag": "đang",
    "thg": "tháng",
    "hnay": "hôm nay",
    "onl": "trực tuyến",
    "online": "trực tuyến",
    "onlai": "trực tuyến",
}


def _canonical_keys() -> dict[str, str]:
    """Lookup keys are folded; the accented spellings listed above fold onto them."""
    return {fold(key).lower(): value for key, value in ABBREVIATIONS.items()}


_ABBREV = _canonical_keys()

#: Accented colloquial spellings that must be read as another word only when typed with these
#: exact marks (the folded form is an ordinary word: "dzậy" → "vậy" but "day" stays "dạy").
_ACCENTED_ONLY: dict[str, str] = {
    "dzậy": "vậy",
    "zậy": "vậy",
    "dạ": "dạ",
    "hông": "không",
    "hổng": "không",
    "hok": "không",
    "mún": "muốn",
    "bít": "biết",
    "nhìu": "nhiều",
    "hum": "hôm",
    "đc": "được",
    "đk": "đăng ký",
    "đky": "đăng ký",
    "ng": "người",
    "bằg": "bằng",
    "đăg": "đăng",
}

#: Folded keys of _ABBREV that are also ordinary syllables when typed with diacritics; they are
#: only expanded when the token carries no diacritic ("gì" stays "gì", "vậy" stays "vậy").
_AMBIGUOUS_WHEN_ACCENTED = {"t", "e", "r", "v", "k", "j", "z"}


@dataclass(frozen=True)
class Token:
    """One syllable of the normalised question."""

    folded: str
    accented: str
    #: True when the syllable comes from an abbreviation, not from the user's own letters.
    expanded: bool = False


@dataclass(frozen=True)
class Normalised:
    """A question after normalisation, in the views the retriever and the intent router read."""

    original: str
    tokens: tuple[Token, ...]
    has_diacritics: bool
    expansions: tuple[tuple[str, str], ...] = field(default=())

    @property
    def folded(self) -> list[str]:
        return [t.folded for t in self.tokens]

    @property
    def folded_text(self) -> str:
        return " ".join(self.folded)

    @property
    def accented(self) -> list[str]:
        return [t.accented for t in self.tokens]


def nfc_clean(text: str) -> str:
    """NFC, the Icelandic eth look-alike mapped to đ, URLs dropped, white space collapsed."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("Ð", "Đ").replace("ð", "đ")
    text = _URL_RE.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def accent_key(syllable: str) -> str:
    """Canonical accented key of one lower-case syllable: vowel shapes kept, tone as a digit.

    Old and new tone placement ("hoà"/"hòa", "thuỷ"/"thủy") give the same key because the tone
    is taken off the vowel it sits on and appended at the end.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = ""
    kept = []
    for ch in decomposed:
        mark = _TONE_MARKS.get(ch)
        if mark is not None:
            tone = mark
        else:
            kept.append(ch)
    base = unicodedata.normalize("NFC", "".join(kept))
    return base + tone


def has_vietnamese_marks(token: str) -> bool:
    """Whether the token carries any Vietnamese diacritic (tone, vowel shape or đ)."""
    return fold(token) != token


def _squeeze(token: str) -> str:
    """Letters repeated three times or more ("sooooo") become one."""
    return _REPEAT_RE.sub(r"\1", token)


def _expand(raw: str) -> tuple[list[str], bool]:
    """Return the accented words a raw lower-case token stands for, and whether it changed."""
    accented_hit = _ACCENTED_ONLY.get(raw)
    if accented_hit is not None:
        return accented_hit.split(), accented_hit != raw
    key = fold(raw)
    if has_vietnamese_marks(raw) and key in _AMBIGUOUS_WHEN_ACCENTED:
        return [raw], False
    hit = _ABBREV.get(key)
    if hit is None:
        return [raw], False
    return hit.split(), fold(hit) != key


@lru_cache(maxsize=8192)
def normalise(text: str) -> Normalised:
    """Normalise a question: NFC, lower case, abbreviations expanded, folded and accented keys.

    The result keeps stop words: the intent router needs "bao nhiêu", "ở đâu"; the retriever
    weights them down itself.
    """
    clean = nfc_clean(text)
    tokens: list[Token] = []
    expansions: list[tuple[str, str]] = []
    for raw in _TOKEN_RE.findall(clean.lower()):
        words, changed = _expand(raw)
        if not changed and _REPEAT_RE.search(raw):
            raw = _squeeze(raw)
            words, changed = _expand(raw)
        if changed:
            expansions.append((raw, " ".join(words)))
        for word in words:
            tokens.append(Token(folded=fold(word), accented=accent_key(word), expanded=changed))
    return Normalised(
        original=clean,
        tokens=tuple(tokens),
        has_diacritics=any(has_vietnamese_marks(t) for t in _TOKEN_RE.findall(clean.lower())),
        expansions=tuple(expansions),
    )


#: Telex tone keys a user leaves at the end of a syllable when the IME is off ("sinhf").
_TELEX_TONES = "sfrxj"
_TELEX_PAIRS = (
    ("dd", "d"),
    ("aa", "a"),
    ("aw", "a"),
    ("ee", "e"),
    ("oo", "o"),
    ("ow", "o"),
    ("uw", "u"),
    ("w", "u"),
)


def telex_candidates(folded: str) -> list[str]:
    """Plausible folded syllables for a token typed in Telex without the IME ("ddangs" → "dang").

    Returned in order of preference; the caller keeps the first one the catalog knows.
    """
    out: list[str] = []
    bases = [folded]
    if len(folded) > 2 and folded[-1] in _TELEX_TONES:
        bases.insert(0, folded[:-1])
    for base in bases:
        cand = base
        for pair, repl in _TELEX_PAIRS:
            cand = cand.replace(pair, repl)
        for item in (cand, base):
            if item and item != folded and item not in out:
                out.append(item)
    # A doubled final letter typed by mistake ("mấtt", "tụcc").
    if len(folded) > 2 and folded[-1] == folded[-2]:
        out.append(folded[:-1])
    return out


_ONSETS = (
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "th",
    "tr",
    "qu",
    "b",
    "c",
    "d",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "q",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)
_RHYMES = frozenset(
    [
        "a",
        "ac",
        "ach",
        "ai",
        "am",
        "an",
        "ang",
        "anh",
        "ao",
        "ap",
        "at",
        "au",
        "ay",
        "e",
        "ec",
        "em",
        "en",
        "eng",
        "eo",
        "ep",
        "et",
        "eu",
        "i",
        "ia",
        "ich",
        "iec",
        "iem",
        "ien",
        "ieng",
        "iep",
        "iet",
        "ieu",
        "im",
        "in",
        "inh",
        "ip",
        "it",
        "iu",
        "o",
        "oa",
        "oac",
        "oach",
        "oai",
        "oam",
        "oan",
        "oang",
        "oanh",
        "oao",
        "oap",
        "oat",
        "oay",
        "oc",
        "oe",
        "oem",
        "oen",
        "oeo",
        "oet",
        "oi",
        "om",
        "on",
        "ong",
        "oo",
        "ooc",
        "oong",
        "op",
        "ot",
        "u",
        "ua",
        "uan",
        "uang",
        "uanh",
        "uat",
        "uay",
        "uc",
        "ue",
        "uech",
        "uen",
        "uenh",
        "uet",
        "ui",
        "um",
        "un",
        "ung",
        "uo",
        "uoc",
        "uoi",
        "uom",
        "uon",
        "uong",
        "uop",
        "uot",
        "up",
        "ut",
        "uu",
        "uy",
        "uya",
        "uych",
        "uyen",
        "uyet",
        "uynh",
        "uyt",
        "uyu",
        "y",
        "yem",
        "yen",
        "yet",
        "yeu",
    ]
)


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(folded: str) -> bool:
    """Whether a folded token can be a Vietnamese syllable ("tuc" yes; "tucc", "kys" no).

    Used to tell a typing slip (repaired against the catalog vocabulary) from a real word the
    catalog happens not to contain (left alone, so it still counts against a match).
    """
    if not folded.isalpha():
        return False
    for onset in _ONSETS:
        if folded.startswith(onset):
            rest = folded[len(onset) :]
            if rest in _RHYMES:
                return True
    return False
