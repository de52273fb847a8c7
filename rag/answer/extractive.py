"""The extractive answerer: picks the sentence or list item that answers, leads with the fact,
cites it verbatim, and abstains when the documents are silent. No LLM needed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answer.units import AGENCY, DATE, QUANTITY, Unit, coverage, is_agency_heading, strip_marker, units_of
from rag.answer.verify import verify
from rag.config import Settings
from rag.index.corpus import CorpusView
from rag.index.lexical import LexicalIndex
from rag.search.query import QueryInfo
from rag.search.retrieval import Retrieval, Retriever
from rag.text import has_diacritics, strip_accents
from rag.types import Answer, Chunk, Citation, DocMeta, Passage, page_at

NOT_FOUND = "Không tìm thấy thông tin này trong các văn bản đã lập chỉ mục."
_UNITS_FROM = 8  # passages whose units are considered


@dataclass(frozen=True)
class Finding:
    """One answered fact (not a register `Fact`): the line shown, the units quoted for it, and its score."""

    line: str
    units: tuple[Unit, ...]
    score: float


def where(path: str) -> str:
    """'II.3.(8)' → 'mục II.3.(8)'; 'Điều 5.2', 'đoạn 4', 'đầu văn bản' stay as they are."""
    return path if path[:1].islower() or path.startswith(("Điều", "Chương", "Mục", "Phần")) else f"mục {path}"


def clause_ref(meta: DocMeta, path: str) -> str:
    return f"{meta.label()}, {where(path)}"


def _citation(unit: Unit, view: CorpusView) -> Citation:
    doc_id, start, end = unit.chunk.doc_id, unit.start, unit.end
    text, meta = view.text(doc_id), view.meta(doc_id)
    original = view.chunk(unit.chunk.chunk_id)
    # 'IV.1' → 'IV.1.a' when the quote is item a); headings and document facts keep their own path
    path = view.clause_path_at(original, start) if original is not None and original.path == unit.chunk.path \
        else unit.chunk.path
    return Citation(doc_id=doc_id, path=path, quote=text[start:end], start=start, end=end,
                    page=page_at(view.pages(doc_id), start), title=meta.title or meta.label())


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


class ExtractiveAnswerer:
    """Answers from retrieved passages by quoting them; never writes a number of its own."""

    def __init__(self, settings: Settings, retriever: Retriever, corpus: CorpusView, lexical: LexicalIndex):
        self.settings, self.retriever, self.corpus, self.lexical = settings, retriever, corpus, lexical

    # ------------------------------------------------------------------ entry point
    def answer(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None = None) -> Answer:
        if info.kind == "comparison":
            return self._comparison(info, k, doc_filter)
        found = self.retriever.retrieve(info, k, doc_filter)
        if found.problem:
            return self._abstain(found, found.problem)
        if info.kind in ("signer", "issued"):
            return self._about_document(info, found)
        fact = self._tasks(info, found.passages) if info.kind == "tasks" else None
        fact = fact or self._best_fact(replace(info, kind="general") if info.kind == "tasks" else info, found.passages)
        if fact is None:
            return self._abstain(found)
        return self._finish([("", fact)], found, self.settings.max_answer_chars)

    # ------------------------------------------------------------------ single facts
    def _weight(self, folded: bool) -> object:
        prefix = "f:" if folded else "w:"
        return lambda term: self.lexical.idf(prefix + term)

    def _best_fact(self, info: QueryInfo, passages: Sequence[Passage]) -> Finding | None:
        folded = not has_diacritics(info.text)
        terms = [strip_accents(t) for t in info.terms] if folded else list(info.terms)
        pairs = [(strip_accents(a), strip_accents(b)) if folded else (a, b) for a, b in info.pairs]
        weight = self._weight(folded)
        best: tuple[float, Unit] | None = None
        for passage in passages[:_UNITS_FROM]:
            chunk = passage.chunk
            meta = self.corpus.meta(chunk.doc_id)
            for unit in units_of(chunk, self.corpus.text(chunk.doc_id), passage.rank, meta.title or ""):
                if not self._fits(info, unit, meta):
                    continue
                cov = coverage(terms, unit, weight, folded, pairs)  # type: ignore[arg-type]
                if cov.in_text < 0.25 and not self._named_clause(info, chunk.path):
                    continue
                score = cov.score - 0.1 * max(0, len(unit.text) - 250) / 250 - 0.01 * passage.rank
                if info.years:
                    sentence = self.corpus.text(chunk.doc_id)[unit.sentence[0]:unit.sentence[1]]
                    if any(y in sentence or y in unit.lead for y in info.years):
                        score += 0.12  # the sentence itself speaks of the year asked about
                if self._named_clause(info, chunk.path):
                    score += 1.0  # "mục II.3 chỉ tiêu (12)": the user named the clause
                if best is None or score > best[0]:
                    best = (score, unit)
        if best is None or best[0] < self.settings.min_coverage:
            return None
        unit = self._responsible(best[1]) if info.kind == "responsibility" else best[1]
        return Finding(self._line(info, unit), self._support(info, unit), best[0])

    def _tasks(self, info: QueryInfo, passages: Sequence[Passage]) -> Finding | None:
        """'Sở Nội vụ làm gì?': the clause headed by that agency, or the sentence that assigns it."""
        folded = not has_diacritics(info.text)
        terms = [strip_accents(t) for t in info.terms] if folded else list(info.terms)
        weight = self._weight(folded)
        best: tuple[float, Unit] | None = None
        for passage in passages[:_UNITS_FROM]:
            chunk = passage.chunk
            doc = self.corpus.text(chunk.doc_id)
            first_end = chunk.text.find("\n")
            first = chunk.text[:first_end] if first_end > 0 else ""
            candidates = []
            if first and is_agency_heading(first):
                candidates.append(Unit(chunk, chunk.start, chunk.end, chunk.text, "", passage.rank, first))
            for unit in units_of(chunk, doc, passage.rank):
                if unit.sentence == (unit.start, unit.end) and self._names_agency(unit.text):
                    candidates.append(replace(unit, lead=unit.text[:120]))
            for unit in candidates:
                subject = Unit(chunk, unit.start, unit.end, unit.lead, "", unit.rank)
                cov = coverage(terms, subject, weight, folded, info.pairs)  # type: ignore[arg-type]
                score = cov.score - 0.01 * passage.rank
                if cov.in_text >= 0.6 and (best is None or score > best[0]):
                    best = (score, unit)
        if best is None:
            return None
        unit = best[1]
        head, _, rest = unit.text.partition("\n")
        if rest.strip():  # a clause headed by the agency: "Sở Nội vụ (…): a) …; b) …"
            head = strip_marker(head.replace("#", "").replace("**", "").strip()).rstrip(" :")
            body = f"{head}: " + re.sub(r"\s*\n+\s*", " ", rest.replace("**", "").strip())
        else:
            body = strip_marker(unit.text)
        limit = self.settings.max_answer_chars - 120
        line = body if len(body) <= limit else body[:limit].rsplit(" ", 1)[0] + " …"
        return Finding(line, (unit,), best[0])

    @staticmethod
    def _named_clause(info: QueryInfo, path: str) -> bool:
        return bool(info.clause_path) and (path == info.clause_path or path.startswith(f"{info.clause_path}."))

    def _fits(self, info: QueryInfo, unit: Unit, meta: DocMeta) -> bool:
        """Hard requirements of the question kind, and of the years it names."""
        if unit.chunk.section in ("header", "closing") and info.kind not in ("signer", "issued"):
            return False
        if info.kind == "target" and not QUANTITY.search(strip_marker(unit.text)):
            return False
        if info.kind == "deadline" and not DATE.search(unit.text):
            return False
        if info.kind == "responsibility" and not (AGENCY.search(unit.text) or self._agency_heading(unit)):
            return False
        if info.years:
            where = f"{unit.text} {unit.context} {meta.title or ''}"
            if not any(year in where for year in info.years):
                return False
        return True

    def _agency_heading(self, unit: Unit) -> tuple[str, str, int, int] | None:
        """The nearest clause heading that names an agency ('1. Sở Nội vụ (…)'), as (path, heading, start, end)."""
        chunk = unit.chunk
        first_end = chunk.text.find("\n")
        if first_end > 0 and unit.start >= chunk.start + first_end:
            first = chunk.text[:first_end]
            if is_agency_heading(first):
                return (chunk.path, first.strip("#* "), chunk.start, chunk.start + first_end)
        for ancestor in reversed(chunk.ancestors):
            heading = strip_marker(str(ancestor[1]))
            if AGENCY.match(heading):
                return ancestor  # type: ignore[return-value]
        return None

    @staticmethod
    def _names_agency(text: str) -> bool:
        """Does the text start with who must act ('Sở Nội vụ …', 'Giao phòng Nội vụ huyện …')?"""
        head = re.sub(r"^(?:[^,]{0,20},\s*)?(?:Giao|Đề nghị|Yêu cầu)?\s*", "", strip_marker(text))
        return bool(AGENCY.match(head))

    def _responsible(self, unit: Unit) -> Unit:
        """For 'who' questions: widen a segment to its sentence when the sentence names the agency."""
        if self._names_agency(unit.text) or not self._names_agency(unit.lead.split(" ", 1)[-1] if unit.lead else ""):
            return unit
        s, e = unit.sentence
        doc = self.corpus.text(unit.chunk.doc_id)
        return replace(unit, start=s, end=e, text=doc[s:e])

    def _line(self, info: QueryInfo, unit: Unit) -> str:
        body = strip_marker(unit.text).rstrip(" .;,:")
        limit = self.settings.max_answer_chars - 120
        if len(body) > limit:
            body = body[:limit].rsplit(" ", 1)[0] + " …"
        if info.kind == "deadline" and (date := DATE.search(unit.text)) and not body.lower().startswith(date.group(0).lower()):
            lead = date.group(0)
            return f"{lead[0].upper()}{lead[1:]} — {body}"
        if info.kind == "responsibility" and not self._names_agency(unit.text):
            heading = self._agency_heading(unit)
            if heading:
                return f"{strip_marker(str(heading[1]))}: {body}"
        return body

    def _support(self, info: QueryInfo, unit: Unit) -> tuple[Unit, ...]:
        units = [unit]
        if info.kind == "responsibility" and not self._names_agency(unit.text):
            heading = self._agency_heading(unit)
            if heading:
                doc = self.corpus.text(unit.chunk.doc_id)
                start, end = heading[2], heading[3]
                s = start + len(doc[start:end]) - len(doc[start:end].lstrip("#* -"))
                e = end - (len(doc[start:end]) - len(doc[start:end].rstrip("* ")))
                units.insert(0, Unit(replace(unit.chunk, path=str(heading[0])), s, e, doc[s:e], "", unit.rank))
        return tuple(units)

    # ------------------------------------------------------------------ about a document
    def _about_document(self, info: QueryInfo, found: Retrieval) -> Answer:
        doc_id = found.doc_ids[0] if found.doc_ids and len(found.doc_ids) == 1 else (
            found.passages[0].chunk.doc_id if found.passages else None)
        if doc_id is None:
            return self._abstain(found)
        meta, text = self.corpus.meta(doc_id), self.corpus.text(doc_id)
        if info.kind == "signer" and meta.signer:
            start = text.rfind(meta.signer)
            line = f"Người ký: {meta.signer}" + (f" ({meta.signer_title})" if meta.signer_title else "")
            path = "nơi nhận, chữ ký"
        elif info.kind == "issued" and meta.issued_text:
            start, line, path = self._issued_span(text, meta)
        else:
            return self._abstain(found, f"{meta.label()} không ghi {'người ký' if info.kind == 'signer' else 'ngày ban hành'}.")
        if start < 0:
            return self._abstain(found)
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        end = start + len(text[start:end].rstrip("* "))
        source = self._chunk_at(doc_id, start)
        unit = Unit(replace(source, path=path), start, end, text[start:end], "", 1)
        # the clause quoted is the first passage shown, whatever the ranking said
        first = Passage(source, found.passages[0].score if found.passages else 1.0, 1)
        rest = (p for p in found.passages if p.chunk.chunk_id != source.chunk_id)
        found = replace(found, passages=(first, *(replace(p, rank=n) for n, p in enumerate(rest, start=2))))
        return self._finish([("", Finding(line, (unit,), 1.0))], found, self.settings.max_answer_chars)

    def _chunk_at(self, doc_id: str, offset: int) -> Chunk:
        chunk = self.corpus.chunk_at(doc_id, offset)
        assert chunk is not None, doc_id  # the document's record and chunks were checked by the caller
        return chunk

    @staticmethod
    def _issued_span(text: str, meta: DocMeta) -> tuple[int, str, str]:
        digits = re.findall(r"\d+", meta.issued_text or "")
        pattern = r"\D+".join(digits)
        match = re.search(pattern, text) if pattern else None
        if match is None:
            return -1, "", ""
        start = text.rfind("\n", 0, match.start()) + 1
        return start, f"Ban hành {meta.issued_text}", "đầu văn bản" if meta.kind == "document" else "đoạn 1"

    # ------------------------------------------------------------------ comparisons
    def _comparison(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None) -> Answer:
        sides: list[tuple[str, QueryInfo]] = []
        if len(info.years) >= 2:
            sides = [(f"Năm {y}", replace(info, years=(y,), kind="target")) for y in info.years]
        elif len(info.places) >= 2:
            sides = [(p, replace(info, places=(p,), kind="target")) for p in info.places]
        if not sides:
            return self.answer(replace(info, kind="target"), k, doc_filter)
        parts: list[tuple[str, Finding]] = []
        rankings: list[tuple[Passage, ...]] = []
        for label, side in sides:
            found = self.retriever.retrieve(side, k, doc_filter)
            rankings.append(found.passages)
            if found.problem:
                continue
            fact = self._best_fact(side, found.passages)
            if fact is not None:
                parts.append((label, fact))
        merged = Retrieval(_interleave(rankings, max(k, self.settings.top_k, 10)), None)
        if not parts:
            return self._abstain(merged)
        missing = [label for label, _ in sides if label not in {p[0] for p in parts}]
        answer = self._finish(parts, merged, self.settings.max_comparison_chars)
        if missing and not answer.abstained:
            note = f" Không tìm thấy số liệu cho: {', '.join(missing)}."
            answer = replace(answer, text=answer.text + note)
        return answer

    # ------------------------------------------------------------------ verification and wording
    def _finish(self, parts: Sequence[tuple[str, Finding]], found: Retrieval, limit: int) -> Answer:
        citations: list[Citation] = []
        lines: list[str] = []
        facts_text: list[str] = []
        for label, fact in parts:
            marks = []
            for unit in fact.units:
                citation = _citation(unit, self.corpus)
                if citation not in citations:
                    citations.append(citation)
                marks.append(f"[{citations.index(citation) + 1}]")
            main = citations[int(marks[-1][1:-1]) - 1]
            ref = clause_ref(self.corpus.meta(main.doc_id), main.path)
            prefix = f"{label}: " if label else ""
            lines.append(f"{prefix}{fact.line} {''.join(marks)} ({ref})")
            facts_text.append(fact.line)
        kept, problems = verify(" ".join(facts_text), citations, self.corpus.text)
        if not kept:
            return self._abstain(found, "; ".join(problems))
        text = "; ".join(lines) + "."
        if len(text) > limit:
            text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
        return Answer(text=text, citations=tuple(kept), abstained=False, passages=found.passages,
                      notes=tuple(problems))

    def abstain(self, found: Retrieval, reason: str | None = None) -> Answer:
        """The abstention: not found, why (when known), and the nearest clauses that were checked."""
        return self._abstain(found, reason)

    def _abstain(self, found: Retrieval, reason: str | None = None) -> Answer:
        nearest = []
        for passage in found.passages[:3]:
            meta = self.corpus.meta(passage.chunk.doc_id)
            nearest.append(clause_ref(meta, passage.chunk.path))
        text = NOT_FOUND
        if reason:
            text += f" {reason}"
        if nearest:
            text += " Các điều khoản gần nhất đã kiểm tra: " + "; ".join(nearest) + "."
        return Answer(text=text, citations=(), abstained=True, passages=found.passages,
                      notes=(reason,) if reason else ())
