"""Intent routing: dossier status, small talk, procedure questions (with their aspect), or
out-of-scope; plus extraction and masking of dossier codes, phone and ID numbers.

The router runs rules before retrieval (a dossier code or a greeting needs no catalog), then
reads the retriever's evidence to decide between answering, proposing candidates and
declining. Thresholds were calibrated on the development half of bench/data (see
docs/benchmarks-assistant.md); they are module constants so the bench can report them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from congso.assistant import lexicon
from congso.assistant.normalise import Normalised
from congso.assistant.retrieval import Retrieval

# Dossier codes: "000.21.30.H30-261125-0001", "H30.21.30-261125-0001", tolerant of case,
# en dashes and a stray space around the dashes.
_CODE_RE = re.compile(
    r"(?<![\w.])([A-Za-z0-9]{1,5}(?:\.[A-Za-z0-9]{1,5}){1,5})\s?[-–]\s?(\d{6})\s?[-–]\s?(\d{3,6})(?!\w)"
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_RE = re.compile(r"(?<!\d)(?:\+84|84|0)(?:[\s.-]?\d){9}(?!\d)")
_ID_RE = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")
_LONG_DIGITS_RE = re.compile(r"(?<!\d)\d(?:[\s.-]?\d){7,}(?!\d)")

#: Abstention and confidence thresholds (calibrated on the development split).
MIN_PHRASE_IDF = 1.0
MIN_COVERAGE_WITH_PHRASE = 0.2
MIN_COVERAGE_WITHOUT_PHRASE = 0.4
MIN_NAME_COVERAGE_WITHOUT_PHRASE = 0.4
CONFIDENT_COVERAGE = 0.6
CONFIDENT_MARGIN = 0.1
AMBIGUOUS_MARGIN = 0.03


def extract_dossier_codes(text: str) -> list[str]:
    """Dossier codes found in a text, upper-cased and with canonical dashes."""
    out: list[str] = []
    for match in _CODE_RE.finditer(text or ""):
        prefix, day, seq = match.groups()
        if not any(ch.isdigit() for ch in prefix):
            continue
        code = "%s-%s-%s" % (prefix.upper(), day, seq)
        if code not in out:
            out.append(code)
    return out


def _without_codes(text: str) -> str:
    return _CODE_RE.sub(" ", text or "")


def extract_phone(text: str) -> str:
    """The first Vietnamese phone number in the text as ``0xxxxxxxxx``, or ""."""
    match = _PHONE_RE.search(_without_codes(text))
    if not match:
        return ""
    digits = re.sub(r"\D", "", match.group(0))
    if digits.startswith("84"):
        digits = "0" + digits[2:]
    return digits


def extract_personal_id(text: str) -> str:
    """A 12-digit personal identification number (or a 9-digit old ID card number), or ""."""
    match = _ID_RE.search(_without_codes(text))
    return match.group(1) if match else ""


def anonymise(text: str) -> str:
    """Mask personal data before a question is stored: e-mails, dossier codes, numbers."""
    text = _EMAIL_RE.sub("[email]", text or "")
    text = _CODE_RE.sub("[mã hồ sơ]", text)
    text = _PHONE_RE.sub("[số điện thoại]", text)
    text = _LONG_DIGITS_RE.sub("[số giấy tờ]", text)
    return text


def _contains(haystack: str, phrase: str) -> bool:
    return (" %s " % phrase) in haystack


def detect_aspect(norm: Normalised) -> str:
    """Which fact of a procedure the question asks for; "general" when none stands out.

    Vietnamese puts the question word last ("… thì nộp ở đâu?", "… mất phí bao nhiêu?"), so
    the cue that ends last wins; among cues ending at the same place, the longest.
    """
    text = " %s " % norm.folded_text
    best, best_key = "general", (-1, 0)
    for aspect, cues in lexicon.ASPECT_CUES.items():
        for cue in cues:
            pos = text.rfind(" %s " % cue)
            if pos < 0:
                continue
            key = (pos + len(cue), len(cue))
            if key > best_key:
                best, best_key = aspect, key
    return best


def is_status_question(norm: Normalised) -> bool:
    text = " %s " % norm.folded_text
    return any(_contains(text, cue) for cue in lexicon.STATUS_CUES)


def small_talk(norm: Normalised) -> str:
    """``"greeting"``, ``"thanks"`` or "" when the text is more than small talk."""
    text = " %s " % norm.folded_text
    thanks = any(_contains(text, p) for p in lexicon.THANKS_PHRASES)
    greet = any(_contains(text, p) for p in lexicon.GREETING_PHRASES)
    if not (thanks or greet):
        return ""
    filler = (
        lexicon.GREETING_WORDS
        | lexicon.STOP_WORDS
        | {"cam", "on", "thank", "thanks", "you", "tks", "nhieu", "rat"}
    )
    if all(t in filler for t in norm.folded):
        return "thanks" if thanks else "greeting"
    return ""


@dataclass(frozen=True)
class Decision:
    """What to do with a procedure question after retrieval."""

    kind: str  # "answer", "tentative" (answer + alternatives), "clarify" (list) or "decline"
    reason: str


def decide(retrieval: Retrieval) -> Decision:
    """Answer, propose the top candidates, or decline (never a random procedure).

    Evidence that the question is about the top procedure: a two-syllable phrase of the
    question found in it ("khai sinh", "kết hôn" — single syllables match by accident far
    more often), the share of the question's content words it explains, and the share of
    the procedure's name the question mentions. A phrase match with a reasonable share is
    accepted; without a phrase, the question must also name a good part of the procedure.
    """
    top = retrieval.top
    if top is None:
        return Decision("decline", "no_match")
    known = [t for t in retrieval.content_tokens if t not in retrieval.unknown_tokens]
    phrase = top.bigram_evidence >= MIN_PHRASE_IDF
    if not known and not phrase:
        return Decision("decline", "no_known_word")
    if phrase:
        if top.query_coverage < MIN_COVERAGE_WITH_PHRASE:
            return Decision("decline", "low_coverage")
    elif (
        top.query_coverage < MIN_COVERAGE_WITHOUT_PHRASE
        or top.name_coverage < MIN_NAME_COVERAGE_WITHOUT_PHRASE
    ):
        return Decision("decline", "no_phrase")
    second = retrieval.candidates[1] if len(retrieval.candidates) > 1 else None
    margin = (top.score - second.score) / top.score if second else 1.0
    if margin < AMBIGUOUS_MARGIN:
        return Decision("clarify", "tie")
    if top.query_coverage < CONFIDENT_COVERAGE or margin < CONFIDENT_MARGIN:
        return Decision("tentative", "unsure")
    return Decision("answer", "confident")
