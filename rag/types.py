"""The nouns of the pipeline, defined once and imported everywhere (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageSpan:
    """Page `page` (1-based) covers characters [start, end) of the normalized text."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceDoc:
    """A loaded and normalized document; `text` is the quotable source of truth."""

    doc_id: str
    path: str
    text: str
    pages: tuple[PageSpan, ...]
    sha256: str
    ocr_pages: int = 0  # pages whose text was read by OCR (a scan) rather than from the file's text layer
    converted_from: str = ""  # legacy encoding the text was converted from: TCVN3, VNI, Windows-1258

    @property
    def text_origin(self) -> str:
        """'ocr' when any page was read by OCR (its words may hold recognition errors), else 'text'."""
        return "ocr" if self.ocr_pages else "text"


@dataclass(frozen=True)
class DocMeta:
    """Header facts of a document; any field may be None when the source leaves it blank."""

    number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_on: str | None = None  # ISO date, only when day, month and year are all present
    issued_text: str | None = None  # the date as written
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    kind: str = "document"  # "document", or "news" for an article that reports a document
    about: str | None = None  # what the document is about: its opening sentence, appendix titles, documents it names

    def label(self) -> str:
        """Short human label: 'Kế hoạch 33/KH-UBND' or 'Chỉ thị (chưa ghi số)'."""
        kind = self.doc_type or "Văn bản"
        if self.number:
            return f"{kind} {self.number}"
        if not self.doc_type and self.title:  # an article or a record known only by its title
            return self.title if len(self.title) <= 80 else self.title[:79] + "…"
        return f"{kind} (không ghi số)"


@dataclass(frozen=True)
class Clause:
    """A node of the clause tree. `start`/`end` cover the clause and its children."""

    path: str
    heading: str
    start: int
    end: int
    level: str  # marker kind: roman, decimal, letter, paren, dash, ordinal, article, chapter, ...
    head_end: int  # end of the marker line (the heading), for quoting the heading alone
    children: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit. `text` == normalized document text[start:end]."""

    chunk_id: str
    doc_id: str
    text: str
    path: str
    breadcrumb: str
    start: int
    end: int
    page: int | None = None
    section: str = "body"  # header, preamble, body, signature
    ancestors: tuple[tuple[str, str, int, int], ...] = ()  # (path, heading, start, head_end)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and 1-based rank."""

    chunk: Chunk
    score: float
    rank: int


@dataclass(frozen=True)
class Citation:
    """A verbatim quote: text[start:end] of document `doc_id` at clause `path`."""

    doc_id: str
    path: str
    quote: str
    start: int
    end: int
    page: int | None = None
    title: str = ""


@dataclass(frozen=True)
class Answer:
    """What the user sees: the answer text, its citations, and what was retrieved."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    passages: tuple[Passage, ...] = ()
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Fact:
    """A target, deadline or responsibility anchored to a verbatim quote: text[start:end] == quote.

    The first eleven fields are the original record (kept for every reader of `facts --json`);
    the rest were added with defaults. `agency` is the canonical entity (rag.facts.agencies),
    `agency_text` the agency as written; `due` is the time expression verbatim, `due_iso` its ISO
    8601 date, month, year or interval, `recurrence` an RFC 5545 rule for recurring deadlines.
    """

    kind: str  # target | deadline | responsibility
    subject: str  # what it is about: the indicator of a target, the task of a duty
    value: str | None  # a target's value as written: '76', '7,5 - 8'
    unit: str | None  # '%', 'triệu đồng', 'xã'
    period: str | None  # the year or period a target is set for: '2025', '2021 - 2025'
    due: str | None  # the time expression verbatim: 'trước ngày 31 tháng 3 năm 2024'
    agency: str | None  # canonical agency: 'Sở Nội vụ'
    role: str | None  # chủ trì | phối hợp | thực hiện
    quote: str
    doc_id: str
    path: str
    indicator: str | None = None  # a target's indicator: 'Tỷ lệ đô thị hóa'
    comparator: str | None = None  # đạt | tối thiểu | ít nhất | giảm còn | trên | trở lên | …
    due_iso: str | None = None  # '2024-03-31', '2025-12', '2026-01/2026-03'
    recurrence: str | None = None  # 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20'
    agency_text: str | None = None  # the agency as written: 'Sở Nội vụ (Ban Thi đua - Khen thưởng)'
    task: str | None = None  # the duty in a few words
    start: int = -1  # the quote's span in the document's normalized text
    end: int = -1
    page: int | None = None
    source: str = ""  # where the agency came from: sentence | heading | table | field

    @property
    def due_text(self) -> str | None:
        """The time expression as written (the same as `due`)."""
        return self.due


def page_at(pages: Sequence[PageSpan], offset: int) -> int | None:
    """The page holding character `offset`, or None for documents without pages."""
    if not pages:
        return None
    for span in pages:
        if span.start <= offset < span.end:
            return span.page
    return pages[-1].page
