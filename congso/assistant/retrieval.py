"""In-process retrieval over the procedure catalog: BM25F on folded syllables and bigrams.

Design (measured in docs/benchmarks-assistant.md):

* **Terms.** Every field is folded (no diacritics, đ → d) and split into syllables; the index
  holds syllable unigrams and adjacent-syllable bigrams ("khai sinh" → ``khai``, ``sinh``,
  ``khai_sinh``) so compounds count without a word segmenter, plus an *accented* unigram channel
  (``~hôn`` keys from :func:`normalise.accent_key`) used only when the question itself carries
  diacritics, which separates syllables that folding merges (đất/đặt, bán/bạn).
* **Fields** are weighted (BM25F): name ≫ aliases (catalog synonyms and staff synonyms tied to
  the procedure) > result > field > required documents. Per-term, per-document contributions are
  computed once at build time and kept in typed arrays, so a query only sums them; terms found
  in most procedures are skipped at query time.
* **Query side.** Stop words weigh nothing, generic words ("thủ tục", "đăng ký") and aspect
  cues ("thời hạn") little; tokens that cannot be Vietnamese syllables are repaired against the
  catalog vocabulary (run-together syllables, VNI digits, Telex leftovers, then edit distance
  1–2 chosen by bigram context); multi-word synonyms add the catalog's wording.
* **Rerank and gate.** The top candidates are rescored with how much of the procedure's name
  the question covers and how much of the question the procedure explains (accent-aware); the
  latter, with a distinctive shared two-syllable phrase, drives abstention in
  :func:`congso.assistant.intents.decide` (an off-topic question leaves most of its content
  unexplained).

The index is pure Python (no numpy) and is rebuilt when the catalog or the synonym table
changes (see :func:`get_index`).
"""

from __future__ import annotations

import gc
import heapq
import itertools
import math
import re
import threading
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

from congso.assistant import lexicon
from congso.assistant.normalise import (
    Normalised,
    accent_key,
    is_vietnamese_syllable,
    normalise,
    telex_candidates,
)
from congso.core.vntext import fold, fold_lower, folded_tokens, tokenize

#: Fields whose accented syllables are scored (the short, naming fields).
ACCENTED_FIELDS = ("name", "aliases", "result")
#: Field weights of BM25F and their length-normalisation strength.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 3.0,
    "aliases": 2.2,
    "result": 1.0,
    "field": 0.5,
    "documents": 0.3,
}
FIELD_B: dict[str, float] = {
    "name": 0.6,
    "aliases": 0.3,
    "result": 0.5,
    "field": 0.3,
    "documents": 0.75,
}
K1 = 1.2
ACCENT_WEIGHT = 0.35
EXPANSION_WEIGHT = 0.8
WEAK_WEIGHT = 0.3
#: Syllables of aspect cues ("thời hạn", "trực tuyến") say what is asked, not about what.
CUE_WEIGHT = 0.5
BIGRAM_WEIGHT = 1.0
RERANK_DEPTH = 30
MIN_QUERY_IMPACT = 0.3
#: Rerank mixture: normalised BM25 + name coverage + question coverage.
NAME_COVERAGE_WEIGHT = 0.45
QUERY_COVERAGE_WEIGHT = 0.35


@dataclass
class SourceRow:
    """The text of one procedure as the index sees it."""

    pk: int
    code: str
    name: str
    aliases: list[str] = field(default_factory=list)
    result: str = ""
    field_name: str = ""
    documents: list[str] = field(default_factory=list)
    popularity: int = 0


@dataclass(frozen=True)
class SynonymRule:
    """Folded phrase → expansion (accented) applied to questions."""

    phrase: tuple[str, ...]
    expansion: str


@dataclass
class Candidate:
    pk: int
    code: str
    name: str
    score: float
    bm25: float
    name_coverage: float
    query_coverage: float
    #: IDF of the rarest two-syllable phrase of the question found in the procedure.
    bigram_evidence: float = 0.0


@dataclass
class Retrieval:
    """Ranked candidates with the evidence the intent gate reads."""

    candidates: list[Candidate]
    tokens: list[str]
    content_tokens: list[str]
    unknown_tokens: list[str]
    repaired: list[tuple[str, str]]
    synonyms_used: list[str]
    optional_tokens: list[str] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    #: Folded syllable → (query weight, optional, accented key) for the coverage measure.
    cover: dict[str, tuple[float, bool, str]] = field(default_factory=dict)

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _bigrams(tokens: Sequence[str]) -> list[str]:
    return ["%s_%s" % (a, b) for a, b in itertools.pairwise(tokens)]


