"""Chroma is the system of record: chunks with vectors, and one record per document (the manifest).

Works with the embedded PersistentClient (default) or a Chroma server (HttpClient). Vectors
are always passed in: Chroma's default embedding function would download an English model.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from rag.config import Settings
from rag.index import remote
from rag.types import Chunk, DocMeta, PageSpan, SourceDoc

_NO_MODEL = ""
_META_FIELDS = tuple(DocMeta.__dataclass_fields__)
READY = "ready"
_DOCS_SYNC = 10  # see Store._open


def is_ready(record: dict[str, Any]) -> bool:
    """A document record whose chunks are all written (records from before states count as ready)."""
    return record.get("state", READY) == READY


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata values cannot be None."""
    return {k: v for k, v in meta.items() if v is not None}


def chunk_metadata(chunk: Chunk, meta: DocMeta, has_vector: bool) -> dict[str, Any]:
    """What Chroma stores beside a chunk's text: position, breadcrumb and filterable doc fields."""
    year = int(meta.issued_on[:4]) if meta.issued_on else -1
    return _clean({
        "doc_id": chunk.doc_id, "path": chunk.path, "breadcrumb": chunk.breadcrumb,
        "start": chunk.start, "end": chunk.end, "page": chunk.page if chunk.page is not None else -1,
        "section": chunk.section, "ancestors": json.dumps(chunk.ancestors, ensure_ascii=False),
        "has_vector": has_vector, "number": meta.number, "doc_type": meta.doc_type,
        "place": meta.place, "year": year,
    })


def chunk_from_record(chunk_id: str, text: str, md: dict[str, Any]) -> Chunk:
    """Rebuild a Chunk from what Chroma returned."""
    page = int(md.get("page", -1))
    return Chunk(
        chunk_id=chunk_id, doc_id=str(md["doc_id"]), text=text, path=str(md["path"]),
        breadcrumb=str(md.get("breadcrumb", "")), start=int(md["start"]), end=int(md["end"]),
        page=page if page >= 0 else None, section=str(md.get("section", "body")),
        ancestors=tuple(tuple(a) for a in json.loads(str(md.get("ancestors", "[]")))),  # type: ignore[misc]
    )


def meta_from_record(md: dict[str, Any]) -> DocMeta:
    """The DocMeta part of a document record."""
    return DocMeta(**{k: md[k] for k in _META_FIELDS if k in md})


def _bulk(method: Callable[..., Any]) -> Callable[..., Any]:
    """Calls of this method move whole batches (writes, or reads of many chunks and texts): the long deadline."""
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        with remote.bulk():
            return method(*args, **kwargs)
    return run


