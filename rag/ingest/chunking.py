"""Clause-aware chunks: one chunk per clause subtree that fits, split on sentences otherwise.

Every chunk's `text` is exactly `doc.text[start:end]`; the breadcrumb (document › section
headings) travels beside it for embedding and display but is never part of a quote.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from rag.ingest.header import Layout
from rag.ingest.structure import parse_clauses
from rag.types import Chunk, Clause, DocMeta, PageSpan, page_at

_SENTENCE_END = re.compile(r"(?<=[.;!?…])\s+(?=\S)|\n+")
HEADER_PATH = "đầu văn bản"
PREAMBLE_PATH = "mở đầu"
CLOSING_PATH = "nơi nhận, chữ ký"
PARAGRAPH_PATH = "đoạn"
APPENDIX_PATH = "phụ lục"


def chunk_id(doc_id: str, doc_sha256: str, path: str, start: int, end: int) -> str:
    """Deterministic id of a chunk of one document: the same document and content give the same id.

    The document's id is part of it: byte-identical copies under two names are two documents
    with their own chunks, so deleting one leaves the other whole.
    """
    return hashlib.sha256(f"{doc_id}\0{doc_sha256}|{path}|{start}|{end}".encode()).hexdigest()[:32]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut text[start:end] at sentence ends into spans of at most `max_chars` (when possible)."""
    cuts = [start] + [start + m.end() for m in _SENTENCE_END.finditer(text[start:end])] + [end]
    spans: list[tuple[int, int]] = []
    cur = start
    for prev, nxt in zip(cuts, cuts[1:], strict=False):
        if nxt - cur > max_chars and prev > cur:
            spans.append(_trim(text, cur, prev))
            cur = prev
        while nxt - cur > max_chars * 1.5:  # one huge sentence: cut at a space
            cut = text.rfind(" ", cur, cur + max_chars)
            cut = cut if cut > cur else cur + max_chars
            spans.append(_trim(text, cur, cut))
            cur = cut
    if cur < end:
        spans.append(_trim(text, cur, end))
    return [s for s in spans if s[1] > s[0]]


def _heading_label(clause: Clause) -> str:
    return clause.heading if len(clause.heading) <= 90 else clause.heading[:87] + "…"


class _Builder:
    def __init__(self, doc_id: str, sha: str, text: str, meta: DocMeta, pages: tuple[PageSpan, ...], max_chars: int):
        self.doc_id, self.sha, self.text, self.meta, self.pages = doc_id, sha, text, meta, pages
        self.max_chars = max_chars
        self.chunks: list[Chunk] = []

    def emit(self, path: str, start: int, end: int, section: str, trail: tuple[Clause, ...] = ()) -> None:
        crumbs = [self.meta.label()] + [_heading_label(c) for c in trail]
        ancestors = tuple((c.path, c.heading, c.start, c.head_end) for c in trail)
        for s, e in split_sentences(self.text, *_trim(self.text, start, end), self.max_chars):
            self.chunks.append(Chunk(
                chunk_id=chunk_id(self.doc_id, self.sha, path, s, e), doc_id=self.doc_id, text=self.text[s:e],
                path=path, breadcrumb=" › ".join(crumbs), start=s, end=e,
                page=page_at(self.pages, s), section=section, ancestors=ancestors,
            ))

    def clause(self, clause: Clause, trail: tuple[Clause, ...]) -> None:
        whole = self.text[clause.start:clause.end].strip()
        if len(whole) <= self.max_chars or not clause.children:
            self.emit(clause.path, clause.start, clause.end, "body", trail)
            return
        own_end = clause.children[0].start
        if self.text[clause.head_end:own_end].strip():  # text beyond the bare heading line
            self.emit(clause.path, clause.start, own_end, "body", trail)
        for child in clause.children:
            self.clause(child, trail + (clause,))


def _paragraph_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for part in re.split(r"(\n\s*\n)", text[start:end]):
        if part.strip() and not re.fullmatch(r"\n\s*\n", part):
            yield pos, pos + len(part)
        pos += len(part)


def build_chunks(doc_id: str, sha256: str, text: str, meta: DocMeta, layout: Layout,
                 pages: tuple[PageSpan, ...] = (), max_chars: int = 1200) -> list[Chunk]:
    """All chunks of a document: header, preamble, clauses (or paragraphs), closing blocks, and
    the appendices after a signature (the plan a decision issues) with their own clauses."""
    b = _Builder(doc_id, sha256, text, meta, pages, max_chars)
    if layout.header_end > 0:
        b.emit(HEADER_PATH, 0, layout.header_end, "header")
    _part(b, layout.body_start, layout.body_end, (), PREAMBLE_PATH)
    for start, end in layout.closings:
        b.emit(CLOSING_PATH, start, end, "closing")
    for n, (start, end) in enumerate(layout.appendices, start=1):
        label = APPENDIX_PATH if len(layout.appendices) == 1 else f"{APPENDIX_PATH} {n}"
        title = _appendix_title(text, start, end)
        head = Clause(path=label, heading=title, start=start, end=end, level="appendix", head_end=start)
        _part(b, start, end, (head,), label)
    if not layout.closings and layout.body_end < len(text) and text[layout.body_end:].strip():
        b.emit(CLOSING_PATH, layout.body_end, len(text), "closing")
    return b.chunks


def _appendix_title(text: str, start: int, end: int) -> str:
    """The upper-case title lines an appendix opens with ('KẾ HOẠCH XUẤT KHẨU …'), or its first line."""
    lines = [ln.strip() for ln in text[start:end].split("\n") if ln.strip()][:6]
    title = []
    for line in lines:
        letters = re.sub(r"[\W\d_]", "", line)
        if letters and letters.isupper() and len(line) < 200:
            title.append(line)
        elif title:
            break
    return " ".join(title) or (lines[0] if lines else "")


def _part(b: _Builder, start: int, end: int, trail: tuple[Clause, ...], preamble_path: str) -> None:
    """The clauses of text[start:end] (or its paragraphs, when it has no structure)."""
    clauses = parse_clauses(b.text, start, end)
    if not clauses:  # no structure (a news article, a letter): one chunk per paragraph, split when long
        prefix = f"{trail[-1].path}, " if trail else ""
        for n, (s, e) in enumerate(_paragraph_spans(b.text, start, end), start=1):
            b.emit(f"{prefix}{PARAGRAPH_PATH} {n}", s, e, "body", trail)
        return
    if b.text[start:clauses[0].start].strip():
        b.emit(preamble_path, start, clauses[0].start, "preamble", trail)
    for clause in clauses:
        if clause.level in ("part", "chapter", "lawsection"):
            _container(b, clause, trail)
        else:
            b.clause(clause, trail)


def _container(b: _Builder, clause: Clause, trail: tuple[Clause, ...]) -> None:
    """Phần/Chương/Mục group articles; they are breadcrumbs, not chunks of their own."""
    own_end = clause.children[0].start if clause.children else clause.end
    if b.text[clause.head_end:own_end].strip():
        b.emit(clause.path, clause.start, own_end, "body", trail)
    for child in clause.children:
        if child.level in ("part", "chapter", "lawsection"):
            _container(b, child, trail + (clause,))
        else:
            b.clause(child, trail + (clause,))
