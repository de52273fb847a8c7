"""The read view of the index: document metadata, document texts and chunks.

Every reader (retrieval, answerers, lookup, UI) goes through these methods, never through the
store directly. Metadata of every document is at hand (small); texts and chunks are read on
demand from the replica's local index (memory-mapped, see `rag.index.local`) through bounded
caches, so the view's memory does not grow with the corpus. A chunk whose document record is
missing (an ingest in progress or interrupted) is not part of the view: readers never see
half-written documents.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from rag.index.chroma import Store, meta_from_record, pages_from_record
from rag.index.lexical import syllables
from rag.ingest.structure import iter_clauses, parse_clauses
from rag.text import strip_accents
from rag.types import Chunk, DocMeta, PageSpan

_CONTAINERS = ("part", "chapter", "lawsection")


class Source(Protocol):
    """Where a view reads from: a LocalIndex snapshot, or documents held in memory."""

    records: dict[str, dict[str, Any]]

    def chunks_by_ids(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]: ...
    def chunks_of(self, doc_id: str) -> list[Chunk]: ...
    def chunks_at_path(self, path: str, doc_ids: Sequence[str] | None, limit: int) -> list[Chunk]: ...
    def chunk_at(self, doc_id: str, offset: int) -> Chunk | None: ...


class _Memory:
    """Documents and chunks held in memory (tests, tools)."""

    def __init__(self, documents: Mapping[str, tuple[str, DocMeta]], chunks: Iterable[Chunk],
                 records: Mapping[str, dict[str, Any]] | None = None):
        from dataclasses import asdict

        self.records = {d: dict(records[d]) if records and d in records else
                        {k: v for k, v in asdict(meta).items() if v is not None}
                        for d, (_, meta) in documents.items()}
        self.texts = {d: text for d, (text, _) in documents.items()}
        self.by_id = {c.chunk_id: c for c in chunks if c.doc_id in self.records}
        self.by_doc: dict[str, list[Chunk]] = {}
        for chunk in self.by_id.values():
            self.by_doc.setdefault(chunk.doc_id, []).append(chunk)
        for doc_chunks in self.by_doc.values():
            doc_chunks.sort(key=lambda c: c.start)
        for doc_id, doc_chunks in self.by_doc.items():
            self.records[doc_id]["n_chunks"] = len(doc_chunks)

    def chunks_by_ids(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        return {cid: self.by_id[cid] for cid in chunk_ids if cid in self.by_id}

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return list(self.by_doc.get(doc_id, ()))

    def chunks_at_path(self, path: str, doc_ids: Sequence[str] | None, limit: int) -> list[Chunk]:
        docs = doc_ids if doc_ids is not None else list(self.by_doc)
        return [c for d in docs for c in self.by_doc.get(d, ())
                if c.path == path or c.path.startswith(path + ".")][:limit]

    def chunk_at(self, doc_id: str, offset: int) -> Chunk | None:
        chunks = self.by_doc.get(doc_id, [])
        return next((c for c in chunks if c.start <= offset < c.end), chunks[-1] if chunks else None)

    def text(self, doc_id: str) -> str:
        return self.texts.get(doc_id, "")


class _Lru:
    """A small thread-safe LRU map (answer threads of the UI share one view)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict[str, Any](), threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class CorpusView:
    """Documents and chunks of one index, as of one snapshot."""

    def __init__(self, source: Source, text_of: Any = None, cached_texts: int = 32, cached_chunks: int = 20_000,
                 keys_of: Any = None):
        self.source = source
        self._text_of = text_of or getattr(source, "text", None) or (lambda _doc_id: "")
        self._keys_of = keys_of
        self._records = source.records
        self._metas = {d: meta_from_record(r) for d, r in self._records.items()}
        self._places = tuple(sorted({m.place for m in self._metas.values() if m.place}))
        self._count = sum(int(r.get("n_chunks", 0)) for r in self._records.values())
        self._texts = _Lru(cached_texts)
        self._keys = _Lru(8 * cached_texts)
        self._chunks = _Lru(cached_chunks)

    @classmethod
    def of(cls, documents: Mapping[str, tuple[str, DocMeta]], chunks: Iterable[Chunk]) -> CorpusView:
        """A view over documents held in memory (doc_id → (text, meta)) and their chunks (tests, tools)."""
        return cls(_Memory(documents, chunks))

    @classmethod
    def load(cls, source: Any, cached_texts: int = 32, cached_chunks: int = 20_000) -> CorpusView:
        """A view over the latest snapshot of a LocalIndex (what replicas use), or over a Store.

        From a Store (tools, tests) every ready document and chunk is read into memory, as the
        view did before it read on demand: fine for a folder of documents, not for a ministry.
        """
        if isinstance(source, Store):
            records = source.manifest()
            texts = source.get_documents(sorted(records)) if records else {}
            documents = {d: (texts[d][0], meta_from_record(r)) for d, r in records.items() if d in texts}
            return cls(_Memory(documents, source.iter_chunks(), records))
        return cls(source.snapshot(), source.text, cached_texts, cached_chunks, source.keys)

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
        if doc_id not in self._records:
            return ""
        text = self._texts.get(doc_id)
        if text is None:
            text = str(self._text_of(doc_id))
            self._texts.put(doc_id, text)
        return text

    def keys(self, doc_id: str, folded: bool = False) -> frozenset[str]:
        """The match keys (syllables, accent-folded when asked) of a document's whole text.

        Read from the local index, where they were computed once at indexing time: a question
        that asks what a document lacks costs a look-up, not a pass over the document.
        """
        if doc_id not in self._records:
            return frozenset()
        key = f"{int(folded)}{doc_id}"
        found = self._keys.get(key)
        if found is None:
            exact = self._keys_of(doc_id) if self._keys_of is not None else syllables(self.text(doc_id))
            found = frozenset(strip_accents(k) for k in exact) if folded else frozenset(exact)
            self._keys.put(key, found)
        return found  # type: ignore[no-any-return]

    def pages(self, doc_id: str) -> tuple[PageSpan, ...]:
        return pages_from_record(self._records[doc_id]) if doc_id in self._records else ()

    @property
    def places(self) -> tuple[str, ...]:
        return self._places

    # ------------------------------------------------------------ chunks
    @property
    def chunk_count(self) -> int:
        return self._count

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.chunks([chunk_id]).get(chunk_id)

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        """The known chunks among `chunk_ids` (unknown ids are skipped), in the order asked."""
        wanted = list(dict.fromkeys(chunk_ids))
        found = {cid: c for cid in wanted if (c := self._chunks.get(cid)) is not None}
        missing = [cid for cid in wanted if cid not in found]
        for cid, chunk in self.source.chunks_by_ids(missing).items():
            self._chunks.put(cid, chunk)
            found[cid] = chunk
        return {cid: found[cid] for cid in wanted if cid in found and found[cid].doc_id in self._records}

    def remember(self, chunks: Iterable[Chunk]) -> None:
        """Keep chunks a search has just read, so the next look-up of them costs nothing."""
        for chunk in chunks:
            self._chunks.put(chunk.chunk_id, chunk)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in text order (read from the index: cost follows the document)."""
        return self.source.chunks_of(doc_id) if doc_id in self._records else []

    def chunk_ids_of(self, doc_ids: Sequence[str]) -> list[str]:
        return [c.chunk_id for d in doc_ids for c in self.chunks_of(d)]

    def chunks_at_path(self, path: str, doc_ids: Sequence[str] | None = None, limit: int = 1000) -> list[Chunk]:
        """Chunks at clause `path` or under it ('Điều 7' → 'Điều 7', 'Điều 7.2', …), via the path index."""
        return self.source.chunks_at_path(path, doc_ids, limit)

    def chunk_at(self, doc_id: str, offset: int) -> Chunk | None:
        """The chunk of a document that holds character `offset` (else its last chunk)."""
        return self.source.chunk_at(doc_id, offset) if doc_id in self._records else None

    def iter_chunks(self, doc_ids: Sequence[str] | None = None) -> Iterator[Chunk]:
        """Every chunk, or the chunks of the given documents, one document at a time."""
        for doc_id in (doc_ids if doc_ids is not None else list(self._records)):
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