class Store:
    """The chunk and document collections of one index.

    With a Chroma server (`RAG_CHROMA_HOST`) the connection is opened on first use and every call
    runs through a `Guard` (deadlines, bounded retries, circuit breaker): an unreachable server
    raises `StoreUnavailable` within seconds, never hangs. The embedded store is opened at once.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.name = settings.collection
        self.remote = bool(settings.chroma_host)
        self.where = remote.where(settings) if self.remote else str(settings.chroma_dir)
        self.guard = remote.Guard(settings, self.where, self.remote, probe=self._probe)
        self._lock = threading.RLock()  # the guard's probe may connect while _ensure holds it
        self._raw: Any = None  # the chromadb client itself (no guard): for probes and for opening
        self._client: Any = None
        self._chunks: Any = None
        self._docs: Any = None
        if not self.remote:
            self._connect()

    @property
    def health(self) -> remote.StoreHealth:
        """Up, or down since when and why (as the last calls found it)."""
        return self.guard.health

    def _connect(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        if self._client is not None:
            return
        if self.remote:
            raw = remote.connect(self.settings)
        else:
            self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            raw = chromadb.PersistentClient(path=str(self.settings.chroma_dir),
                                            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
        self._raw = raw
        self._open()
        self._client = remote.Proxy(raw, self.guard)

    def _probe(self) -> None:
        """A quick sign of life (the guard's recheck after an outage): a heartbeat, or connecting."""
        if self._client is None:
            with self._lock:
                self._connect()
                return
        self._raw.heartbeat()

    def _ensure(self) -> None:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self.guard.call(self._connect, write=True)

    @property
    def client(self) -> Any:
        self._ensure()
        return self._client

    @property
    def chunks(self) -> Any:
        self._ensure()
        return self._chunks

    @property
    def docs(self) -> Any:
        self._ensure()
        return self._docs

    def _open(self) -> None:
        from chromadb import FtsIndexConfig, HnswIndexConfig, Schema, VectorIndexConfig

        # Chroma's own full-text index is never queried (the lexical index is ours) and it made every
        # write pay for trigram postings of whole documents: off for the collections this code creates.
        schema = Schema().delete_index(FtsIndexConfig(), key="#document")
        chunks = self._raw.get_or_create_collection(
            self.name, embedding_function=None, metadata={"embedding_model": _NO_MODEL, "dim": 1}, schema=schema)
        # Chroma keeps its write log until the vector segment is persisted, every `sync_threshold`
        # records (1,000 by default), and every write re-reads that log: for the document collection,
        # which rarely reaches 1,000 records but holds whole texts, each write cost grew with the corpus.
        docs_schema = Schema().delete_index(FtsIndexConfig(), key="#document").create_index(
            VectorIndexConfig(embedding_function=None, hnsw=HnswIndexConfig(sync_threshold=_DOCS_SYNC, batch_size=_DOCS_SYNC)))
        docs = self._raw.get_or_create_collection(
            f"{self.name}-documents", embedding_function=None, metadata={"generation": 0}, schema=docs_schema)
        hnsw: dict[str, Any] = dict((docs.configuration or {}).get("hnsw") or {})
        if int(hnsw.get("sync_threshold", _DOCS_SYNC)) > _DOCS_SYNC:  # an index made before this setting
            docs.modify(configuration={"hnsw": {"sync_threshold": _DOCS_SYNC, "batch_size": _DOCS_SYNC}})
        self._chunks, self._docs = remote.Proxy(chunks, self.guard), remote.Proxy(docs, self.guard)

    # ------------------------------------------------------------ embedding model of the index
    @property
    def embedding_model(self) -> str | None:
        """The model whose vectors the chunk collection holds ('' / None: lexical-only)."""
        return str((self.chunks.metadata or {}).get("embedding_model", _NO_MODEL)) or None

    @property
    def dim(self) -> int:
        return int((self.chunks.metadata or {}).get("dim", 1))

    @property
    def partial(self) -> bool:
        """True when some chunks were stored without vectors (written while the model was missing)."""
        return bool((self.chunks.metadata or {}).get("partial", False))

    def adopt_model(self, name: str, dim: int) -> bool:
        """Make the index hold vectors of `name`. Returns True when it had to be emptied for that."""
        if self.embedding_model == name and self.dim == dim:
            return False
        if self.count() == 0:
            self.chunks.modify(metadata={"embedding_model": name, "dim": dim})
            return False
        self.client.delete_collection(self.name)
        self.client.delete_collection(f"{self.name}-documents")
        self.guard.call(self._open, write=True)
        self.chunks.modify(metadata={"embedding_model": name, "dim": dim})
        return True

    # ------------------------------------------------------------ change generation
    def state(self) -> tuple[str, int]:
        """(id of the document collection, generation): what a replica compares to know it is fresh.

        The generation grows by one with every committed write; the collection id changes when
        the index is emptied for another embedding model. One small call, whatever the index size.
        """
        docs = self.client.get_collection(self.docs.name)
        if docs.id != self.docs.id:  # emptied and re-created by another process (another embedding model)
            self.guard.call(self._open, write=True)
        return str(docs.id), int((docs.metadata or {}).get("generation", 0))

    def changed_at(self) -> float | None:
        """When the last committed write happened (None for an index written before this was kept)."""
        value = (self.client.get_collection(self.docs.name).metadata or {}).get("changed_at")
        return float(value) if value is not None else None

    def _bump(self, generation: int) -> None:
        self.docs.modify(metadata={"generation": generation, "changed_at": time.time()})

    # ------------------------------------------------------------ writes
    def replace_document(self, doc: SourceDoc, meta: DocMeta, chunks: Sequence[Chunk],
                         vectors: np.ndarray | None, extra: dict[str, Any]) -> None:
        """Swap in a document's chunks, then record it: a crash in between leaves it to redo."""
        self.replace_documents([(doc, meta, chunks, vectors)], extra)

    @_bulk
    def replace_documents(self, items: Sequence[tuple[SourceDoc, DocMeta, Sequence[Chunk], np.ndarray | None]],
                          extra: dict[str, Any]) -> tuple[int, dict[str, dict[str, Any]]]:
        """Swap in the chunks of many documents in a few calls; returns the new generation and the records.

        Order, for crash safety without scanning the index: (1) each document is listed as pending,
        so every chunk in the store belongs to a listed document; (2) chunks of documents listed
        before (an older version, or an interrupted run) are deleted, and only theirs: a new
        document has none, and a filtered delete costs more as the collection grows; (3) the new
        chunks are added; (4) the records are written ready, with the text; (5) the generation is
        bumped. A crash leaves pending records, which readers skip and the next ingest redoes.
        """
        if not items:
            return self.state()[1], {}
        ids = [doc.doc_id for doc, _, _, _ in items]
        listed = self.docs.get(ids=ids, include=[])["ids"]
        generation = self.state()[1] + 1
        self.docs.upsert(ids=ids, embeddings=np.zeros((len(ids), 1), dtype=np.float32),
                         metadatas=[{"state": "pending", "generation": generation, "source": doc.path}
                                    for doc, _, _, _ in items])
        if listed:
            where: Any = {"doc_id": {"$in": listed}}
            self.chunks.delete(where=where)
        dim = self.dim
        if self.embedding_model and not self.partial and any(v is None for _, _, _, v in items):
            self.chunks.modify(metadata={**(self.chunks.metadata or {}), "partial": True})
        rows = [(c, meta, None if vectors is None else vectors[i])
                for _, meta, chunks, vectors in items for i, c in enumerate(chunks)]
        # a server answers no query while it applies a request: small ones keep questions quick during an ingest
        per_request = self.settings.chroma_write_rows if self.remote else 5000
        batch = max(1, min(per_request, self.client.get_max_batch_size()))
        for i in range(0, len(rows), batch):
            part = rows[i:i + batch]
            embeddings = np.stack([v if v is not None else np.zeros(dim, dtype=np.float32) for _, _, v in part])
            self.chunks.add(
                ids=[c.chunk_id for c, _, _ in part], documents=[c.text for c, _, _ in part],
                embeddings=embeddings.astype(np.float32),
                metadatas=[chunk_metadata(c, meta, v is not None) for c, meta, v in part],
            )
        records: list[Any] = [_clean({**asdict(meta), **extra, "source": doc.path, "sha256": doc.sha256,
                                      "n_chunks": len(chunks), "pages": json.dumps([asdict(p) for p in doc.pages]),
                                      "text_origin": doc.text_origin, "ocr_pages": doc.ocr_pages,
                                      "converted_from": doc.converted_from, "state": READY, "generation": generation})
                              for doc, meta, chunks, _ in items]
        self.docs.upsert(ids=ids, documents=[doc.text for doc, _, _, _ in items],
                         embeddings=np.zeros((len(items), 1), dtype=np.float32), metadatas=records)
        self._bump(generation)
        return generation, dict(zip(ids, records, strict=True))

    def facts_collection(self) -> Any:
        """The collection holding each document's register (one record per document; rag.facts.store)."""
        return self.client.get_or_create_collection(f"{self.name}-facts", embedding_function=None)

    def delete_document(self, doc_id: str) -> None:
        self.delete_documents([doc_id])

    @_bulk
    def delete_documents(self, doc_ids: Sequence[str]) -> int:
        """Remove documents: pending first, then their chunks, then their records (crash-safe the same way)."""
        if not doc_ids:
            return self.state()[1]
        generation = self.state()[1] + 1
        self.docs.update(ids=list(doc_ids), metadatas=[{"state": "pending", "generation": generation}] * len(doc_ids))
        where: Any = {"doc_id": {"$in": list(doc_ids)}}
        self.chunks.delete(where=where)
        self.docs.delete(ids=list(doc_ids))
        self._bump(generation)
        return generation

    # ------------------------------------------------------------ reads
    def count(self) -> int:
        return int(self.chunks.count())

    def manifest(self, include_pending: bool = False) -> dict[str, dict[str, Any]]:
        """doc_id → document record (metadata only); pending (half-written) documents only when asked."""
        return {i: r for i, r in self._records(None).items() if include_pending or is_ready(r)}

    def records_since(self, generation: int) -> dict[str, dict[str, Any]]:
        """Records (ready or pending) written after `generation`; every record when it is 0."""
        return self._records({"generation": {"$gt": generation}} if generation > 0 else None)

    @_bulk
    def records_of(self, doc_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Records of the given documents (ready or pending)."""
        got = self.docs.get(ids=list(doc_ids), include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)}

    @_bulk
    def _records(self, where: Any, page_size: int = 5000) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            got = self.docs.get(where=where, include=["metadatas"], limit=page_size, offset=offset)
            out.update({i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)})
            if len(got["ids"]) < page_size:
                return out
            offset += page_size

    @_bulk
    def doc_ids(self, page_size: int = 20000) -> set[str]:
        """The id of every document record (ready or pending)."""
        out: set[str] = set()
        offset = 0
        while True:
            got = self.docs.get(include=[], limit=page_size, offset=offset)
            out.update(got["ids"])
            if len(got["ids"]) < page_size:
                return out
            offset += page_size

    def fingerprint(self) -> str:
        """Changes whenever any document is added, replaced or removed."""
        items = sorted((k, v.get("sha256", ""), v.get("n_chunks", 0)) for k, v in self.manifest().items())
        return hashlib.sha256(json.dumps([items, self.embedding_model]).encode()).hexdigest()[:16]

    @_bulk
    def chunks_of_documents(self, doc_ids: Sequence[str], page_size: int = 5000) -> dict[str, list[Chunk]]:
        """doc_id → its chunks (any order), paged so a large batch is not pulled in one response."""
        out: dict[str, list[Chunk]] = {d: [] for d in doc_ids}
        where: Any = {"doc_id": {"$in": list(doc_ids)}}
        offset = 0
        while doc_ids:
            got = self.chunks.get(where=where, include=["documents", "metadatas"], limit=page_size, offset=offset)
            for cid, text, md in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False):
                chunk = chunk_from_record(cid, text or "", dict(md or {}))
                out.setdefault(chunk.doc_id, []).append(chunk)
            if len(got["ids"]) < page_size:
                break
            offset += page_size
        return out

    @_bulk
    def get_documents(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """doc_id → (normalized text, record) for the known ones."""
        got = self.docs.get(ids=list(doc_ids), include=["documents", "metadatas"])
        return {i: (t or "", dict(m or {}))
                for i, t, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)}

    def iter_chunks(self, page_size: int = 2000) -> Iterator[Chunk]:
        """Every chunk, paged so a large index is not pulled in one response."""
        offset = 0
        while True:
            with remote.bulk():
                got = self.chunks.get(include=["documents", "metadatas"], limit=page_size, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            for cid, text, md in zip(ids, got["documents"] or [], got["metadatas"] or [], strict=False):
                yield chunk_from_record(cid, text or "", dict(md or {}))
            offset += len(ids)

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        return {cid: chunk_from_record(cid, text or "", dict(md or {}))
                for cid, text, md in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)}

    def dense_query(self, vector: np.ndarray, n: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest embedded chunks."""
        # filtering makes Chroma search exhaustively: only filter when the index needs it
        clauses: list[dict[str, Any]] = [] if not self.partial else [{"has_vector": True}]
        if doc_ids:
            clauses.append({"doc_id": {"$in": list(doc_ids)}})
        where: dict[str, Any] | None = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        total = self.count()
        if total == 0:
            return []
        got = self.chunks.query(query_embeddings=[vector.tolist()], n_results=min(n, total), where=where,
                                include=["distances"])
        ids, dists = got["ids"][0], (got["distances"] or [[]])[0]
        return [(cid, 1.0 - float(d) / 2.0) for cid, d in zip(ids, dists, strict=False)]

    def get_document(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        """(normalized text, record) of a document, or None."""
        got = self.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return (got["documents"] or [""])[0] or "", dict((got["metadatas"] or [{}])[0] or {})


def pages_from_record(record: dict[str, Any]) -> tuple[PageSpan, ...]:
    return tuple(PageSpan(**p) for p in json.loads(str(record.get("pages", "[]"))))
