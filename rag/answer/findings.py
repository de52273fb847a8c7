"""From the chosen unit to what is shown (pure over the read view): the answer line and the
verbatim quotes that support it — the fact first; for 'who', the agency heading the clause sits
under; for a list, its whole paragraph and the items after it; for a task list, the clause an
agency heads; for the signer or the issue date, the lines of the document's frame."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answer.compose import Quote, fact_line, list_items, list_line, trim
from rag.answer.intent import Need
from rag.answer.select import Candidate
from rag.answer.units import AGENCY, Unit, is_agency_heading, strip_marker
from rag.index.corpus import CorpusView
from rag.ingest.markers import detect_marker
from rag.search.query import QueryInfo
from rag.types import DocMeta, Passage

LIST_PARAGRAPH = 1400  # a list answer quotes its whole paragraph up to this length
LIST_CHARS = 1450


@dataclass(frozen=True)
class Finding:
    """One answered fact (not a register `Fact`): the line shown and the quotes that support it."""

    line: str
    quotes: tuple[Quote, ...]
    score: float


def names_agency(text: str) -> bool:
    """Does the text start with who must act ('Sở Nội vụ …', 'Giao phòng Nội vụ huyện …')?"""
    head = re.sub(r"^(?:[^,]{0,20},\s*)?(?:Giao|Đề nghị|Yêu cầu)?\s*", "", strip_marker(text))
    return bool(AGENCY.match(head))


def quote_of(unit: Unit, corpus: CorpusView) -> Quote:
    """The unit as a quote, at its deepest clause ('IV.1' → 'IV.1.a' when the quote is item a))."""
    original = corpus.chunk(unit.chunk.chunk_id)
    path = corpus.clause_path_at(original, unit.start) if original is not None and \
        original.path == unit.chunk.path else unit.chunk.path
    return Quote(unit.chunk.doc_id, unit.start, unit.end, path)


def agency_heading(unit: Unit, corpus: CorpusView) -> tuple[Quote, str] | None:
    """The nearest clause heading that names an agency ('1. Sở Nội vụ (…)'), quoted."""
    chunk = unit.chunk
    doc = corpus.text(chunk.doc_id)
    first_end = chunk.text.find("\n")
    found: list[tuple[str, str, int, int]] = []
    if first_end > 0 and unit.start >= chunk.start + first_end and is_agency_heading(chunk.text[:first_end]):
        found.append((chunk.path, chunk.text[:first_end], chunk.start, chunk.start + first_end))
    found += [(str(a[0]), str(a[1]), int(a[2]), int(a[3])) for a in reversed(chunk.ancestors)
              if AGENCY.match(strip_marker(str(a[1]).strip("#* ")))]
    if not found:
        return None
    path, heading, start, end = found[0]
    piece = doc[start:end]
    s = start + len(piece) - len(piece.lstrip("#* -"))
    e = end - (len(piece) - len(piece.rstrip("* ")))
    return Quote(chunk.doc_id, s, e, path), strip_marker(heading.strip("#* ")).rstrip(" :")


def widen_for_agency(unit: Unit, corpus: CorpusView) -> Unit:
    """For 'who' questions: widen a segment to its sentence when the sentence names the agency."""
    if names_agency(unit.text) or (unit.start, unit.end) == unit.sentence or unit.sentence == (0, 0):
        return unit
    s, e = unit.sentence
    doc = corpus.text(unit.chunk.doc_id)
    if e - s > 600 or not AGENCY.search(doc[s:e]):
        return unit
    return replace(unit, start=s, end=e, text=doc[s:e])


def single_fact(best: Candidate, need: Need, corpus: CorpusView, limit: int, terms: Sequence[str] = ()) -> Finding:
    """One fact: the unit's line led by its fact; for 'who' without an agency in the unit, the heading."""
    unit = best.unit
    if need.label == "agency" and best.span is None and not names_agency(unit.text):
        heading = agency_heading(unit, corpus)
        if heading is not None:
            head_quote, head_text = heading
            line = f"{head_text}: {fact_line(unit.text, None, limit - len(head_text) - 2)}"
            return Finding(line, (head_quote, quote_of(unit, corpus)), best.score)
    unit = widen_for_agency(unit, corpus) if "agency" in need.kinds else unit
    return Finding(fact_line(unit.text, best.span if unit is best.unit else None, limit, set(terms)),
                   (quote_of(unit, corpus),), best.score)


_ENDS_SENTENCE = re.compile(r"[.;!?…]\W*$")
_ANNOUNCES = re.compile(r"(?::|\b(?:gồm|bao gồm|như sau|sau đây))\W*$")


