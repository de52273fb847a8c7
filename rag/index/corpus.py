"""An in-memory view of the indexed corpus: chunks, document texts and metadata.

Loaded from the store (the system of record) and kept in step with it by fingerprint.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.index.chroma import Store, meta_from_record, pages_from_record
from rag.ingest.structure import iter_clauses, parse_clauses
from rag.types import Chunk, DocMeta, PageSpan

_CONTAINERS = ("part", "chapter", "lawsection")


@dataclass
class CorpusView:
    chunks: dict[str, Chunk] = field(default_factory=dict)
    chunks_of: dict[str, list[str]] = field(default_factory=dict)
    metas: dict[str, DocMeta] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    pages: dict[str, tuple[PageSpan, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store, chunks: Sequence[Chunk] | None = None) -> CorpusView:
        view = cls()
        for chunk in chunks if chunks is not None else store.iter_chunks():
            view.chunks[chunk.chunk_id] = chunk
            view.chunks_of.setdefault(chunk.doc_id, []).append(chunk.chunk_id)
        got = store.docs.get(include=["documents", "metadatas"])
        for doc_id, text, record in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
            rec: dict[str, Any] = dict(record or {})
            view.records[doc_id] = rec
            view.metas[doc_id] = meta_from_record(rec)
            view.texts[doc_id] = text or ""
            view.pages[doc_id] = pages_from_record(rec)
        for ids in view.chunks_of.values():
            ids.sort(key=lambda cid: view.chunks[cid].start)
        return view

    def chunks_in(self, doc_ids: Sequence[str] | None) -> Iterator[tuple[str, Chunk]]:
        """(id, chunk) of every chunk, or of the given documents only."""
        if doc_ids is None:
            yield from self.chunks.items()
            return
        for doc_id in doc_ids:
            for cid in self.chunks_of.get(doc_id, ()):
                yield cid, self.chunks[cid]

    def clause_path_at(self, chunk: Chunk, offset: int) -> str:
        """Path of the deepest clause of `chunk` holding `offset`: 'IV.1' → 'IV.1.a' for item a).

        Only the chunk's own span is parsed (a chunk is one clause subtree), so this stays cheap
        on documents of any length.
        """
        text = self.texts[chunk.doc_id]
        roots = parse_clauses(text, chunk.start, chunk.end)
        if len(roots) != 1 or roots[0].start != chunk.start or roots[0].level in _CONTAINERS:
            return chunk.path
        root = roots[0].path
        inside = [c for c in iter_clauses(roots) if c.start <= offset < c.end]
        deepest = inside[-1].path if inside else root
        return chunk.path + deepest[len(root):] if deepest.startswith(root) else chunk.path

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(sorted({m.place for m in self.metas.values() if m.place}))
