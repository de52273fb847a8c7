"""Choosing what to quote (pure over its inputs): candidate units of the retrieved clauses,
scored by how much of the question's content they hold, whether they hold an answer of the
type asked for, and how sure we are of their document; the gate that abstains below a
calibrated score.

Scoring is deliberately simple and the weights few, so that they can be re-fitted on a tune set
(`eval.calibrate`): coverage of the question's IDF-weighted content terms (half weight when a
term is only in the clause's headings or the document's title), a bonus for an answer of the
right type, the document resolution score, and small penalties for long units and low ranks.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.answer.intent import Need, list_head
from rag.answer.spans import Span, find_spans
from rag.answer.units import Unit, coverage, heading_unit, keys_near, keys_of, under_agency_heading, units_of
from rag.index.corpus import CorpusView
from rag.search.query import QueryInfo, numbered_parts
from rag.text import contract_normalize, strip_accents
from rag.types import Passage

UNITS_FROM = 30  # passages whose units are considered
_LEGAL_BASIS = re.compile(r"^\W*(?:Căn cứ|Theo đề nghị|Xét đề nghị)", re.I)
_ISSUING_NOTE = re.compile(r"^\W*\(?\s*(?:Ban hành )?[Kk]èm theo ")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)(?!\d)")


def _in_span(years: Sequence[str], *texts: str) -> bool:
    """Is an asked year inside a period the text names ('2026 - 2030' holds 2028)?"""
    for text in texts:
        for a, b in _RANGE.findall(text):
            if any(int(a) <= int(y) <= int(b) for y in years):
                return True
    return False


@dataclass(frozen=True)
class Weights:
    """The scorer's few weights (fitted on the tune set; see eval.calibrate)."""

    type_bonus: float = 0.2
    doc_prior: float = 0.25
    rank_penalty: float = 0.006
    length_penalty: float = 0.08  # per 250 characters beyond 250
    context_year: float = 0.1
    piece_penalty: float = 0.03
    list_bonus: float = 0.15
    min_coverage: float = 0.5
    min_in_text: float = 0.25
    max_missing: float = 0.25  # IDF share of question terms the unit's whole document may lack
    floor_coverage: float = 0.35  # below this no gate answers
    min_coverage_list: float = 0.5
    gate_coef: tuple[float, ...] = ()  # a logistic gate over Candidate.features() (eval.calibrate --learn)
    gate_intercept: float = 0.0
    gate_threshold: float = 0.5