_CLAUSE_RE = re.compile(r"[,;:()/.\n]+")
_SYLLABLE_RE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=131072)
def _fold_syllable(syllable: str) -> str:
    return fold(syllable)


def _field_terms(text: str) -> tuple[list[str], list[str], int]:
    """Folded unigrams and bigrams of a field text (punctuation breaks bigrams), the accented
    keys of its syllables, and its number of syllables."""
    terms: list[str] = []
    marks: list[str] = []
    count = 0
    lowered = unicodedata.normalize("NFC", text).lower()
    for chunk in _CLAUSE_RE.split(lowered):
        syllables = _SYLLABLE_RE.findall(chunk)
        if not syllables:
            continue
        toks = [_fold_syllable(t) for t in syllables]
        count += len(toks)
        terms.extend(toks)
        terms.extend(_bigrams(toks))
        marks.extend(["~" + accent_key(t) for t in syllables])
    return terms, marks, count


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _damerau(a: str, b: str) -> int:
    """Optimal-string-alignment distance (small strings only)."""
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[lb]


def _final_confusion(typed: str, meant: str) -> bool:
    """Final-letter slips common in Southern speech and on small keyboards: hôm/hôn, tắc/tắt,
    an/ang (the rest of the syllable identical)."""
    if len(typed) == len(meant):
        return typed[:-1] == meant[:-1]
    return typed + "g" == meant or meant + "g" == typed


def _phrase_candidate(a: str, b: str) -> bool:
    """Whether two adjacent syllables may count as a distinctive phrase of a procedure.

    Stop words are excluded even beside a content word: "người yêu" would otherwise find
    "người yêu cầu" in every procedure.
    """
    if "%s_%s" % (a, b) in lexicon.GENERIC_PHRASES:
        return False
    return _term_weight(a) > 0 and _term_weight(b) > 0


def _term_weight(token: str) -> float:
    if token in lexicon.STOP_WORDS:
        return 0.0
    if token in lexicon.WEAK_WORDS:
        return WEAK_WEIGHT
    return 1.0