def list_answer(best: Candidate, corpus: CorpusView) -> Finding:
    """A list answer: the paragraph that holds the best unit (a list often runs over several
    sentences, or over the lines after an announcing '… gồm:'), with the items that follow it."""
    unit = best.unit
    doc = corpus.text(unit.chunk.doc_id)
    para_start = doc.rfind("\n", 0, unit.start) + 1
    para_end = doc.find("\n", unit.end)
    para_end = len(doc) if para_end < 0 else para_end
    if para_end - para_start > LIST_PARAGRAPH:  # a long paragraph: from the unit's sentence on
        para_start = unit.sentence[0] if unit.sentence != (0, 0) else unit.start
    end, items = list_items(doc, para_start, para_end, min(len(doc), para_end + 4000))
    if _ENDS_SENTENCE.search(doc[para_start:para_end]) and not _ANNOUNCES.search(doc[para_start:para_end]):
        end, items = para_end, []  # 'b) … trong lễ tang.' then 'c) …': the lines after are its siblings, not its items
    path = quote_of(unit, corpus).path
    if len(items) >= 2:
        line = list_line(doc[para_start:para_end], doc, items)
        return Finding(trim(line, LIST_CHARS), (Quote(unit.chunk.doc_id, para_start, end, path),), best.score)
    if doc[para_start:para_end].rstrip(" *").endswith(":"):  # '… bao gồm:' and the items in the next paragraph
        nxt = doc.find("\n", para_end + 1)
        while nxt >= 0 and not doc[para_end:nxt].strip() and nxt + 1 < len(doc):
            nxt = doc.find("\n", nxt + 1)
        following = doc[para_end:nxt if nxt >= 0 else len(doc)]
        if following.strip() and detect_marker(following.strip()) is None and len(following) < LIST_PARAGRAPH:
            para_end += len(following.rstrip())
    paragraph = doc[para_start:para_end]
    return Finding(trim(strip_marker(paragraph).replace("\n", " "), LIST_CHARS),
                   (Quote(unit.chunk.doc_id, para_start, para_start + len(paragraph.rstrip()), path),), best.score)


def agency_tasks(info: QueryInfo, passages: Sequence[Passage], limit: int) -> Finding | None:
    """'Sở Nội vụ làm gì?': the clause headed by that agency."""
    terms = list(info.terms)
    for passage in passages[:8]:
        chunk = passage.chunk
        first_end = chunk.text.find("\n")
        first = chunk.text[:first_end] if first_end > 0 else ""
        if not (first and is_agency_heading(first)):
            continue
        if sum(1 for t in terms if t in first.lower()) < max(1, int(0.6 * len(terms))):
            continue
        head = strip_marker(first.replace("#", "").replace("**", "").strip()).rstrip(" :")
        body = re.sub(r"\s*\n+\s*", " ", chunk.text[first_end:].replace("**", "").strip())
        return Finding(trim(f"{head}: {body}", limit), (Quote(chunk.doc_id, chunk.start, chunk.end, chunk.path),), 1.0)
    return None


def document_fact(about: str, doc_id: str, corpus: CorpusView) -> Finding | str:
    """The signer or the issue date of a document, quoted from its frame; else why it cannot be said."""
    meta, text = corpus.meta(doc_id), corpus.text(doc_id)
    if about == "signer" and meta.signer:
        start = text.rfind(meta.signer)
        line = f"Người ký: {meta.signer}" + (f" ({meta.signer_title})" if meta.signer_title else "")
        path = "nơi nhận, chữ ký"
    elif about == "issued" and meta.issued_text:
        start, line, path = _issued_span(text, meta)
    else:
        return f"{meta.label()} không ghi {'người ký' if about == 'signer' else 'ngày ban hành'}."
    if start < 0:
        return ""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    end = start + len(text[start:end].rstrip("* |"))
    return Finding(line, (Quote(doc_id, start, end, path),), 1.0)


def _issued_span(text: str, meta: DocMeta) -> tuple[int, str, str]:
    digits = re.findall(r"\d+", meta.issued_text or "")
    pattern = r"\D+".join(digits)
    match = re.search(pattern, text) if pattern else None
    if match is None:
        return -1, "", ""
    start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", start)
    piece = text[start:line_end if line_end > 0 else len(text)]
    if " | " in piece:  # 'Số: 12/TB | Hà Nội, ngày …': quote the place-date cell only
        start += piece.rfind(" | ", 0, match.start() - start) + 3
    return start, f"Ban hành {meta.issued_text}", "đầu văn bản" if meta.kind == "document" else "đoạn 1"