WEIGHTS_FILE = Path(__file__).with_name("data") / "weights.json"


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The weights fitted by `python -m eval.calibrate` (the file says on which sets), else the defaults."""
    if not path.exists():
        return Weights()
    fitted = json.loads(path.read_text(encoding="utf-8"))["weights"]
    known: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else float(v)) for k, v in fitted.items()
                             if k in Weights.__dataclass_fields__}
    return Weights(**known)


DEFAULT_WEIGHTS = load_weights()


@dataclass(frozen=True)
class Candidate:
    """A unit that may answer, with its score, coverage of the question and the typed span that answers.

    `coverage`: IDF-weighted share of the question's terms in the unit (context counts half, words
    naming its document count whole); `in_text`: the share of the other terms in the unit itself;
    `keys_found`: whether the unit's document holds nearly all the question's terms (a near-miss
    question names what the document lacks: another indicator, another year, another place).
    """

    unit: Unit
    score: float
    coverage: float
    in_text: float
    span: Span | None
    keys_found: bool = True
    named: bool = False  # the unit is in the clause the question names ('mục II.3 (12)')
    missing: float = 0.0  # IDF share of the question's terms its document lacks
    doc: float = 1.0  # how well the unit's document fits the question (resolution score)

    def features(self) -> tuple[float, ...]:
        """What the learned gate weighs (the order of GATE_FEATURES)."""
        return (self.coverage, self.in_text, self.missing, float(self.span is not None), self.doc,
                1.0 / max(1, self.unit.rank), min(1.0, len(self.unit.text) / 400))


GATE_FEATURES = ("coverage", "in_text", "missing", "has_answer_span", "document_fit", "inverse_rank", "length")


_PADDED = re.compile(r"(?<![\d.,])0+(?=\d)")  # '09 tháng' is '9 tháng': documents pad small numbers


def _echoes(span: Span, question_key: str) -> bool:
    """A span the question itself states ('năm 2030' in 'đến năm 2030 … bao nhiêu?', '09 tháng đầu
    năm' in '9 tháng đầu năm … tăng bao nhiêu?') is not the answer."""
    return _PADDED.sub("", contract_normalize(span.text)) in _PADDED.sub("", question_key)


def answer_spans(unit_text: str, need: Need, question: str) -> list[Span]:
    """The spans of the needed kinds in a unit, minus those the question already states."""
    if not need.kinds:
        return []
    key = contract_normalize(question)
    spans = [s for s in find_spans(unit_text, need.kinds) if s.kind in need.kinds and not _echoes(s, key)]
    if need.unit:  # 'bao nhiêu tỷ đồng' is not answered by a figure in tấn
        spans = [s for s in spans if s.kind != "quantity" or _in_unit(s, need.unit, unit_text)]
    return spans


def _in_unit(span: Span, unit: str, text: str) -> bool:
    after = strip_accents(text[span.start:span.end + 12].lower())
    if unit == "%":
        return "%" in after[:len(span.text) + 2] or "phan tram" in after
    return f" {unit}" in f" {after}"


class DocKeys:
    """Match keys of whole documents, kept for the documents asked about most recently (bounded)."""

    def __init__(self, corpus: CorpusView, size: int = 256):
        self.corpus, self.size = corpus, size
        self._keys: dict[tuple[str, bool], frozenset[str]] = {}

    def __call__(self, doc_id: str, folded: bool) -> frozenset[str]:
        key = (doc_id, folded)
        if key not in self._keys:
            if len(self._keys) >= self.size:
                self._keys.pop(next(iter(self._keys)))
            meta = self.corpus.meta(doc_id)
            # the text's keys were computed once, at indexing time (CorpusView.keys): no pass over the text
            self._keys[key] = self.corpus.keys(doc_id, folded) | frozenset(
                keys_of(f"{meta.title or ''} {meta.issuer or ''}", folded))
        return self._keys[key]


def candidates(info: QueryInfo, need: Need, passages: Sequence[Passage], corpus: CorpusView,
               weight: Callable[[str], float], doc_score: Callable[[str], float],
               extra_terms: Sequence[str] = (), weights: Weights = DEFAULT_WEIGHTS,
               doc_keys_of: DocKeys | None = None) -> list[Candidate]:
    """Every unit of the top passages that may answer, best first."""
    folded = strip_accents(info.text) == info.text
    terms = [strip_accents(t) for t in info.terms] if folded else list(info.terms)
    terms += [strip_accents(t) if folded else t for t in extra_terms if t not in terms]
    head_phrase = " ".join(list_head(info.text)) if need.wants_list else ""
    asks_basis = bool(re.search(r"\b(can cu|dua tren|dua vao|co so phap ly|theo de nghi|to trinh)\b", info.folded))
    if need.wants_list:  # 'những chỉ tiêu … nào': what the list is of is content here
        head = [h for h in list_head(info.text) if h not in ("co", "quan", "don", "vi", "cac", "nhung")]
        terms += [h for h in head if h not in {strip_accents(t) for t in terms}] if folded else [
            t for t in keys_of(info.text, False) if strip_accents(t) in head and t not in terms]
    pairs = [(strip_accents(a), strip_accents(b)) if folded else (a, b) for a, b in info.pairs]
    out: list[Candidate] = []
    seen: set[tuple[int, int, str]] = set()
    soft = frozenset(strip_accents(t) if folded else t for t in info.soft)
    weighted = {t: weight(t) for t in dict.fromkeys(terms)}
    total_weight = sum(weighted.values()) or 1.0
    places = [strip_accents(p.lower()) for p in info.places]
    profile_cache: dict[str, frozenset[str]] = {}
    all_keys = doc_keys_of or DocKeys(corpus)

    def doc_keys(doc_id: str) -> frozenset[str]:
        """Every match key of a document (a near-miss question names what its document lacks)."""
        return all_keys(doc_id, folded)

    def profile_keys(doc_id: str) -> frozenset[str]:
        """The words that name a document: its type, title, issuer, place."""
        if doc_id not in profile_cache:
            meta = corpus.meta(doc_id)
            named = f"{meta.doc_type or ''} {meta.title or ''} {meta.issuer or ''} {meta.place or ''}"
            profile_cache[doc_id] = frozenset(keys_of(named, folded))
        return profile_cache[doc_id]
    for passage in passages[:UNITS_FROM]:
        chunk = passage.chunk
        if chunk.section in ("header", "closing") and not need.addressees:
            continue  # the recipients and signature answer only who a document is sent to
        meta = corpus.meta(chunk.doc_id)
        doc_text = corpus.text(chunk.doc_id)
        units = units_of(chunk, doc_text, passage.rank, meta.title or "")
        if need.wants_list and (heading := heading_unit(chunk, doc_text, passage.rank, meta.title or "")):
            units.append(heading)  # '3. Chỉ tiêu thi đua' announces the list of its items
        for unit in units:
            key = (unit.start, unit.end, chunk.doc_id)
            if key in seen:
                continue
            seen.add(key)
            if _LEGAL_BASIS.match(unit.text) and not asks_basis:
                continue  # 'Căn cứ Luật …': why the document exists, not what it demands
            named = bool(info.clause_path) and (chunk.path == info.clause_path
                                                 or chunk.path.startswith(f"{info.clause_path}."))
            spans = answer_spans(unit.text, need, info.text)
            sentence, offset = unit.text, 0
            if unit.sentence != (0, 0):
                sentence, offset = doc_text[unit.sentence[0]:unit.sentence[1]], unit.start - unit.sentence[0]
            if need.label == "agency":  # 'who does it': an agency that acts, or the heading the clause sits under
                spans = [s for s in spans if s.kind != "agency" or is_actor(
                    Span(s.kind, s.start + offset, s.end + offset, s.text), sentence)]
            if need.strict and not spans and not named and not (
                    need.label == "agency" and under_agency_heading(unit)):
                continue
            where = f"{unit.text} {unit.context} {unit.lead} {meta.title or ''} {(meta.issued_on or '')[:4]}"
            if info.parts and _names_another_part(info.parts, f"{unit.lead} {unit.text}"):
                continue  # 'Dự án thành phần 1' does not answer for 'thành phần 3'
            if info.years and not any(y in where for y in info.years):
                continue  # the question's year is a constraint, not a hint
            # years that only name the document ('Kế hoạch … giai đoạn 2026 - 2030') say nothing of the fact
            fact_years = [y for y in info.years if y not in (meta.title or "")]
            local = set(_YEAR.findall(f"{unit.text} {unit.lead}"))
            if fact_years and local and not local & set(fact_years) and not _in_span(fact_years, unit.text, unit.lead):
                continue  # the clause's own period ('Giai đoạn 2025-2027') is not the one asked about
            if _ISSUING_NOTE.match(unit.text):
                continue  # '(Kèm theo Quyết định số …)' dates the attachment, it says nothing of its own
            if places and not _mentions_place(places, f"{where} {meta.about or ''} {meta.place or ''} {meta.issuer or ''}"):
                continue
            cov = coverage(terms, unit, weight, folded, pairs, given=profile_keys(chunk.doc_id), soft=soft)
            keys = doc_keys(chunk.doc_id)
            missing = sum(w for t, w in weighted.items() if t not in keys and t not in soft) / total_weight
            keys_found = missing <= weights.max_missing
            score = cov.score + (1.0 if named else 0.0)
            if spans:
                score += weights.type_bonus
            score += weights.doc_prior * doc_score(chunk.doc_id) ** 2
            score -= weights.rank_penalty * passage.rank
            score -= weights.length_penalty * max(0, len(unit.text) - 250) / 250
            if unit.sentence != (0, 0) and (unit.start, unit.end) != unit.sentence and \
                    unit.sentence[1] - unit.sentence[0] <= 400:
                score -= weights.piece_penalty  # a piece of a sentence that is short enough to quote whole
            if need.wants_list:
                score += weights.list_bonus * _announces_list(unit, doc_text)
                if head_phrase and head_phrase in strip_accents(unit.text.lower()):
                    score += weights.list_bonus  # the unit names what the list is of ('Chỉ tiêu thi đua')
            if info.years and any(y in unit.text or y in unit.lead for y in info.years):
                score += weights.context_year  # the unit itself speaks of the year asked about
            span = _best_span(spans, need, unit.text, set(terms), folded, sentence, offset, info.text)
            out.append(Candidate(unit, score, cov.score, cov.in_text, span, keys_found, named, missing,
                                 doc_score(chunk.doc_id)))
    return sorted(out, key=lambda c: -c.score)


def _names_another_part(parts: Sequence[tuple[str, int]], text: str) -> bool:
    """Does the text name the asked part's kind ('thành phần') only with other numbers?"""
    named = numbered_parts(strip_accents(text.lower()))
    return any(any(noun == n for n, _ in named) and (noun, number) not in named for noun, number in parts)


def _announces_list(unit: Unit, doc: str) -> float:
    """1 for a unit that opens a list ('… như sau:', a clause heading over its items), 0.3 for one
    that enumerates ('A, B, C và D'), else 0."""
    text = unit.text.rstrip(" *")
    if text.endswith(":") or re.search(r"(?:gồm|bao gồm|như sau)\s*:?$", text):
        return 1.0
    nxt = doc[unit.end:unit.end + 200].lstrip(" *\n")
    if unit.start == unit.chunk.start and re.match(r"(?:[-–+•]|\(?\d{1,2}[.)]|[a-zđ]\))\s", nxt):
        return 1.0  # a heading followed by its items
    return 0.3 if text.count(",") + text.count(";") >= 3 else 0.0


def _mentions_place(places: Sequence[str], text: str) -> bool:
    folded = strip_accents(text.lower())
    return any(p in folded for p in places)


_ACTOR_LEAD = re.compile(r"^\W*(?:\w{1,3}\)\s*)?(?:(?:Giao|Đề nghị|Yêu cầu|Chỉ đạo|Giao cho)\s+)?$")
_ACTOR_BEFORE = re.compile(r"(?:\b(?:[Gg]iao|do|[Đđ]ề nghị|[Yy]êu cầu|giao cho)|[Cc]ơ quan (?:thực hiện|chủ trì|phối hợp)"
                           r"|[Đđ]ơn vị (?:thực hiện|chủ trì|phối hợp)|[Cc]hủ trì)\s*:?\s*$")
_ACTOR_AFTER = re.compile(r"^\s*(?:\([^)]{1,60}\)\s*)?,?\s*(?:chủ trì|phối hợp|thực hiện|có trách nhiệm|chịu trách nhiệm|tham mưu"
                          r"|hướng dẫn|theo dõi|tổng hợp|xây dựng|tổ chức|triển khai|kiểm tra|rà soát|nghiên cứu|là cơ quan"
                          r"|làm đầu mối|là đầu mối|cung cấp|quyết định|xem xét|giải quyết|phụ trách|quản lý|hỗ trợ|đôn đốc)\b")


def is_actor(span: Span, text: str) -> bool:
    """Is the agency the one who acts: opening the sentence, given the task ('Giao …', 'do …',
    'Cơ quan thực hiện: …') or followed by the action ('… chủ trì, phối hợp …')?"""
    return bool(_ACTOR_LEAD.match(text[:span.start]) or _ACTOR_BEFORE.search(text[max(0, span.start - 25):span.start])
                or _ACTOR_AFTER.match(text[span.end:span.end + 80]))
_TO = re.compile(r"(?:về|gửi|cho|qua|thông qua|lên|tới|đến|với|liên hệ)\s*(?:\(|\s)*$", re.I)


_NEAR = 60  # characters around a span whose words tell what the span is about


def _best_span(spans: Sequence[Span], need: Need, text: str, terms: set[str], folded: bool,
               sentence: str = "", offset: int = 0, question: str = "") -> Span | None:
    """The span that best states the fact.

    The span whose neighbourhood holds most of the question's words, the nearest counting most
    ('nhóm 50 nước dẫn đầu thế giới' for '… bao nhiêu nước dẫn đầu thế giới', not the ASEAN figure
    before it; 'trước ngày 18/5' after '6 tháng' for the six-month report); among equals a
    number with its unit or comparison word beats a bare number; for 'who does it' the agency
    that opens the sentence (the actor — else the clause heading answers), for 'to whom' the
    agency after 'về / gửi / qua'.
    """
    if not spans:
        return None
    if len(spans) > 1 and need.label not in ("agency", "recipient", "entity"):
        asked = contract_normalize(question)

        def near(span: Span) -> float:
            window = text[max(0, span.start - _NEAR):span.end + _NEAR]
            hits = keys_near(text, span.start, span.end, terms, folded, _NEAR)  # the closer, the more it says
            hits += sum(2 for y in _YEAR.findall(question) if y in window)  # 'vào năm 2030' beside its figure
            word = span.text.split(" ", 1)[0].lower()  # 'xuống 7,8%' for 'giảm xuống còn bao nhiêu'
            return hits + (2 if len(span.text.split()) > 1 and f" {word} " in f" {asked} " else 0)
        scores = [near(s) for s in spans]
        best = max(scores)
        spans = [s for s, score in zip(spans, scores, strict=True) if score == best]
    if need.label in ("agency", "recipient", "entity"):
        agencies = [s for s in spans if s.kind == "agency"]
        if need.label == "entity":
            return (agencies or list(spans))[0]
        if need.label == "recipient":
            to = [s for s in agencies if _TO.search(text[max(0, s.start - 14):s.start])]
            return (to or agencies or list(spans))[0]
        # who acts is read in the whole sentence: a piece cut at a comma may start with an object
        whole = sentence or text
        actors = [s for s in agencies if is_actor(Span(s.kind, s.start + offset, s.end + offset, s.text), whole)]
        return actors[0] if actors else None
    rich = [s for s in spans if not re.fullmatch(r"[\d.,]+", s.text)]
    return (rich or list(spans))[0]


def gate_probability(best: Candidate, weights: Weights) -> float | None:
    """The learned gate's estimate that answering with this unit is right (None: no learned gate)."""
    if not weights.gate_coef:
        return None
    z = weights.gate_intercept + sum(w * x for w, x in zip(weights.gate_coef, best.features(), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def passes_gate(best: Candidate | None, weights: Weights = DEFAULT_WEIGHTS, learned: bool = True) -> bool:
    """Answer only when the best unit holds enough of the question, including its most specific
    terms (or the user named its clause); with a learned gate, when its estimate that the answer
    is right clears the threshold fitted on the tune set. A list answer (a whole paragraph, long by
    nature) is gated by the coverage thresholds alone (`learned=False`)."""
    if best is None:
        return False
    if best.named:
        return True
    if best.coverage < weights.floor_coverage or not best.keys_found:
        return False
    p = gate_probability(best, weights) if learned else None
    if p is not None:
        return p >= weights.gate_threshold
    if not learned:  # a list: its paragraph rarely repeats the question's words as a single fact does
        return best.coverage >= weights.min_coverage_list and best.in_text >= weights.min_in_text
    return best.coverage >= weights.min_coverage and best.in_text >= weights.min_in_text
