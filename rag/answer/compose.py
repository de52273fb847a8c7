"""Wording an answer (pure over its inputs): lead with the fact, trim the quoted clause at phrase
boundaries (never mid-word, never cutting the fact), cite it verbatim, gather list items.

The quote a citation carries is always `text[start:end]` of the normalized document; the
answer line is built from quotes only, so every number it shows is in a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.spans import Span
from rag.answer.units import strip_marker
from rag.index.corpus import CorpusView
from rag.ingest.markers import detect_marker
from rag.types import Citation, DocMeta, page_at

_PIECE = re.compile(r"(?<=[;,:])\s+|\s+(?=\()")
_ITEM_MAX = 180
_LIST_MAX = 1400


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a document to cite, with the clause path it sits in."""

    doc_id: str
    start: int
    end: int
    path: str


def where(path: str) -> str:
    """'II.3.(8)' → 'mục II.3.(8)'; 'Điều 5.2', 'đoạn 4', 'đầu văn bản' stay as they are."""
    return path if path[:1].islower() or path.startswith(("Điều", "Chương", "Mục", "Phần")) else f"mục {path}"


def clause_ref(meta: DocMeta, path: str) -> str:
    return f"{meta.label()}, {where(path)}"


def citation(quote: Quote, corpus: CorpusView) -> Citation:
    """The citation of a quote: the exact text, its clause path, page and document title."""
    text, meta = corpus.text(quote.doc_id), corpus.meta(quote.doc_id)
    return Citation(doc_id=quote.doc_id, path=quote.path, quote=text[quote.start:quote.end], start=quote.start,
                    end=quote.end, page=page_at(corpus.pages(quote.doc_id), quote.start), title=meta.title or meta.label())


def _clean(text: str) -> str:
    """Answer-line form of quoted text: one line, no markdown or table pipes."""
    text = re.sub(r"\s*\|\s*", " | ", text.replace("*", "").replace("#", "")).strip(" |")
    return re.sub(r"\s+", " ", text)


def trim(text: str, limit: int, keep: tuple[int, int] | None = None) -> str:
    """`text` cut to at most `limit` characters at phrase boundaries (';', ',', ':'), keeping the
    span `keep` (the fact) whole; '…' marks what was left out."""
    if len(text) <= limit:
        return text
    pieces, pos = [], 0
    for m in _PIECE.finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    if keep is None:
        keep = (0, min(len(text), 1))
    first = next((i for i, (s, e) in enumerate(pieces) if s <= keep[0] < e or keep[0] < s), 0)
    last = next((i for i, (s, e) in enumerate(pieces) if keep[1] <= e), len(pieces) - 1)
    lo, hi = first, last
    while True:
        grew = False
        if hi + 1 < len(pieces) and pieces[hi + 1][1] - pieces[lo][0] <= limit - 2:
            hi, grew = hi + 1, True
        if lo > 0 and pieces[hi][1] - pieces[lo - 1][0] <= limit - 2 and lo > first - 2:
            lo, grew = lo - 1, True
        if not grew:
            break
    start, end = pieces[lo][0], pieces[hi][1]
    if end - start < limit // 2 and hi + 1 < len(pieces):  # the next piece is long: take what fits of it
        cut = text.rfind(" ", start, start + limit - 2)
        end = cut if cut > end else end
    if end - start > limit:  # one long piece: cut at a space around the fact
        start = max(0, min(keep[0], end - limit))
        start = text.rfind(" ", 0, start) + 1 if start > 0 else 0
        end = min(len(text), start + limit - 2)
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > keep[1] else end
    out = text[start:end].strip(" ,;:")
    return ("… " if start > 0 else "") + out + (" …" if end < len(text) else "")


_LEAD_TEMPORAL = ("date", "recurring", "duration", "time")
_LEAD_AFTER = 90  # a fact further into the clause than this is put first


def _densest(body: str, terms: set[str]) -> tuple[int, int] | None:
    """The phrase of `body` that holds most of the question's words, and the phrase after it (where
    the fact usually is: 'chủ đề hành động năm 2021 của thành phố “Đẩy mạnh …”')."""
    from rag.answer.units import keys_of

    pieces, pos = [], 0
    for m in _PIECE.finditer(body):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(body)))
    counts = [len(terms & set(keys_of(body[s:e], False))) for s, e in pieces]
    if not counts or max(counts) == 0:
        return None
    best = counts.index(max(counts))
    return pieces[best][0], pieces[min(best + 1, len(pieces) - 1)][1]


def fact_line(text: str, span: Span | None, limit: int, terms: set[str] | None = None) -> str:
    """The answer line: the fact first (a time always; other facts when the clause reaches them
    late), then the clause trimmed at phrase boundaries around the fact — or, when no typed fact
    marks it, around the phrase that holds most of the question's words."""
    body = _clean(strip_marker(text))
    keep = None
    if span is not None:
        at = body.find(_clean(span.text))
        keep = (at, at + len(_clean(span.text))) if at >= 0 else None
    elif terms and len(body) > limit:
        keep = _densest(body, terms)
    leads = span is not None and not (keep and keep[0] < 3) and (
        span.kind in _LEAD_TEMPORAL or keep is None or keep[0] > _LEAD_AFTER)
    budget = limit - len(span.text) - 3 if leads and span is not None else limit
    line = trim(body, budget, keep).rstrip(" .;,:")
    if leads and span is not None:
        fact = _clean(span.text)
        return f"{fact[0].upper()}{fact[1:]} — {line}"
    return line


def list_items(doc_text: str, start: int, end: int, chunk_end: int) -> tuple[int, list[tuple[int, int]]]:
    """The items that follow a unit announcing a list ('… gồm:', a clause heading): the lines after
    it, up to the next line that is not an item, within its clause. Returns (end, item spans)."""
    items: list[tuple[int, int]] = []
    pos = end
    marker_kind = None
    while pos < chunk_end and pos - start < _LIST_MAX:
        nl = doc_text.find("\n", pos)
        line_start = pos if doc_text[pos] != "\n" else pos
        while line_start < chunk_end and doc_text[line_start] in "\n ":
            line_start += 1
        if line_start >= chunk_end:
            break
        line_end = doc_text.find("\n", line_start)
        line_end = chunk_end if line_end < 0 or line_end > chunk_end else line_end
        line = doc_text[line_start:line_end].strip()
        marker = detect_marker(line)
        if marker is None and not line.startswith("|"):
            break
        kind = marker.kind if marker else "row"
        if marker_kind is None:
            marker_kind = kind
        elif kind != marker_kind and not items:
            break
        if kind == marker_kind:
            items.append((line_start, line_end))
        pos = line_end
        if nl < 0:
            break
    return (items[-1][1] if items else end), items


def list_line(lead: str, doc_text: str, items: list[tuple[int, int]]) -> str:
    """'Lead: item 1; item 2; …' with each item cut at a phrase boundary."""
    parts = [trim(_clean(strip_marker(doc_text[s:e])), _ITEM_MAX) for s, e in items]
    head = _clean(strip_marker(lead)).rstrip(" :")
    return (f"{head}: " if head else "") + "; ".join(p.rstrip(" .;") for p in parts)
