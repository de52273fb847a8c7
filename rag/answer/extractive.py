"""The extractive answerer: question → what it needs → which documents → candidate units →
scores → gate → the composed answer with verbatim citations. No LLM needed.

Stages live in their own modules (intent, select, compose, verify); this class wires them and
handles the answers that are not a clause: who signed a document, when it was issued, a list,
a comparison, an agency's tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rag.answer.compose import citation, clause_ref, where
from rag.answer.findings import Finding, agency_tasks, document_fact, list_answer, single_fact
from rag.answer.intent import Need, need_of
from rag.answer.select import DEFAULT_WEIGHTS, Candidate, DocKeys, Weights, candidates, passes_gate
from rag.answer.units import Unit, keys_of, units_of
from rag.answer.verify import verify
from rag.config import Settings
from rag.index.corpus import CorpusView
from rag.index.lexical import LexicalIndex
from rag.search.query import QueryInfo
from rag.search.retrieval import Retrieval, Retriever
from rag.text import has_diacritics, strip_accents
from rag.types import Answer, Chunk, Citation, Passage

__all__ = ["NOT_FOUND", "Context", "ExtractiveAnswerer", "clause_ref", "where"]

NOT_FOUND = "Không tìm thấy thông tin này trong các văn bản đã lập chỉ mục."
_LIST_PARAGRAPH = 1400  # a list answer quotes its whole paragraph up to this length
_EQUALLY = 0.1  # another document's answer this close to the best one is given as well …
_ALSO_ABOUT = 0.8  # … when that document fits the question nearly as well
_EQUAL_DOCS = 0.95  # two documents this close in fit: the answer says which one it used


@dataclass(frozen=True)
class Context:
    """What a chat carries into a follow-up: the documents of the last answer and its topic terms."""

    doc_ids: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    need: Need | None = None
    said: str = ""  # the previous answer: a follow-up ('Còn …', 'Sau đó …') asks for something else


class ExtractiveAnswerer:
    """Answers from retrieved passages by quoting them; never writes a number of its own."""

    def __init__(self, settings: Settings, retriever: Retriever, corpus: CorpusView, lexical: LexicalIndex,
                 weights: Weights = DEFAULT_WEIGHTS):
        self.settings, self.retriever, self.corpus, self.lexical = settings, retriever, corpus, lexical
        self.weights = weights
        self.doc_keys = DocKeys(corpus)
        self.last_best: Candidate | None = None

    @property
    def _limit(self) -> int:
        """Characters an answer line may take (the rest is its reference)."""
        return self.settings.max_answer_chars - 120

    # ------------------------------------------------------------------ entry point
    def answer(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None = None,
               context: Context | None = None) -> Answer:
        need = need_of(info.text)
        if context and context.need:  # a follow-up: what it asks for was read from its own words, or inherited
            need = replace(context.need, wants_list=context.need.wants_list or (need.wants_list and not need.kinds))
        if info.kind == "comparison" and (len(info.years) >= 2 or len(info.places) >= 2):
            return self._comparison(info, need, k, doc_filter)
        if context and context.doc_ids and not info.doc_refs:
            # a follow-up is first answered from the documents of the previous answer
            inside = [d for d in context.doc_ids if doc_filter is None or d in doc_filter]
            if inside:
                answer = self.answer(info, k, inside, replace(context, doc_ids=()))
                if not answer.abstained:
                    return answer
        prior = context.doc_ids if context else ()
        found = self.retriever.retrieve(info, k, doc_filter, prior=prior)
        if found.problem:
            return self.abstain(found, found.problem)
        if need.about in ("signer", "issued"):
            return self._about_document(need.about, found)
        if info.kind == "tasks" and (finding := agency_tasks(info, found.passages, self._limit)):
            return self._finish([("", finding)], found, self.settings.max_answer_chars)
        extra = context.terms if context else ()
        ranked = self._candidates(info, need, found, extra, context.said if context else "")
        best = ranked[0] if ranked else None
        self.last_best = best  # what the gate saw (read by eval.calibrate; not kept per request)
        if not passes_gate(best, self.weights, learned=not need.wants_list):
            return self.abstain(found)
        assert best is not None
        if need.wants_list:
            finding = list_answer(best, self.corpus)
            return self._finish([("", finding)], found, 1500)
        findings = [("", single_fact(best, need, self.corpus, self._limit, info.terms))]
        if _asks_two(info) and (other := self._complement(info, best, ranked)) is not None:
            findings.append(("", single_fact(other, need, self.corpus, self._limit, info.terms)))
            return self._finish(findings, found, self.settings.max_comparison_chars)
        others = self._other_documents(info, need, best, ranked, found)
        if others:  # several documents answer a question that names none: each one's value
            labelled = [(self.corpus.meta(c.unit.chunk.doc_id).label(),
                         single_fact(c, need, self.corpus, self._limit, info.terms)) for c in [best, *others]]
            return self._finish(labelled, found, self.settings.max_comparison_chars)
        answer = self._finish(findings, found, self.settings.max_answer_chars)
        return self._name_the_alternative(answer, best, found)

    def _other_documents(self, info: QueryInfo, need: Need, best: Candidate, ranked: Sequence[Candidate],
                         found: Retrieval) -> list[Candidate]:
        """The best answers from other documents, when the question names no document and they answer as well."""
        if info.doc_refs or info.places or not need.kinds or (found.docs and found.docs.restricted is not None):
            return []
        doc_score = dict(found.docs.scores) if found.docs else {}
        top = doc_score.get(best.unit.chunk.doc_id, 0.0)
        seen, out = {best.unit.chunk.doc_id}, []
        for c in ranked[1:40]:
            doc = c.unit.chunk.doc_id
            if doc in seen or c.span is None or not passes_gate(c, self.weights):
                continue
            if c.score >= best.score - _EQUALLY and doc_score.get(doc, 0.0) >= _ALSO_ABOUT * top:
                out.append(c)
                seen.add(doc)
            if len(out) == 2:
                break
        return out

    def _name_the_alternative(self, answer: Answer, best: Candidate, found: Retrieval) -> Answer:
        """When another document fits the question as well as the one answered from, say which was used."""
        if not found.docs or found.docs.restricted is not None or len(found.docs.scores) < 2:
            return answer
        (first, s1), (second, s2) = found.docs.scores[0], found.docs.scores[1]
        used = best.unit.chunk.doc_id
        other = second if used == first else first if used == second else None
        if other is None or s2 < _EQUAL_DOCS * s1:
            return answer
        note = f" (Trả lời theo {self.corpus.meta(used).label()}; {self.corpus.meta(other).label()} cũng có thể liên quan.)"
        if len(answer.text) + len(note) > self.settings.max_answer_chars:
            return replace(answer, notes=(*answer.notes, note.strip(" ()")))
        return replace(answer, text=answer.text + note, notes=(*answer.notes, note.strip(" ()")))

    def _complement(self, info: QueryInfo, best: Candidate, ranked: Sequence[Candidate]) -> Candidate | None:
        """For 'A và B … lần lượt / mỗi loại / so với …': the best unit of another sentence that
        holds what the first one lacks (the other subject) and answers it too."""
        folded = not has_diacritics(info.text)
        first = set(keys_of(best.unit.text, folded))
        wanted = {t for t in (strip_accents(x) if folded else x for x in info.terms) if t not in first}
        for other in ranked[1:12]:
            if other.unit.sentence == best.unit.sentence or other.span is None or best.span is None:
                continue
            if other.span.text == best.span.text or not passes_gate(other, self.weights):
                continue
            if wanted & set(keys_of(other.unit.text, folded)) and other.score >= best.score - 0.35:
                return other
        return None

    # ------------------------------------------------------------------ stages
    def _weight(self, folded: bool) -> Callable[[str], float]:
        prefix = "f:" if folded else "w:"
        return lambda term: self.lexical.idf(prefix + term)

    def _candidates(self, info: QueryInfo, need: Need, found: Retrieval, extra: Sequence[str],
                    said: str = "") -> list[Candidate]:
        choice = found.docs
        scores = dict(choice.scores) if choice else {}
        ranked = candidates(info, need, found.passages, self.corpus, self._weight(not has_diacritics(info.text)),
                            lambda d: scores.get(d, 0.0), extra, self.weights, self.doc_keys)
        if said and ranked:  # the fact the previous answer gave is not the answer to its follow-up
            said = said.lower()
            ranked = sorted((replace(c, score=c.score - 0.3) if c.span is not None and c.span.text.lower() in said else c
                             for c in ranked), key=lambda c: -c.score)
        return ranked

    def _about_document(self, about: str, found: Retrieval) -> Answer:
        """Who signed the document the question is about, or when it was issued."""
        doc_id = found.doc_ids[0] if found.doc_ids and len(found.doc_ids) == 1 else (
            found.docs.top(1)[0] if found.docs and found.docs.top(1) else
            (found.passages[0].chunk.doc_id if found.passages else None))
        if doc_id is None:
            return self.abstain(found)
        fact = document_fact(about, doc_id, self.corpus)
        source = self.corpus.chunk_at(doc_id, fact.quotes[0].start) if isinstance(fact, Finding) else None
        if not isinstance(fact, Finding) or source is None:
            return self.abstain(found, fact if isinstance(fact, str) and fact else None)
        # the clause quoted is the first passage shown, whatever the ranking said
        first = Passage(source, found.passages[0].score if found.passages else 1.0, 1)
        rest = (p for p in found.passages if p.chunk.chunk_id != source.chunk_id)
        found = replace(found, passages=(first, *(replace(p, rank=n) for n, p in enumerate(rest, start=2))))
        return self._finish([("", fact)], found, self.settings.max_answer_chars)

    # ------------------------------------------------------------------ comparisons
    def _comparison(self, info: QueryInfo, need: Need, k: int, doc_filter: Sequence[str] | None) -> Answer:
        if len(info.years) >= 2:
            sides = [(f"Năm {y}", replace(info, years=(y,), kind="target")) for y in info.years]
        else:
            sides = [(p, replace(info, places=(p,), kind="target")) for p in info.places]
        need = need if need.kinds else Need(("quantity",), strict=True, label="quantity")
        parts: list[tuple[str, Finding]] = []
        rankings: list[tuple[Passage, ...]] = []
        for label, side in sides:
            found = self.retriever.retrieve(side, k, doc_filter)
            rankings.append(found.passages)
            if found.problem:
                continue
            ranked = self._candidates(side, need, found, ())
            if ranked and passes_gate(ranked[0], self.weights):
                parts.append((label, single_fact(ranked[0], need, self.corpus, self._limit, side.terms)))
        merged = Retrieval(_interleave(rankings, max(k, self.settings.top_k, 10)), None)
        if not parts:
            return self.abstain(merged)
        missing = [label for label, _ in sides if label not in {p[0] for p in parts}]
        answer = self._finish(parts, merged, self.settings.max_comparison_chars)
        if missing and not answer.abstained:
            answer = replace(answer, text=answer.text + f" Không tìm thấy số liệu cho: {', '.join(missing)}.")
        return answer

    # ------------------------------------------------------------------ verification and wording
    def _finish(self, parts: Sequence[tuple[str, Finding]], found: Retrieval, limit: int) -> Answer:
        citations: list[Citation] = []
        lines: list[str] = []
        facts_text: list[str] = []
        for label, finding in parts:
            marks = []
            for quote in finding.quotes:
                cited = citation(quote, self.corpus)
                if cited not in citations:
                    citations.append(cited)
                marks.append(f"[{citations.index(cited) + 1}]")
            main = citations[int(marks[-1][1:-1]) - 1]
            ref = clause_ref(self.corpus.meta(main.doc_id), main.path)
            prefix = f"{label}: " if label else ""
            lines.append(f"{prefix}{finding.line} {''.join(marks)} ({ref})")
            facts_text.append(finding.line)
        kept, problems = verify(" ".join(facts_text), citations, self.corpus.text)
        if not kept:
            return self.abstain(found, "; ".join(problems))
        text = "; ".join(lines) + "."
        if len(text) > limit:
            text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
        return Answer(text=text, citations=tuple(kept), abstained=False, passages=found.passages,
                      notes=tuple(problems))

    def abstain(self, found: Retrieval, reason: str | None = None) -> Answer:
        """The abstention: not found, why (when known), and the nearest clauses that were checked."""
        nearest = [clause_ref(self.corpus.meta(p.chunk.doc_id), p.chunk.path) for p in found.passages[:3]]
        text = NOT_FOUND + (f" {reason}" if reason else "")
        if nearest:
            text += " Các điều khoản gần nhất đã kiểm tra: " + "; ".join(nearest) + "."
        return Answer(text=text, citations=(), abstained=True, passages=found.passages,
                      notes=(reason,) if reason else ())


_TWO = re.compile(r"\b(lan luot|moi loai|moi (cai|nhom|cap|ben|muc)|so voi|so sanh|loai nao|ben nao|cai nao)\b"
                  r"|\b\w+ \w* ?va \w+.*\b(bao nhieu|the nao|khi nao|ngay nao)\b")


def _asks_two(info: QueryInfo) -> bool:
    """Does the question ask for two values ('xoài và nhãn … mỗi loại', 'cấp III và cấp IV', 'so với …')?"""
    return bool(_TWO.search(info.folded))


def _interleave(rankings: Sequence[Sequence[Passage]], limit: int) -> tuple[Passage, ...]:
    """Round-robin merge of several rankings without duplicates, re-ranked from 1."""
    seen: set[str] = set()
    merged: list[Passage] = []
    for depth in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if depth < len(ranking) and ranking[depth].chunk.chunk_id not in seen:
                seen.add(ranking[depth].chunk.chunk_id)
                merged.append(replace(ranking[depth], rank=len(merged) + 1))
    return tuple(merged[:limit])


def units_for(chunk: Chunk, corpus: CorpusView, rank: int = 1) -> list[Unit]:
    """The quotable units of a chunk (for tools and tests)."""
    return units_of(chunk, corpus.text(chunk.doc_id), rank, corpus.meta(chunk.doc_id).title or "")
