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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.answer.intent import Need
from rag.answer.spans import Span, find_spans
from rag.answer.units import Unit, coverage, keys_of, units_of
from rag.index.corpus import CorpusView
from rag.search.query import QueryInfo
from rag.text import contract_normalize, strip_accents
from rag.types import Passage

UNITS_FROM = 12  # passages whose units are considered
_LEGAL_BASIS = re.compile(r"^\W*(?:Căn cứ|Theo đề nghị|Xét đề nghị)", re.I)


@dataclass(frozen=True)
class Weights:
    """The scorer's few weights (fitted on the tune set; see eval.calibrate)."""

    type_bonus: float = 0.2
    doc_prior: float = 0.25
    rank_penalty: float = 0.006
    length_penalty: float = 0.08  # per 250 characters beyond 250
    context_year: float = 0.1
    min_coverage: float = 0.5
    min_in_text: float = 0.25
    key_share: float = 0.75  # terms this close to the question's rarest term must all be found


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Candidate:
    """A unit that may answer, with its score, coverage of the question and the typed span that answers.

    `coverage`: IDF-weighted share of the question's terms in the unit (context counts half);
    `in_text`: the share in the unit itself; `keys_found`: whether the question's most specific
    terms are all there (a near-miss question differs from the text in exactly such a term).
    """

    unit: Unit
    score: float
    coverage: float
    in_text: float
    span: Span | None
    keys_found: bool = True
    named: bool = False  # the unit is in the clause the question names ('mục II.3 (12)')


def _echoes(span: Span, question_key: str) -> bool:
    """A span the question itself states ('năm 2030' in 'đến năm 2030 … bao nhiêu?') is not the answer."""
    return contract_normalize(span.text) in question_key


def answer_spans(unit_text: str, need: Need, question: str) -> list[Span]:
    """The spans of the needed kinds in a unit, minus those the question already states."""
    if not need.kinds:
        return []
    key = contract_normalize(question)
    return [s for s in find_spans(unit_text, need.kinds) if s.kind in need.kinds and not _echoes(s, key)]


def candidates(info: QueryInfo, need: Need, passages: Sequence[Passage], corpus: CorpusView,
               weight: Callable[[str], float], doc_score: Callable[[str], float],
               extra_terms: Sequence[str] = (), weights: Weights = DEFAULT_WEIGHTS) -> list[Candidate]:
    """Every unit of the top passages that may answer, best first."""
    folded = strip_accents(info.text) == info.text
    terms = [strip_accents(t) for t in info.terms] if folded else list(info.terms)
    terms += [strip_accents(t) if folded else t for t in extra_terms if t not in terms]
    pairs = [(strip_accents(a), strip_accents(b)) if folded else (a, b) for a, b in info.pairs]
    out: list[Candidate] = []
    seen: set[tuple[int, int, str]] = set()
    weighted = {t: weight(t) for t in dict.fromkeys(terms)}
    top = max(weighted.values(), default=0.0)
    keys = [t for t, w in weighted.items() if w >= weights.key_share * top] if len(weighted) >= 2 else []
    places = [strip_accents(p.lower()) for p in info.places]
    for passage in passages[:UNITS_FROM]:
        chunk = passage.chunk
        if chunk.section in ("header", "closing"):
            continue
        meta = corpus.meta(chunk.doc_id)
        doc_text = corpus.text(chunk.doc_id)
        for unit in units_of(chunk, doc_text, passage.rank, meta.title or ""):
            key = (unit.start, unit.end, chunk.doc_id)
            if key in seen:
                continue
            seen.add(key)
            if _LEGAL_BASIS.match(unit.text) and "docref" not in need.kinds:
                continue  # 'Căn cứ Luật …': why the document exists, not what it demands
            named = bool(info.clause_path) and (chunk.path == info.clause_path
                                                 or chunk.path.startswith(f"{info.clause_path}."))
            spans = answer_spans(unit.text, need, info.text)
            if need.strict and not spans and not named:
                continue
            where = f"{unit.text} {unit.context} {unit.lead} {meta.title or ''}"
            if info.years and not any(y in where for y in info.years):
                continue  # the question's year is a constraint, not a hint
            if places and not _mentions_place(places, f"{where} {meta.about or ''} {meta.place or ''} {meta.issuer or ''}"):
                continue
            cov = coverage(terms, unit, weight, folded, pairs)
            present = set(keys_of(unit.text, folded)) | set(keys_of(unit.context, folded))
            keys_found = all(t in present for t in keys)
            score = cov.score + (1.0 if named else 0.0)
            if spans:
                score += weights.type_bonus
            score += weights.doc_prior * doc_score(chunk.doc_id)
            score -= weights.rank_penalty * passage.rank
            score -= weights.length_penalty * max(0, len(unit.text) - 250) / 250
            if info.years:
                sentence = doc_text[unit.sentence[0]:unit.sentence[1]]
                if any(y in sentence or y in unit.lead for y in info.years):
                    score += weights.context_year
            out.append(Candidate(unit, score, cov.score, cov.in_text, _best_span(spans, need, unit.text), keys_found,
                                 named))
    return sorted(out, key=lambda c: -c.score)


def _mentions_place(places: Sequence[str], text: str) -> bool:
    folded = strip_accents(text.lower())
    return any(p in folded for p in places)


_ACTOR_LEAD = re.compile(r"^\W*(?:\w{1,3}\)\s*)?(?:(?:Giao|Đề nghị|Yêu cầu|Chỉ đạo|Giao cho)\s+)?$")
_TO = re.compile(r"(?:về|gửi|cho|qua|thông qua|lên|tới|đến)\s*(?:\(|\s)*$", re.I)


def _best_span(spans: Sequence[Span], need: Need, text: str) -> Span | None:
    """The span that best states the fact.

    A number with its unit or comparison word beats a bare number; for 'who does it' the agency
    that opens the sentence (the actor — else the clause heading answers), for 'to whom' the
    agency after 'về / gửi / qua'.
    """
    if not spans:
        return None
    if need.label in ("agency", "recipient"):
        agencies = [s for s in spans if s.kind == "agency"]
        if need.label == "recipient":
            to = [s for s in agencies if _TO.search(text[max(0, s.start - 14):s.start])]
            return (to or agencies or list(spans))[0]
        actors = [s for s in agencies if _ACTOR_LEAD.match(text[:s.start])]
        return actors[0] if actors else None
    rich = [s for s in spans if not re.fullmatch(r"[\d.,]+", s.text)]
    return (rich or list(spans))[0]


def passes_gate(best: Candidate | None, weights: Weights = DEFAULT_WEIGHTS) -> bool:
    """Answer only when the best unit holds enough of the question, including its most specific
    terms (or the user named its clause)."""
    if best is None:
        return False
    if best.named:
        return True
    return best.coverage >= weights.min_coverage and best.in_text >= weights.min_in_text and best.keys_found
