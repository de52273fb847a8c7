"""The read view of the index: document metadata, document texts and chunks.

Every reader (retrieval, answerers, lookup, UI) goes through these methods, never through the
store directly, so how text is held (in memory, or fetched on demand) is this module's business.
A chunk whose document record is missing (an ingest in progress or interrupted) is not part of
the view: readers never see half-written documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from rag.index.chroma import Store, meta_from_record, pages_from_record
from rag.ingest.structure import iter_clauses, parse_clauses
from rag.types import Chunk, DocMeta, PageSpan

_CONTAINERS = ("part", "chapter", "lawsection")


class CorpusView:
    """Documents and chunks of one index, as of the last refresh."""

    def __init__(self) -> None:
        self._chunks: dict[str, Chunk] = {}
        self._chunks_of: dict[str, list[str]] = {}
        self._metas: dict[str, DocMeta] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._texts: dict[str, str] = {}
        self._pages: dict[str, tuple[PageSpan, ...]] = {}

    @classmethod
    def of(cls, documents: Mapping[str, tuple[str, DocMeta]], chunks: Iterable[Chunk]) -> CorpusView:
        """A view over documents held in memory (doc_id → (text, meta)) and their chunks (tests, tools)."""
        view = cls()
        for doc_id, (text, meta) in documents.items():
            view._metas[doc_id], view._texts[doc_id], view._records[doc_id] = meta, text, {}
        view._add_chunks(chunks)
        return view

    def _add_chunks(self, chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            if chunk.doc_id not in self._metas:
                continue  # its document record is not written yet (or was lost): not part of the view
            self._chunks[chunk.chunk_id] = chunk
            self._chunks_of.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
        for ids in self._chunks_of.values():
            ids.sort(key=lambda cid: self._chunks[cid].start)

    @classmethod
    def load(cls, store: Store, chunks: Iterable[Chunk] | None = None) -> CorpusView:
        view = cls()
        got = store.docs.get(include=["documents", "metadatas"])
        for doc_id, text, record in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
            rec: dict[str, Any] = dict(record or {})
            view._records[doc_id] = rec
            view._metas[doc_id] = meta_from_record(rec)
            view._texts[doc_id] = text or ""
            view._pages[doc_id] = pages_from_record(rec)
        view._add_chunks(chunks if chunks is not None else store.iter_chunks())
        return view

    # ------------------------------------------------------------ documents
    @property
    def metas(self) -> Mapping[str, DocMeta]:
        """doc_id → DocMeta of every document (small; always at hand)."""
        return self._metas

    def meta(self, doc_id: str) -> DocMeta:
        """The document's metadata (an empty DocMeta for an unknown id)."""
        return self._metas.get(doc_id) or DocMeta()

    def record(self, doc_id: str) -> dict[str, Any]:
        """The document's manifest record (source path, sha256, …)."""
        return self._records.get(doc_id, {})

    def text(self, doc_id: str) -> str:
        """The normalized text of a document: the quotable source of truth ('' when unknown)."""
        return self._texts.get(doc_id, "")

    def pages(self, doc_id: str) -> tuple[PageSpan, ...]:
        return self._pages.get(doc_id, ())

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(sorted({m.place for m in self._metas.values() if m.place}))

    # ------------------------------------------------------------ chunks
    @property
    def chunk_count(self) -> int:
        return len(self._chunks)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        """The known chunks among `chunk_ids` (unknown ids are skipped)."""
        return {cid: c for cid in chunk_ids if (c := self._chunks.get(cid)) is not None}

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in text order."""
        return [self._chunks[cid] for cid in self._chunks_of.get(doc_id, ())]

    def chunk_ids_of(self, doc_ids: Sequence[str]) -> list[str]:
        return [cid for d in doc_ids for cid in self._chunks_of.get(d, ())]

    def chunk_at(self, doc_id: str, offset: int) -> Chunk | None:
        """The chunk of a document that holds character `offset` (else its last chunk)."""
        chunks = self.chunks_of(doc_id)
        return next((c for c in chunks if c.start <= offset < c.end), chunks[-1] if chunks else None)

    def iter_chunks(self, doc_ids: Sequence[str] | None = None) -> Iterator[Chunk]:
        """Every chunk, or the chunks of the given documents."""
        for doc_id in (doc_ids if doc_ids is not None else list(self._chunks_of)):
            yield from self.chunks_of(doc_id)

    def clause_path_at(self, chunk: Chunk, offset: int) -> str:
        """Path of the deepest clause of `chunk` holding `offset`: 'IV.1' → 'IV.1.a' for item a).

        Only the chunk's own span is parsed (a chunk is one clause subtree), so this stays cheap
        on documents of any length.
        """
        text = self.text(chunk.doc_id)
        roots = parse_clauses(text, chunk.start, chunk.end)
        if len(roots) != 1 or roots[0].start != chunk.start or roots[0].level in _CONTAINERS:
            return chunk.path
        root = roots[0].path
        inside = [c for c in iter_clauses(roots) if c.start <= offset < c.end]
        deepest = inside[-1].path if inside else root
        return chunk.path + deepest[len(root):] if deepest.startswith(root) else chunk.path