class Index:
    """The BM25F index of the active catalog (immutable once built)."""

    def __init__(self, rows: Iterable[SourceRow], synonyms: Iterable[SynonymRule] = ()) -> None:
        started = time.perf_counter()
        self.rows: list[SourceRow] = list(rows)
        self.synonyms: dict[tuple[str, ...], str] = {}
        for rule in synonyms:
            self.synonyms[rule.phrase] = rule.expansion
        self._max_phrase = max((len(p) for p in self.synonyms), default=1)
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        self.idf: dict[str, float] = {}
        self.doc_terms: list[frozenset[str]] = []
        self.name_terms: list[frozenset[str]] = []
        self.vocab_df: dict[str, int] = {}
        #: Procedures loaded for answers (see services); dropped with the index.
        self.facts: dict[int, Any] = {}
        self.bigram_df: dict[str, int] = {}
        self.pk_by_code = {row.code: row.pk for row in self.rows}
        self.name_phrases: set[str] = set()
        self._popular = heapq.nsmallest(10, self.rows, key=lambda r: (-r.popularity, r.name))
        # Building allocates millions of short-lived objects and no reference cycles; the
        # cyclic collector would only slow it down.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._build()
        finally:
            if gc_was_enabled:
                gc.enable()
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in self.vocab_df:
            if len(word) >= 3 and word.isalpha():
                for d in _deletes(word):
                    self._deletes[d].append(word)
        self.build_seconds = time.perf_counter() - started

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        n = len(self.rows)
        # First pass: term counts and lengths per field (lengths count syllables only).
        per_field: list[list[tuple[str, Counter[str], int]]] = []
        extra_terms: list[set[str]] = []
        lengths: dict[str, list[int]] = {f: [] for f in FIELD_WEIGHTS}
        for row in self.rows:
            fields = (
                ("name", [row.name]),
                ("aliases", row.aliases),
                ("result", [row.result]),
                ("field", [row.field_name]),
                ("documents", row.documents),
            )
            counted: list[tuple[str, Counter[str], int]] = []
            coverage_only: set[str] = set()
            for fname, parts in fields:
                tf: Counter[str] = Counter()
                syllables = 0
                for part in parts:
                    if not part:
                        continue
                    terms, marks, count = _field_terms(part)
                    tf.update(terms)
                    syllables += count
                    # Accented syllables are scored from the short fields only; the long ones
                    # still tell the coverage measure which marks the procedure uses.
                    if fname in ACCENTED_FIELDS:
                        tf.update(marks)
                    else:
                        coverage_only.update(marks)
                counted.append((fname, tf, syllables))
                if fname in ("name", "aliases"):
                    self.name_phrases.update(t for t in tf if "_" in t)
                lengths[fname].append(syllables)
            per_field.append(counted)
            extra_terms.append(coverage_only)
            name_toks = [t for t in folded_tokens(row.name) if t not in lexicon.STOP_WORDS]
            self.name_terms.append(frozenset(name_toks))
        avg = {f: (sum(v) / len(v) if v else 1.0) or 1.0 for f, v in lengths.items()}

        # Second pass: BM25F pseudo term frequencies, document frequencies.
        df: Counter[str] = Counter()
        pseudo: list[dict[str, float]] = []
        for i, counted in enumerate(per_field):
            acc: dict[str, float] = defaultdict(float)
            for fname, tf, syllables in counted:
                if not tf:
                    continue
                b = FIELD_B[fname]
                factor = FIELD_WEIGHTS[fname] / (1 - b + b * (syllables / avg[fname]))
                for term, count in tf.items():
                    acc[term] += factor * count
            pseudo.append(acc)
            df.update(acc.keys())
            self.doc_terms.append(frozenset(acc) | extra_terms[i])
        for term, d in df.items():
            self.idf[term] = math.log(1 + (n - d + 0.5) / (d + 0.5))
            if term[0] == "~":
                continue
            if "_" in term:
                self.bigram_df[term] = d
            else:
                self.vocab_df[term] = d
        # Contributions are precomputed: a query only sums them. Postings are typed arrays
        # (documents, contributions): compact, and invisible to the cyclic garbage collector.
        docs: dict[str, list[int]] = defaultdict(list)
        contribs: dict[str, list[float]] = defaultdict(list)
        idf = self.idf
        k1 = K1
        for i, acc in enumerate(pseudo):
            for term, weight in acc.items():
                docs[term].append(i)
                contribs[term].append(idf[term] * weight * (k1 + 1) / (k1 + weight))
        self.postings = {
            term: (array("i", docs[term]), array("d", contribs[term])) for term in docs
        }
        self.max_idf = max(self.idf.values(), default=1.0)

    # ------------------------------------------------------------------ query
    def _repair(self, tokens: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """Replace syllables the catalog does not know by the closest ones it does."""
        out = list(tokens)
        repaired: list[tuple[str, str]] = []
        for i, tok in enumerate(tokens):
            if tok and not tok.isalpha() and not tok.isdigit() and tok not in self.vocab_df:
                # VNI leftovers: tone and shape digits typed inside a syllable ("dang9", "ky1").
                letters = "".join(ch for ch in tok if ch.isalpha())
                if letters in self.vocab_df:
                    out[i] = letters
                    repaired.append((tok, letters))
                continue
            if (
                tok in self.vocab_df
                or tok in lexicon.STOP_WORDS
                or tok in lexicon.WEAK_WORDS
                or not tok.isalpha()
                or len(tok) < 3
                or is_vietnamese_syllable(tok)
            ):
                continue
            prev = out[i - 1] if i else ""
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            best = self._split_run_together(tok) or self._best_candidate(tok, prev, nxt)
            if best and best != tok:
                out[i] = best
                repaired.append((tok, best))
        # Real-word errors: a syllable the catalog does not know after a content syllable it
        # does, where a final-letter variant forms a catalog bigram ("kết hôm" → "kết hôn").
        for i in range(1, len(out)):
            a, b = out[i - 1], out[i]
            if (
                a in lexicon.STOP_WORDS
                or a not in self.vocab_df
                or b in self.vocab_df
                or len(b) < 2
                or " " in b
            ):
                continue
            nxt = out[i + 1] if i + 1 < len(out) else ""
            if nxt and "%s_%s" % (b, nxt) in self.bigram_df:
                continue
            cands = [
                c
                for c in self._edit_candidates(b)
                if "%s_%s" % (a, c) in self.bigram_df and _final_confusion(b, c)
            ]
            if cands:
                best = max(cands, key=lambda c: self.bigram_df["%s_%s" % (a, c)])
                repaired.append((b, best))
                out[i] = best
        return out, repaired

    def _split_run_together(self, tok: str) -> str | None:
        """Two catalog syllables typed without a space ("khaisinh" → "khai sinh"), accepted
        only when they form a two-syllable phrase of the catalog."""
        for cut in range(1, len(tok)):
            left, right = tok[:cut], tok[cut:]
            if "%s_%s" % (left, right) in self.bigram_df:
                return "%s %s" % (left, right)
        return None

    def _edit_candidates(self, tok: str) -> set[str]:
        found: set[str] = set()
        for key in {tok} | _deletes(tok):
            found.update(self._deletes.get(key, ()))
            if key in self.vocab_df:
                found.add(key)
        found.discard(tok)
        return found

    def _best_candidate(self, tok: str, prev: str, nxt: str) -> str | None:
        for cand in telex_candidates(tok):
            if cand in self.vocab_df:
                return cand
        limit = 1 if len(tok) <= 6 else 2
        scored: list[tuple[float, str]] = []
        for cand in self._edit_candidates(tok):
            dist = _damerau(tok, cand)
            if dist > limit:
                continue
            context = 0.0
            if prev and "%s_%s" % (prev, cand) in self.bigram_df:
                context += 3
            if nxt and "%s_%s" % (cand, nxt) in self.bigram_df:
                context += 3
            scored.append((context - dist + math.log1p(self.vocab_df[cand]) / 10, cand))
        if not scored:
            return None
        scored.sort(reverse=True)
        return scored[0][1]

    def _apply_synonyms(
        self, tokens: list[str]
    ) -> tuple[list[tuple[list[str], str]], list[str], set[int]]:
        """Token lists to add for every synonym phrase found, and the positions they explain."""
        extra: list[tuple[list[str], str]] = []
        used: list[str] = []
        explained: set[int] = set()
        n = len(tokens)
        for size in range(min(self._max_phrase, n), 0, -1):
            for start in range(0, n - size + 1):
                phrase = tuple(tokens[start : start + size])
                expansion = self.synonyms.get(phrase)
                if expansion is not None:
                    extra.append((folded_tokens(expansion), expansion))
                    used.append(" ".join(phrase))
                    explained.update(range(start, start + size))
        return extra, used, explained

    def query_terms(self, norm: Normalised) -> tuple[dict[str, float], Retrieval]:
        """Weighted query terms, and the evidence later used to judge a match."""
        fixed, repaired = self._repair(norm.folded)
        # A repair may split a run-together token ("khaisinh" → "khai sinh"); keep, for each
        # syllable, the accented key of the user's own syllable when it was left unchanged.
        tokens: list[str] = []
        accents: list[str] = []
        for original, fix in zip(norm.tokens, fixed, strict=True):
            for part in fix.split():
                tokens.append(part)
                accents.append(original.accented if fix == original.folded else part)
        extra, used, explained = self._apply_synonyms(tokens)
        weights: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if weight > weights.get(term, 0.0):
                weights[term] = weight

        for seq, scale in [(tokens, 1.0)] + [(e, EXPANSION_WEIGHT) for e, _ in extra]:
            for tok in seq:
                weight = _term_weight(tok)
                if tok in lexicon.CUE_WORDS:
                    weight = min(weight, CUE_WEIGHT)
                add(tok, scale * weight)
            for a, b in itertools.pairwise(seq):
                wa, wb = _term_weight(a), _term_weight(b)
                if wa == 0 and wb == 0:
                    continue
                add("%s_%s" % (a, b), scale * BIGRAM_WEIGHT * max(wa, wb))
        if norm.has_diacritics:
            repaired_from = {src for src, _ in repaired}
            for syllable in norm.tokens:
                if syllable.folded in repaired_from or _term_weight(syllable.folded) == 0:
                    continue
                add("~" + syllable.accented, ACCENT_WEIGHT * _term_weight(syllable.folded))
        # Coverage counts the question's own words that no synonym explained and the words of
        # the expansions, weighted like the query; words of the aspect cues ("trực tuyến",
        # "bản sao") and numbers count only when the procedure has them.
        cover: dict[str, tuple[float, bool, str]] = {}
        for i, tok in enumerate(tokens):
            weight = _term_weight(tok)
            if i in explained or weight == 0:
                continue
            optional = tok in lexicon.CUE_WORDS or not tok.isalpha()
            prev = cover.get(tok)
            cover[tok] = (max(weight, prev[0]) if prev else weight, optional, accents[i])
        for seq, text in extra:
            for tok, word in zip(seq, tokenize(text), strict=False):
                weight = _term_weight(tok)
                if weight and tok not in cover:
                    cover[tok] = (weight, False, accent_key(word))
        phrases = {
            "%s_%s" % (a, b)
            for seq in [tokens, *(e for e, _ in extra)]
            for a, b in itertools.pairwise(seq)
            if _phrase_candidate(a, b) or self._is_name_phrase(a, b)
        }
        required = [t for t, (w, opt, _) in cover.items() if w == 1.0 and not opt]
        info = Retrieval(
            candidates=[],
            tokens=tokens,
            content_tokens=required,
            unknown_tokens=[t for t in required if t not in self.vocab_df],
            repaired=repaired,
            synonyms_used=used,
            optional_tokens=[t for t, (_, opt, _) in cover.items() if opt],
            bigrams=sorted(phrases),
            cover=cover,
        )
        return weights, info

    def search(self, norm: Normalised | str, *, limit: int = 5) -> Retrieval:
        """Rank procedures for a (normalised) question."""
        if isinstance(norm, str):
            norm = normalise(norm)
        weights, info = self.query_terms(norm)
        scores: dict[int, float] = defaultdict(float)
        idf = self.idf
        for term, qw in weights.items():
            # A term found in most procedures ("giấy", "cấp" in a large catalog), above all a
            # down-weighted one, barely changes the ranking but costs a pass over thousands of
            # postings; its weight × IDF bounds what it can add to any procedure.
            if qw <= 0 or qw * idf.get(term, 1.0) < MIN_QUERY_IMPACT:
                continue
            posting = self.postings.get(term)
            if posting is None:
                continue
            for doc, contrib in zip(*posting, strict=True):
                scores[doc] += qw * contrib
        if not scores:
            return info
        top = heapq.nlargest(RERANK_DEPTH, scores.items(), key=itemgetter(1))
        best = top[0][1]
        cover = [
            (t, w * self.idf.get(t, self.max_idf), opt, "~" + acc if acc != t else "")
            for t, (w, opt, acc) in info.cover.items()
        ]
        phrase_idf = {b: self.idf[b] for b in info.bigrams if b in self.idf}
        qset = set(info.tokens) | {t for t in weights if "_" not in t and not t.startswith("~")}
        out: list[tuple[Candidate, int]] = []
        for doc, raw in top:
            row = self.rows[doc]
            names = self.name_terms[doc]
            name_cov = len(names & qset) / len(names) if names else 0.0
            terms = self.doc_terms[doc]
            matched_phrases = [v for b, v in phrase_idf.items() if b in terms]
            # A two-syllable phrase of the question found in the procedure explains more than
            # its syllables alone, so it adds to the explained part.
            matched = sum(matched_phrases)
            missing = 0.0
            for term, value, optional, acc in cover:
                # A syllable typed with diacritics matches fully only with the same marks
                # ("vũ trụ" is not "tạm trú"); a folded match alone earns half.
                credit = (
                    1.0
                    if term in terms and (not acc or acc in terms)
                    else (0.5 if term in terms else 0.0)
                )
                matched += credit * value
                if not optional:
                    missing += (1 - credit) * value
            q_cov = matched / (matched + missing) if matched + missing else 0.0
            evidence = max(matched_phrases, default=0.0)
            final = raw / best + NAME_COVERAGE_WEIGHT * name_cov + QUERY_COVERAGE_WEIGHT * q_cov
            cand = Candidate(
                pk=row.pk,
                code=row.code,
                name=row.name,
                score=final,
                bm25=raw,
                name_coverage=name_cov,
                query_coverage=q_cov,
                bigram_evidence=evidence,
            )
            out.append((cand, row.popularity))
        out.sort(key=lambda cp: (-cp[0].score, -cp[1]))
        info.candidates = [c for c, _ in out[:limit]]
        return info

    def _is_name_phrase(self, a: str, b: str) -> bool:
        """Two syllables that together are part of a procedure's name or alias ("căn cước",
        "thuốc lá"), even when one of them folds to a stop word ("cần", "là")."""
        phrase = "%s_%s" % (a, b)
        return phrase in self.name_phrases and phrase not in lexicon.GENERIC_PHRASES

    def popular(self, limit: int) -> list[SourceRow]:
        """The most used procedures (suggested when a question is declined)."""
        return self._popular[:limit]

    def memory_terms(self) -> int:
        """Number of postings (for the benchmark's report)."""
        return sum(len(docs) for docs, _ in self.postings.values())


def default_synonym_rules() -> list[SynonymRule]:
    return [
        SynonymRule(tuple(key.split()), value) for key, value in lexicon.DEFAULT_SYNONYMS.items()
    ]


def merge_synonyms(
    staff: Iterable[tuple[str, str, bool]],
) -> list[SynonymRule]:
    """Built-in rules overridden by staff rows ``(term, expansion, is_active)``."""
    rules = {rule.phrase: rule.expansion for rule in default_synonym_rules()}
    for term, expansion, active in staff:
        phrase = tuple(fold_lower(term).split())
        if not phrase:
            continue
        if not active:
            rules.pop(phrase, None)
        elif expansion:
            rules[phrase] = expansion
    return [SynonymRule(p, e) for p, e in rules.items()]


# ---------------------------------------------------------------------- the process index
_lock = threading.Lock()
_state: dict[str, object] = {"index": None, "version": None, "checked": 0.0}


def catalog_version() -> tuple:
    """A cheap fingerprint of everything the index is built from (two aggregate queries)."""
    from django.db.models import Count, Max

    from congso.assistant.models import Synonym
    from congso.catalog.models import Procedure

    p = Procedure.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    s = Synonym.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (p["n"], p["at"], s["n"], s["at"])


def load_rows() -> tuple[list[SourceRow], list[SynonymRule]]:
    """Read the active catalog and the synonym table from the database (three plain queries;
    no model instances, so that 5,000 procedures load in well under a second)."""
    from congso.assistant.models import Synonym
    from congso.catalog.models import Procedure, RequiredDocument

    aliases: dict[int, list[str]] = defaultdict(list)
    staff: list[tuple[str, str, bool]] = []
    for term, expansion, procedure_id, active in Synonym.objects.values_list(
        "term", "expansion", "procedure_id", "is_active"
    ):
        staff.append((term, expansion, active))
        if procedure_id and active:
            aliases[procedure_id].append(term)
    documents: dict[int, list[str]] = defaultdict(list)
    for procedure_id, name in (
        RequiredDocument.objects.filter(procedure__is_active=True)
        .order_by("procedure_id", "position")
        .values_list("procedure_id", "name")
    ):
        documents[procedure_id].append(name)
    rows: list[SourceRow] = []
    for pk, code, name, synonyms, result, field_name, popularity in (
        Procedure.objects.active()
        .order_by("id")
        .values_list("id", "code", "name", "synonyms", "result", "field__name", "popularity")
    ):
        syns = [s for s in (synonyms or []) if isinstance(s, str)]
        rows.append(
            SourceRow(
                pk=pk,
                code=code,
                name=name,
                aliases=syns + aliases.get(pk, []),
                result=result or "",
                field_name=field_name or "",
                documents=documents.get(pk, []),
                popularity=popularity or 0,
            )
        )
    return rows, merge_synonyms(staff)


def build_index() -> Index:
    rows, rules = load_rows()
    return Index(rows, rules)


def get_index(*, force_check: bool = False) -> Index:
    """The process-wide index, rebuilt when the catalog or the synonyms changed.

    The version check costs two aggregate queries and runs at most every
    ``ASSISTANT_INDEX_CHECK_SECONDS`` (default 5 s) so that bursts of questions pay nothing.
    """
    from django.conf import settings

    interval = float(getattr(settings, "ASSISTANT_INDEX_CHECK_SECONDS", 5.0))
    now = time.monotonic()
    index = _state["index"]
    if (
        isinstance(index, Index) and not force_check and now - float(_state["checked"]) < interval  # type: ignore[arg-type]
    ):
        return index
    version = catalog_version()
    with _lock:
        index = _state["index"]
        if not isinstance(index, Index) or _state["version"] != version:
            index = build_index()
            _state["index"] = index
            _state["version"] = version
        _state["checked"] = time.monotonic()
    return index


def reset_index() -> None:
    """Forget the process index (tests, after bulk changes that bypass ``updated_at``)."""
    with _lock:
        _state.update({"index": None, "version": None, "checked": 0.0})
